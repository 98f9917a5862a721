package caravan.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Queue;

import caravan.keys.StorePool;
import caravan.limits.ThrottledWarning;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger's write path (README "Accounting and the ledger"): one record per model call, handed
 * over by the thread that finished the call (often an event loop) and written to the store off the
 * response path, never lost and never doubled.
 *
 * <p>{@link #record} only puts the record in a bounded queue: a lock-free array queue, so the hot path
 * neither allocates nor waits. The {@link LedgerWriter}'s thread journals the queue every
 * {@value LedgerWriter#INTERVAL_MILLIS} ms and writes the journal to the store; a full queue (the writer
 * fell behind by {@code GATEWAY_LEDGER_QUEUE} records) sends each further record straight to the journal
 * file, written by the calling thread, until the writer catches up. {@link #close} (at stop, SIGTERM
 * included) writes everything that is left; what the store does not take then stays in the journal and is
 * written at the next start.
 */
public final class UsageLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);

    private final Queue<LedgerRecord> queue;
    private final LedgerJournal journal;
    private final LedgerWriter writer;
    private final Thread thread;
    private final ThrottledWarning unjournaled = new ThrottledWarning(LOG,
            "A usage record found the ledger's queue full and could not be journaled either; it is lost", Duration.ofMinutes(1));
    private volatile boolean closed;

    private UsageLedger(Queue<LedgerRecord> queue, LedgerJournal journal, LedgerWriter writer) {
        this.queue = queue;
        this.journal = journal;
        this.writer = writer;
        this.thread = new Thread(writer, "caravan-ledger");
        this.thread.setDaemon(true);
    }

    /**
     * Opens the journal in {@code journalDir} (segments an earlier run left are written first, once
     * {@link #start}ed); records are taken from now on.
     *
     * @param queueSize records the queue holds before they overflow to the journal (rounded up to a power of two)
     * @param pool      where store writes run
     * @throws IllegalStateException when another process uses the journal
     */
    public static UsageLedger open(Path journalDir, int queueSize, LedgerStore store, StorePool pool) {
        if (queueSize < 1) {
            throw new IllegalArgumentException("GATEWAY_LEDGER_QUEUE must be at least 1, not " + queueSize);
        }
        try {
            // JCTools' multi-producer, single-consumer array queue as Netty (under Vert.x) ships it: offer is
            // one compare-and-set, with no lock and no node allocated per record
            Queue<LedgerRecord> queue = PlatformDependent.newFixedMpscQueue(queueSize);
            LedgerJournal journal = LedgerJournal.open(journalDir);
            return new UsageLedger(queue, journal, new LedgerWriter(queue, queueSize, journal, store, pool));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the usage ledger's journal in " + journalDir, e);
        }
    }

    /** Starts the writer. */
    public void start() {
        thread.start();
        LOG.info("Usage ledger on: records are journaled in {} and written to the store every {} ms", journal.dir(),
                LedgerWriter.INTERVAL_MILLIS);
    }

    /** Takes a finished call's record: never blocks on the store; touches a file only when the queue is full. */
    public void record(LedgerRecord record) {
        if (closed || !queue.offer(record)) {
            try {
                journal.overflow(record);
            } catch (IOException | RuntimeException e) {
                unjournaled.warn(e);
            }
        }
    }

    /** The age in seconds of the oldest row journaled and not yet in the store: 0 when the store has everything. */
    public double lagSeconds() {
        return writer.lagSeconds();
    }

    /** Stops the writer and writes what is left (SIGTERM: Camel's stop). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        // records that arrive from now on go straight to the journal, for the next start
        closed = true;
        writer.stop(thread);
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.finish();
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("The ledger journal did not close cleanly: {}", e.toString());
        }
    }
}
