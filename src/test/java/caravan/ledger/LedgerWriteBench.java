package caravan.ledger;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import caravan.store.Database;

/**
 * What writing the ledger costs the writer, per record (not a test; README "Accounting and the ledger"):
 * BATCHES batches of ROWS realistic records (the fast bench's 200 ms at ~14k req/s), each journaled as one
 * segment, written to the store SEGMENTS_PER_WRITE segments to a transaction (blocks on H2, rows on
 * PostgreSQL) and forgotten, as the writer does; prints the CPU microseconds per record of each part and, on
 * H2, the disk taken per record. DATABASE_URL picks PostgreSQL, else the embedded H2.
 *
 *   java -DROWS=500 -DBATCHES=800 -DSEGMENTS_PER_WRITE=20 -cp target/caravan.jar:target/test-classes caravan.ledger.LedgerWriteBench
 */
public final class LedgerWriteBench {

    /** The gateway's own request ids: a per-process prefix and a counter. */
    private static final caravan.api.RequestIds IDS = new caravan.api.RequestIds();

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("ROWS", 2800);
        int batches = Integer.getInteger("BATCHES", 60);
        // segments per store write: the writer gathers what its store's window holds (20 = a second of segments)
        int perWrite = Integer.getInteger("SEGMENTS_PER_WRITE", 1);
        List<LedgerJournal.Segment> waiting = new ArrayList<>();
        Path dir = Files.createTempDirectory("caravan-ledger-bench");
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (Database database = Database.open(System.getenv("DATABASE_URL"), dir);
             LedgerJournal journal = LedgerJournal.open(dir.resolve("ledger"))) {
            LedgerStore store = LedgerStore.of(database, Duration.ZERO);
            long journalNanos = 0;
            long insertNanos = 0;
            long forgetNanos = 0;
            int measured = 0;
            long processStart = 0;
            for (int b = 0; b < batches; b++) {
                List<LedgerRecord> batch = new ArrayList<>(rows);
                long now = System.currentTimeMillis();
                for (int i = 0; i < rows; i++) {
                    batch.add(record(now + i));
                }
                long t0 = cpu.getCurrentThreadCpuTime();
                LedgerJournal.Segment segment = journal.write(batch, store.holds());
                waiting.add(segment);
                long t1 = cpu.getCurrentThreadCpuTime();
                if (waiting.size() == perWrite) {
                    store.write(waiting, journal::refuse);
                }
                long t2 = cpu.getCurrentThreadCpuTime();
                if (waiting.size() == perWrite) {
                    for (LedgerJournal.Segment written : waiting) {
                        journal.forget(written);
                    }
                    waiting.clear();
                }
                long t3 = cpu.getCurrentThreadCpuTime();
                // the first third warms the JIT up
                if (b == batches / 3) {
                    processStart = processCpuNanos();
                }
                if (b >= batches / 3) {
                    journalNanos += t1 - t0;
                    insertNanos += t2 - t1;
                    forgetNanos += t3 - t2;
                    measured += rows;
                }
            }
            long processNanos = processCpuNanos() - processStart;
            // the process's CPU as well: H2 stores pages on its own threads too, which the caller's does not count
            System.out.printf("%s, %d records measured: journal %.2f us, insert %.2f us, forget %.2f us per record;"
                            + " the whole process %.2f us per record (the records' making and the collector included)%n",
                    database.describe(), measured, journalNanos / 1000.0 / measured, insertNanos / 1000.0 / measured,
                    forgetNanos / 1000.0 / measured, processNanos / 1000.0 / measured);
            Path file = dir.resolve("caravan.mv.db");
            if (Files.exists(file)) {
                // what the embedded database takes on disk per record written, all records counted: the H2 file
                // and the day files beside it
                long days;
                try (var files = Files.list(dir.resolve(LedgerBlocks.FOLDER))) {
                    days = files.mapToLong(day -> day.toFile().length()).sum();
                }
                long records = (long) rows * batches;
                System.out.printf("H2 file %d bytes, day files %d bytes after %d records: %.0f bytes per record%n",
                        Files.size(file), days, records, (Files.size(file) + days) / (double) records);
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static LedgerRecord record(long time) {
        return new LedgerRecord(IDS.generateUuid(), time, "4bf92f3577b34da6a3ce929d0e0e4736", "default",
                null, null, null, null, null, "/v1/chat/completions", null, "openai", "gpt-4o-mini", "gpt-4o-mini", 1, 200,
                null, false, 1234, 56, 0, 0, 0, false, new BigDecimal("0.000218700000"), 3456, null, 210, "bypass", null, null);
    }
}
