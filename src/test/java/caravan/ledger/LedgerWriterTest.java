package caravan.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import caravan.keys.StorePool;
import caravan.ledger.LedgerJournal.Segment;
import caravan.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer with the embedded store, which reads each waiting segment from its file. */
class LedgerWriterTest {

    @TempDir
    Path dir;
    final ExecutorService pool = Executors.newSingleThreadExecutor();
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        pool.shutdownNow();
    }

    static LedgerRecord record(String id) {
        return new LedgerRecord(id, System.currentTimeMillis(), null, "default", null, null, null, null, null,
                "/v1/chat/completions", null, "openai", "gpt-4o-mini", "gpt-4o-mini", 1, 200, null, false, 12, 3, 0, 0,
                0, false, new BigDecimal("0.0000021"), 2_000, null, 150, null, null, null);
    }

    @Test
    void aSegmentRemovedByHandBeforeItsWriteDoesNotHoldUpTheOnesAfterIt() throws Exception {
        Database database = Database.open(null, dir);
        open.add(database);
        LedgerStore blocks = LedgerStore.of(database, Duration.ZERO);
        CountDownLatch firstWriteMayEnd = new CountDownLatch(1);
        // the first write waits, so that the next segment is journaled and waits for its own
        LedgerStore held = new LedgerStore() {
            @Override
            public LedgerJournal.Hold holds() {
                return blocks.holds();
            }

            @Override
            public void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
                try {
                    firstWriteMayEnd.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                blocks.write(segments, refused);
            }

            @Override
            public void insert(List<LedgerRecord> records, Consumer<LedgerRecord> refused) {
                blocks.insert(records, refused);
            }
        };
        StorePool onPool = new StorePool() {
            @Override
            public <T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> work) {
                CompletableFuture<T> done = new CompletableFuture<>();
                pool.execute(() -> {
                    try {
                        done.complete(work.call());
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                });
                return done;
            }
        };
        Path journal = dir.resolve("ledger");
        UsageLedger ledger = UsageLedger.open(journal, 1024, held, onPool);
        open.add(ledger);
        ledger.start();

        ledger.record(record("a"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> segments(journal).size() == 1);
        ledger.record(record("b"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> segments(journal).size() == 2);
        Files.delete(segments(journal).get(1));
        firstWriteMayEnd.countDown();
        ledger.record(record("c"));

        await().atMost(10, TimeUnit.SECONDS).until(() -> requestIds(database).equals(List.of("a", "c")));
        assertThat(segments(journal)).isEmpty();
    }

    @Test
    void segmentsWaitWhatTheStoreGathersAndAreWrittenTogether() throws Exception {
        Database database = Database.open(null, dir);
        open.add(database);
        LedgerStore blocks = LedgerStore.of(database, Duration.ZERO);
        // the embedded file's commits cost the same whatever they hold: it is asked once a second
        assertThat(blocks.gathers()).isEqualTo(Duration.ofSeconds(1));
        List<Integer> writes = new ArrayList<>();
        LedgerStore gathering = new LedgerStore() {
            @Override
            public LedgerJournal.Hold holds() {
                return blocks.holds();
            }

            @Override
            public Duration gathers() {
                return Duration.ofHours(1);
            }

            @Override
            public synchronized void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
                writes.add(segments.size());
                blocks.write(segments, refused);
            }

            @Override
            public void insert(List<LedgerRecord> records, Consumer<LedgerRecord> refused) {
                blocks.insert(records, refused);
            }
        };
        Path journal = dir.resolve("ledger");
        UsageLedger ledger = UsageLedger.open(journal, 1024, gathering, StorePool.DIRECT);
        ledger.start();

        ledger.record(record("a"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> segments(journal).size() == 1);
        ledger.record(record("b"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> segments(journal).size() == 2);
        synchronized (gathering) {
            assertThat(writes).isEmpty();
        }
        // at stop everything waiting is written: the two segments in one write
        ledger.close();

        assertThat(writes).containsExactly(2);
        assertThat(requestIds(database)).containsExactly("a", "b");
    }

    static List<Path> segments(Path journal) throws Exception {
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(path -> path.getFileName().toString().startsWith("segment-")).sorted().toList();
        }
    }

    static List<String> requestIds(Database database) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT request_id FROM usage_ledger ORDER BY request_id")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
