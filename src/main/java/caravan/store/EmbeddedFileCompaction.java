package caravan.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded H2 file about the size of what it holds. H2 writes each commit as a new chunk of
 * pages and leaves the older versions of those pages behind in earlier chunks; a chunk is reused once none
 * of its pages is live. Rewriting the live pages of mostly dead chunks is H2's background writer's job,
 * and {@code WRITE_DELAY=0} (commits in the file when they return, see {@link Database}) means there is no
 * background writer: the file kept every partly live chunk and grew to two or three times what it held
 * (12 GB in a 30-minute soak). This does that one part of the background writer's work, as gently: once a
 * second, when the chunks H2 may rewrite (those past its retention time, 45 s, kept for a crash in the
 * middle of a write) are less than {@link #TARGET_FILL_RATE}% live, it moves up to {@link #WRITE_LIMIT_BYTES}
 * of live pages out of the emptiest of them and commits; H2 frees the emptied chunks at a later commit.
 */
final class EmbeddedFileCompaction implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFileCompaction.class);

    /** H2's own background writer aims at 90% when busy; 80 rewrites less for a file 1.25x what it holds. */
    static final int TARGET_FILL_RATE = 80;
    /**
     * Live bytes moved per round, about what H2's background writer moves in a second when the store is busy.
     * H2 takes the emptiest chunks first, and then fuller ones up to this limit; and the pages it moves are
     * read back into the heap. Measured under full load: 1 MB costs nothing the harness shows, 4 MB kept the
     * file at 1.25x what it holds but added 8 to 29 ms of p99 and 50 to 85 MB of RSS.
     */
    static final int WRITE_LIMIT_BYTES = 1024 * 1024;
    private static final long EVERY_MILLIS = 1_000;

    private final MVStore store;
    private final ScheduledExecutorService timer;
    /** Whether the last round failed: only the timer's thread reads and writes it. */
    private boolean failing;

    private EmbeddedFileCompaction(MVStore store, ScheduledExecutorService timer) {
        this.store = store;
        this.timer = timer;
    }

    /** Starts compacting the H2 file behind {@code dataSource} every second, on a thread of its own. */
    static EmbeddedFileCompaction start(DataSource dataSource) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(work -> {
            Thread thread = new Thread(work, "caravan-store-compaction");
            thread.setDaemon(true);
            return thread;
        });
        EmbeddedFileCompaction compaction = new EmbeddedFileCompaction(storeOf(dataSource), timer);
        timer.scheduleWithFixedDelay(compaction::runQuietly, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return compaction;
    }

    /**
     * One round: rewrites live pages out of sparse chunks when the rewritable chunks' fill rate is below the
     * target.
     *
     * @return whether anything was rewritten
     */
    boolean compactOnce() {
        if (store.isClosed() || chunksFillRate() >= TARGET_FILL_RATE) {
            return false;
        }
        // FileStore.compact rewrites the rewritable chunks, emptiest and oldest first, up to the write limit
        // (its own test of the fill rate counts the chunks still within the retention time too: 101 passes it);
        // the rewritten pages are stored by the commit, which also frees the chunks emptied a retention time ago
        boolean rewritten = store.compact(101, WRITE_LIMIT_BYTES);
        if (rewritten) {
            store.commit();
        }
        return rewritten;
    }

    /** The percentage of live pages in the chunks H2 may rewrite (those past its retention time). */
    int chunksFillRate() {
        int[] rate = {100};
        store.getFileStore().populateInfo((name, value) -> {
            if (name.equals("info.CHUNKS_FILL_RATE_RW")) {
                rate[0] = Integer.parseInt(value);
            }
        });
        return rate[0];
    }

    /** H2's file store, for tests (which shorten its retention time rather than wait 45 s). */
    MVStore store() {
        return store;
    }

    private void runQuietly() {
        try {
            compactOnce();
            if (failing) {
                failing = false;
                LOG.info("The embedded database file is compacted again");
            }
        } catch (RuntimeException e) {
            // a file that cannot be compacted still takes every write; the next round tries again, and a
            // failure that lasts is logged once, not every second
            if (!failing) {
                failing = true;
                LOG.warn("Compacting the embedded database file failed ({}); it is tried again every second", e.toString());
            }
        }
    }

    /** Stops the rounds, letting one under way finish, before the file is closed. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MVStore storeOf(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            return session.getDatabase().getStore().getMvStore();
        } catch (SQLException e) {
            throw new StoreException("Cannot reach the embedded database's file store: " + e.getMessage(), e);
        }
    }
}
