package caravan.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import caravan.keys.SingleFlight;
import caravan.keys.StorePool;
import caravan.ledger.LedgerJournal.Hold;
import caravan.ledger.LedgerJournal.Segment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's writer: a thread of its own (never an event loop, never the store's pool) that, every
 * {@value #INTERVAL_MILLIS} ms, takes what the queue holds, writes it to the journal as one segment, and
 * starts a store write of the pending segments on the store's pool, once the oldest has waited what the store
 * gathers ({@link LedgerStore#gathers}: nothing for PostgreSQL, a second for the embedded file). The thread
 * itself never waits for the store, so a slow or unreachable store only makes the journal longer, never the
 * queue fuller.
 *
 * <p>Store writes run one at a time ({@link SingleFlight}): each takes the oldest pending segments, up to
 * {@value #ROWS_PER_WRITE} rows, inserts them in one transaction and then forgets them; one that fails
 * leaves them pending for the next, a second later. A write killed half way leaves its segments pending (or,
 * when the process died, on disk), and writing them again adds only the rows the store did not have.
 */
final class LedgerWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
    static final long INTERVAL_MILLIS = 50;
    /** Rows per store transaction: a store that was away catches up in writes of this size. */
    static final int ROWS_PER_WRITE = 20_000;
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Queue<LedgerRecord> queue;
    private final int queueCapacity;
    private final LedgerJournal journal;
    private final LedgerStore store;
    private final StorePool pool;
    private final SingleFlight writes;
    /** Journaled segments not yet in the store, oldest first; added by the writer thread, removed by one store write at a time. */
    private final Deque<Segment> pending = new ConcurrentLinkedDeque<>();
    /** Records of pending segments still held in memory; beyond the cap new segments are kept on disk only. */
    private final AtomicLong heldInMemory = new AtomicLong();
    private final long maxHeldInMemory;
    /** How long the oldest pending segment waits for the store write that takes the ones after it too. */
    private final long gatherMillis;
    private volatile boolean stopping;

    LedgerWriter(Queue<LedgerRecord> queue, int queueCapacity, LedgerJournal journal, LedgerStore store, StorePool pool)
            throws IOException {
        this.queue = queue;
        this.queueCapacity = queueCapacity;
        this.journal = journal;
        this.store = store;
        this.pool = pool;
        // beyond this the rows of a lagging store wait on disk, not in the heap, where they would outlive
        // young collections and be copied into the old generation
        this.maxHeldInMemory = Math.max(1, queueCapacity / 2);
        this.gatherMillis = store.gathers().toMillis();
        this.writes = new SingleFlight(LOG, "Usage records cannot be written to the store ({}); they are kept in "
                + journal.dir() + " and written when it answers", "Usage records are written to the store again",
                Duration.ofSeconds(1));
        List<Segment> left = journal.onDisk();
        if (!left.isEmpty()) {
            LOG.info("{} ledger journal segments left by an earlier run are written to the store", left.size());
            pending.addAll(left);
        }
    }

    @Override
    public void run() {
        while (!stopping) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
            try {
                journalQueue();
                Segment oldest = pending.peekFirst();
                if (oldest != null && System.currentTimeMillis() - oldest.madeAtMillis() >= gatherMillis) {
                    writes.run(pool, this::writeSome, failure -> { });
                }
            } catch (RuntimeException e) {
                // the thread must outlive any one failure: what it took is in pending or still queued
                LOG.error("The ledger writer failed a cycle", e);
            }
        }
    }

    /** How far behind the store is: the age of the oldest row journaled and not yet stored, 0 when none. */
    double lagSeconds() {
        Segment oldest = pending.peekFirst();
        return oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.madeAtMillis()) / 1000.0;
    }

    /** Ends the loop; {@link #finish} then writes what is left. */
    void stop(Thread thread) {
        stopping = true;
        LockSupport.unpark(thread);
    }

    /**
     * At stop, after the thread ended: journals what is queued, lets a store write in flight end, then writes
     * every pending segment on the calling thread. What the store does not take stays in the journal for the
     * next start.
     */
    void finish() {
        journalQueue();
        try {
            writes.awaitIdle(STOP_WAIT);
            while (!pending.isEmpty()) {
                writeSome();
            }
            writes.outcome(null);
        } catch (TimeoutException | InterruptedException e) {
            LOG.warn("A ledger write was still running at stop; the usage records not yet stored are kept in {} and"
                    + " written at the next start", journal.dir());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } catch (RuntimeException e) {
            writes.outcome(e);
            LOG.warn("The store did not take the last usage records at stop ({}); they are kept in {} and written at"
                    + " the next start", e.toString(), journal.dir());
        }
    }

    /** Takes what the queue holds into a new segment, and the overflow segment written since the last cycle. */
    private void journalQueue() {
        List<LedgerRecord> batch = new ArrayList<>();
        LedgerRecord record;
        while (batch.size() < queueCapacity && (record = queue.poll()) != null) {
            batch.add(record);
        }
        if (!batch.isEmpty()) {
            // a store that reads the segments' files (the embedded one) is given nothing to hold
            boolean recordsWanted = store.holds() == Hold.RECORDS;
            boolean keep = recordsWanted && heldInMemory.addAndGet(batch.size()) <= maxHeldInMemory;
            if (recordsWanted && !keep) {
                heldInMemory.addAndGet(-batch.size());
            }
            try {
                pending.add(journal.write(batch, keep ? Hold.RECORDS : Hold.NOTHING));
            } catch (IOException e) {
                if (!keep) {
                    heldInMemory.addAndGet(batch.size());
                }
                // not lost while the process lives: the store write takes them from memory
                LOG.error("The ledger journal cannot be written ({}); {} usage records are held in memory until the"
                        + " store takes them", e.toString(), batch.size());
                pending.add(new Segment(null, batch, null, System.currentTimeMillis()));
            }
        }
        try {
            Segment overflow = journal.sealOverflow();
            if (overflow != null) {
                pending.add(overflow);
            }
        } catch (IOException e) {
            LOG.error("The ledger journal's overflow segment cannot be closed ({})", e.toString());
        }
    }

    /**
     * Writes the oldest pending segments, up to {@link #ROWS_PER_WRITE} rows (at least one segment), in one
     * transaction, then forgets them.
     */
    private Void writeSome() {
        List<Segment> taken = new ArrayList<>();
        // the taken segments with their records in memory, but for those a store that holds nothing reads from
        // the file this process journaled whole: a file is read once per write
        List<Segment> loaded = new ArrayList<>();
        int rows = 0;
        boolean storeReadsFiles = store.holds() == Hold.NOTHING;
        for (Segment segment : pending) {
            if (storeReadsFiles && segment.records() == null && segment.span() != null && Files.notExists(segment.path())) {
                // removed by hand before its write: nothing brings it back, and it must not hold up the rest
                LOG.error("The ledger journal segment {} was removed before the store took it: its {} usage records are"
                        + " not in the ledger", segment.path(), segment.span().count());
                taken.add(segment);
                continue;
            }
            Segment held;
            try {
                held = segment.records() != null || storeReadsFiles && segment.span() != null ? segment
                        : new Segment(segment.path(), journal.records(segment), null, segment.madeAtMillis());
            } catch (IOException e) {
                throw new UncheckedIOException("The ledger journal segment " + segment.path() + " cannot be read", e);
            }
            if (!taken.isEmpty() && rows + held.count() > ROWS_PER_WRITE) {
                break;
            }
            taken.add(segment);
            loaded.add(held);
            rows += held.count();
        }
        store.write(loaded, journal::refuse);
        for (Segment segment : taken) {
            try {
                journal.forget(segment);
            } catch (IOException e) {
                // written again at the next start, which adds nothing
                LOG.warn("A stored ledger journal segment could not be deleted ({})", e.toString());
            }
            pending.pollFirst();
            if (segment.records() != null) {
                heldInMemory.addAndGet(-segment.count());
            }
        }
        return null;
    }
}
