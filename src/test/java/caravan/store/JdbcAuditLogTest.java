package caravan.store;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import caravan.audit.AuditChain;
import caravan.audit.AuditEvent;
import caravan.audit.AuditRecord;
import caravan.audit.Verification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log against both databases it runs on: appended in one line whoever appends, read back oldest
 * first, and every kind of tampering done to its rows with plain JDBC named at the first record it touched.
 */
class JdbcAuditLogTest {

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnH2 extends Contract {

        @BeforeAll
        void open(@TempDir Path dataDir) {
            db = Database.open(null, dataDir);
            log = new JdbcAuditLog(db, CHAIN);
            // the embedded file admits one process: a second pool on it stands for no second instance
            secondInstance = log;
        }

        @AfterAll
        void close() {
            db.close();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgreSql extends Contract {

        private TestPostgres postgres;
        private Database second;

        @BeforeAll
        void open(@TempDir Path dataDir) {
            postgres = TestPostgres.createDatabase();
            db = Database.open(postgres.url(), dataDir);
            log = new JdbcAuditLog(db, CHAIN);
            // another pool on the same database: what a second gateway instance appends through
            second = Database.open(postgres.url(), dataDir);
            secondInstance = new JdbcAuditLog(second, CHAIN);
        }

        @AfterAll
        void close() {
            for (AutoCloseable open : new AutoCloseable[] {second, db, postgres}) {
                try {
                    if (open != null) {
                        open.close();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    static final AuditChain CHAIN = new AuditChain(randomKey());

    abstract static class Contract {

        private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");
        private static final String OTHER_HEX = "abababababababababababababababababababababababababababababababab";

        Database db;
        JdbcAuditLog log;
        JdbcAuditLog secondInstance;

        @BeforeEach
        void emptyLog() throws SQLException {
            sql("DELETE FROM audit_log");
            sql("UPDATE audit_head SET seq = 0, mac = '" + AuditChain.GENESIS + "' WHERE id = 1");
        }

        @Test
        void appendsInOrderAndReadsBackOldestFirstPageByPage() {
            List<AuditRecord> first = log.append(List.of(event(1), event(2), event(3)));
            List<AuditRecord> second = secondInstance.append(List.of(event(4), event(5)));

            assertThat(first).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L);
            assertThat(second).extracting(AuditRecord::seq).containsExactly(4L, 5L);
            assertThat(log.page(0, 3)).containsExactlyElementsOf(first);
            assertThat(log.page(3, 10)).containsExactlyElementsOf(second);
            assertThat(log.page(5, 10)).isEmpty();
            AuditRecord read = log.page(1, 1).get(0);
            assertThat(read.event()).isEqualTo(event(2));
            assertThat(read.mac()).isEqualTo(CHAIN.mac(first.get(0).mac(), 2, event(2)));
            assertThat(log.verify()).isEqualTo(new Verification(true, 5, null, null, null));
        }

        @Test
        void anEmptyLogVerifies() {
            assertThat(log.verify()).isEqualTo(new Verification(true, 0, null, null, null));
        }

        @ParameterizedTest
        @ValueSource(strings = {"at_ms = at_ms + 1", "actor = 'key_someone_else'", "action = 'key.revoke'",
                "object = 'another'", "digest = NULL", "digest = '" + OTHER_HEX + "'", "mac = '" + OTHER_HEX + "'"})
        void anEditedFieldIsNamedAtItsRecord(String edit) throws SQLException {
            appendFive();

            sql("UPDATE audit_log SET " + edit + " WHERE seq = 4");

            assertBad(log.verify(), 4, Verification.EDITED);
        }

        @Test
        void aDeletedRecordIsNamed() throws SQLException {
            appendFive();

            sql("DELETE FROM audit_log WHERE seq = 3");

            assertBad(log.verify(), 3, Verification.REMOVED);
        }

        @Test
        void aDeletedRecordIsNamedWhenTheRestWasRenumberedToCloseTheGap() throws SQLException {
            appendFive();

            sql("DELETE FROM audit_log WHERE seq = 3");
            sql("UPDATE audit_log SET seq = 3 WHERE seq = 4");
            sql("UPDATE audit_log SET seq = 4 WHERE seq = 5");

            assertBad(log.verify(), 3, Verification.REMOVED);

            // the head moved back too: the renumbered record still does not fit where it now is
            sql("UPDATE audit_head SET seq = 4, mac = (SELECT mac FROM audit_log WHERE seq = 4) WHERE id = 1");
            Verification verification = log.verify();
            assertThat(verification.ok()).isFalse();
            assertThat(verification.firstBadSeq()).isEqualTo(3);
        }

        @Test
        void recordsRemovedFromTheEndAreNamed() throws SQLException {
            appendFive();

            sql("DELETE FROM audit_log WHERE seq >= 4");

            assertBad(log.verify(), 4, Verification.REMOVED);
        }

        @Test
        void twoSwappedNeighboursAreNamed() throws SQLException {
            appendFive();

            swap(2, 3);

            assertBad(log.verify(), 2, Verification.REORDERED);
        }

        @Test
        void twoSwappedRecordsApartAreNamed() throws SQLException {
            appendFive();

            swap(2, 4);

            assertBad(log.verify(), 2, Verification.REORDERED);
        }

        @Test
        void aLogCheckedWithAnotherKeyFailsAtItsFirstRecord() {
            appendFive();

            Verification verification = new JdbcAuditLog(db, new AuditChain(randomKey())).verify();

            assertBad(verification, 1, Verification.EDITED);
        }

        @Test
        void appendsFromManyThreadsAndTwoInstancesAtOnceMakeOneLine() throws Exception {
            int threads = 8;
            int appends = 15;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    JdbcAuditLog instance = t % 2 == 0 ? log : secondInstance;
                    int thread = t;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < appends; i++) {
                            instance.append(List.of(event(thread * 100 + i), event(thread * 100 + i + 50)));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> future : done) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            long total = threads * appends * 2L;
            assertThat(log.page(0, 1000)).extracting(AuditRecord::seq)
                    .containsExactly(LongStream.rangeClosed(1, total).boxed().toArray(Long[]::new));
            assertThat(log.verify()).isEqualTo(new Verification(true, total, null, null, null));
        }

        private void appendFive() {
            log.append(List.of(event(1), event(2)));
            log.append(List.of(event(3), event(4), event(5)));
            assertThat(log.verify().ok()).isTrue();
        }

        /** Swaps two records' places as a table editor would: their seq values. */
        private void swap(long a, long b) throws SQLException {
            sql("UPDATE audit_log SET seq = -1 WHERE seq = " + a);
            sql("UPDATE audit_log SET seq = " + a + " WHERE seq = " + b);
            sql("UPDATE audit_log SET seq = " + b + " WHERE seq = -1");
        }

        private static void assertBad(Verification verification, long firstBadSeq, String reason) {
            assertThat(verification.ok()).as("%s", verification).isFalse();
            assertThat(verification.firstBadSeq()).as("%s", verification).isEqualTo(firstBadSeq);
            assertThat(verification.reason()).as("%s", verification).isEqualTo(reason);
            assertThat(verification.message()).contains(String.valueOf(firstBadSeq));
        }

        private static AuditEvent event(int n) {
            return new AuditEvent(T0.plusSeconds(n), n % 2 == 0 ? "master" : "key_" + n, "key.update", "key_" + n,
                    n % 3 == 0 ? null : String.format("%064x", n));
        }

        private void sql(String statement) throws SQLException {
            try (Connection connection = db.dataSource().getConnection(); Statement plain = connection.createStatement()) {
                plain.executeUpdate(statement);
            }
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
