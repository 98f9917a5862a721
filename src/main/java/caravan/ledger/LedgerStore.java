package caravan.ledger;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import caravan.ledger.LedgerJournal.Segment;
import caravan.store.Database;

/**
 * Where the ledger's records end up: PostgreSQL's {@code usage_ledger} table, a row per record
 * ({@link LedgerTable}), or, in the embedded H2 file, a block per journal segment ({@link LedgerBlocks}),
 * read back as rows by the {@code usage_ledger_rows} table function and the {@code usage_ledger} view. Both
 * are idempotent: what is written again after a crash or an outage adds nothing. Blocking: runs on the
 * store's pool, never on an event loop.
 */
public interface LedgerStore {

    /**
     * What the store needs in memory of a segment it has not written yet: its records, or nothing (the store
     * reads the segment's file).
     */
    LedgerJournal.Hold holds();

    /**
     * How long a journaled segment may wait so that it is written with the next ones: a store whose every
     * commit costs the same whatever it holds (the embedded file) is asked less often.
     */
    default Duration gathers() {
        return Duration.ZERO;
    }

    /**
     * Stores the segments' records (each segment's in memory, or, for a store that holds nothing, those of a
     * segment this process journaled whole in its file) in one transaction; a record the store refuses
     * as data whatever is tried is handed to {@code refused}, so that it cannot hold the rest up.
     *
     * @throws caravan.store.StoreException when the store cannot take them (it is down, slow beyond its timeouts, ...)
     */
    void write(List<Segment> segments, Consumer<LedgerRecord> refused);

    /**
     * Stores records as one segment would (tests and benchmarks fill a ledger with it); a record the store
     * refuses as data is handed to {@code refused}.
     */
    void insert(List<LedgerRecord> records, Consumer<LedgerRecord> refused);

    /**
     * The store for the database: blocks in the embedded H2 file, rows in PostgreSQL.
     *
     * @param writeDelay for benchmarks and tests only: each write takes this much longer, as on a slow store
     *                   (the wait comes after the commit, before the writer learns the records are stored)
     */
    static LedgerStore of(Database database, Duration writeDelay) {
        LedgerStore store = database.embedded() ? new LedgerBlocks(database.dataSource(), database.describe())
                : new LedgerTable(database.dataSource(), database.describe());
        return writeDelay.isZero() ? store : new Slowed(store, writeDelay.toMillis());
    }

    /** A store whose every write lasts {@code delayMillis} longer. */
    record Slowed(LedgerStore store, long delayMillis) implements LedgerStore {

        @Override
        public LedgerJournal.Hold holds() {
            return store.holds();
        }

        @Override
        public Duration gathers() {
            return store.gathers();
        }

        @Override
        public void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
            store.write(segments, refused);
            pause();
        }

        @Override
        public void insert(List<LedgerRecord> records, Consumer<LedgerRecord> refused) {
            store.insert(records, refused);
            pause();
        }

        private void pause() {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
