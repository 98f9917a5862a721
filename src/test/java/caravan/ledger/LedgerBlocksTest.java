package caravan.ledger;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import caravan.ledger.LedgerJournal.Segment;
import caravan.store.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded ledger's blocks (README "The ledger"): a segment is one block, its lines appended to a day file
 * beside the database, written again it adds nothing, a write that failed leaves nothing read, and the rows read back through {@code usage_ledger_rows} and the {@code usage_ledger} view are the records,
 * value for value, within the range asked for, with the rows written one by one before blocks.
 */
class LedgerBlocksTest {

    private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    private Database database;
    private LedgerJournal journal;
    private LedgerStore store;

    @BeforeEach
    void open() throws Exception {
        database = Database.open(null, dir);
        journal = LedgerJournal.open(dir.resolve("ledger"));
        store = LedgerStore.of(database, Duration.ZERO);
    }

    @AfterEach
    void close() throws Exception {
        journal.close();
        database.close();
    }

    private static LedgerRecord record(String id, long timeMs) {
        return new LedgerRecord(id, timeMs, "4bf92f3577b34da6a3ce929d0e0e4736", "acme", "search", "key_1",
                "alice", "s-1", "t-1", "/v1/messages", "support", "anthropic", "claude-haiku-4-5", "support", 2, 200, null,
                true, 100, 20, 30, 5, 7, false, new BigDecimal("0.000012345678"), 812_400, 120_000L, 1_200, "hit",
                "pii=redacted", new BigDecimal("0.0000042"));
    }

    @Test
    void aSegmentIsOneBlockAndWritingItAgainAddsNothing() throws Exception {
        Segment segment = journal.write(List.of(record("r-1", T0), record("r-2", T0 + 1), record("r-3", T0 + 2)), store.holds());
        // the embedded store holds nothing of a waiting segment: it streams the segment's file in
        assertThat(segment.records()).isNull();
        assertThat(segment.span().count()).isEqualTo(3);
        store.write(List.of(segment), refused -> { throw new AssertionError(refused); });
        // after a crash between the commit and the journal's forgetting it: the segment read back from its file
        Segment fromDisk = journal.onDisk().get(0);
        store.write(List.of(new Segment(fromDisk.path(), journal.records(fromDisk), null, 0)),
                refused -> { throw new AssertionError(refused); });

        assertThat(count("SELECT COUNT(*) FROM usage_ledger_block")).isEqualTo(1);
        assertThat(requestIds("SELECT request_id FROM usage_ledger")).containsExactly("r-1", "r-2", "r-3");
        // the lines were appended once: the second write found the block and copied nothing
        assertThat(Files.size(dayFile())).isEqualTo(Files.size(fromDisk.path()));
    }

    @Test
    void aBlocksLinesAreInItsDayFileBesideTheDatabaseNotInIt() throws Exception {
        store.insert(List.of(record("r-1", T0), record("r-2", T0 + 1)), refused -> { throw new AssertionError(refused); });

        assertThat(Files.readString(dayFile())).contains("\"request_id\":\"r-1\"").contains("\"request_id\":\"r-2\"");
        assertThat(count("SELECT COUNT(*) FROM usage_ledger_block WHERE records IS NULL AND file_offset = 0")).isEqualTo(1);
        assertThat(requestIds("SELECT request_id FROM usage_ledger")).containsExactly("r-1", "r-2");
    }

    @Test
    void aDayFilesFolderRemovedByHandIsMadeAgainAtTheNextWrite() throws Exception {
        store.insert(List.of(record("r-1", T0)), refused -> { throw new AssertionError(refused); });
        Path written = dayFile();
        Files.delete(written);
        Files.delete(written.getParent());

        store.insert(List.of(record("r-2", T0 + 1)), refused -> { throw new AssertionError(refused); });

        assertThat(Files.readString(dayFile())).contains("\"request_id\":\"r-2\"");
    }

    @Test
    void linesAppendedByAWriteThatFailedAreNeverRead() throws Exception {
        Segment first = journal.write(List.of(record("r-1", T0), record("r-2", T0 + 1)), store.holds());
        Segment gone = journal.write(List.of(record("r-3", T0 + 2)), store.holds());
        Files.delete(gone.path());
        // the first segment's lines reach the day file, then the second cannot be read: the transaction is rolled back
        assertThatThrownBy(() -> store.write(List.of(first, gone), refused -> { }))
                .isInstanceOf(caravan.store.StoreException.class);
        long orphaned = Files.size(dayFile());
        assertThat(orphaned).isPositive();
        assertThat(count("SELECT COUNT(*) FROM usage_ledger_block")).isZero();

        store.write(List.of(first), refused -> { throw new AssertionError(refused); });

        assertThat(requestIds("SELECT request_id FROM usage_ledger")).containsExactly("r-1", "r-2");
        assertThat(count("SELECT file_offset FROM usage_ledger_block")).isEqualTo(orphaned);
    }

    @Test
    void blocksWrittenIntoTheDatabaseBeforeDayFilesAreReadToo() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO usage_ledger_block (first_time_ms,"
                     + " first_request_id, min_time_ms, max_time_ms, row_count, records) VALUES (?, 'old-1', ?, ?, 1, ?)")) {
            insert.setLong(1, T0 - 5);
            insert.setLong(2, T0 - 5);
            insert.setLong(3, T0 - 5);
            insert.setBytes(4, LedgerJournal.lines(List.of(record("old-1", T0 - 5))));
            insert.executeUpdate();
        }
        store.insert(List.of(record("new-1", T0)), refused -> { });

        assertThat(requestIds("SELECT request_id FROM usage_ledger")).containsExactlyInAnyOrder("old-1", "new-1");
        assertThat(idsBetween(T0 - 10, T0)).containsExactly("old-1");
    }

    /**
     * The day file the tests' writes went to: the newest in the folder, not today's by the clock, which a write
     * just before midnight UTC would have left behind.
     */
    private Path dayFile() throws Exception {
        try (var days = Files.list(dir.resolve(LedgerBlocks.FOLDER))) {
            return days.filter(day -> day.toString().endsWith(".jsonl")).max(Path::compareTo).orElseThrow();
        }
    }

    @Test
    void theViewReadsEveryColumnAsTheRecordHasIt() throws Exception {
        store.insert(List.of(record("r-1", T0)), refused -> { throw new AssertionError(refused); });
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT * FROM usage_ledger")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString("request_id")).isEqualTo("r-1");
            assertThat(row.getLong("time_ms")).isEqualTo(T0);
            assertThat(row.getString("model")).isEqualTo("claude-haiku-4-5");
            assertThat(row.getInt("attempts")).isEqualTo(2);
            assertThat(row.getBoolean("stream")).isTrue();
            assertThat(row.getLong("cache_write_tokens")).isEqualTo(5);
            assertThat(row.getBigDecimal("cost_usd")).isEqualByComparingTo("0.000012345678");
            assertThat(row.getLong("ttfc_us")).isEqualTo(120_000L);
            assertThat(row.getString("guardrail_outcome")).isEqualTo("pii=redacted");
            assertThat(row.getBigDecimal("cost_saved_usd")).isEqualByComparingTo("0.0000042");
            assertThat(row.next()).isFalse();
        }
    }

    @Test
    void theFunctionReturnsOnlyTheRangesRecordsFromBlocksThatStraddleIt() throws Exception {
        store.insert(List.of(record("a", T0), record("b", T0 + 10), record("c", T0 + 20)), refused -> { });
        store.insert(List.of(record("d", T0 + 30), record("e", T0 + 40)), refused -> { });
        store.insert(List.of(record("f", T0 + 1_000)), refused -> { });

        assertThat(idsBetween(T0 + 10, T0 + 31)).containsExactlyInAnyOrder("b", "c", "d");
        assertThat(idsBetween(null, T0 + 10)).containsExactly("a");
        assertThat(idsBetween(T0 + 40, null)).containsExactlyInAnyOrder("e", "f");
        assertThat(idsBetween(T0 + 41, T0 + 1_000)).isEmpty();
    }

    @Test
    void rowsWrittenOneByOneBeforeBlocksAreReadToo() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO usage_ledger_before_blocks (request_id, time_ms, endpoint, attempts, status,"
                    + " stream, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,"
                    + " usage_estimated, latency_us, overhead_us) VALUES ('old-1', " + (T0 - 5) + ", '/v1/chat/completions',"
                    + " 1, 200, FALSE, 10, 2, 0, 0, 0, FALSE, 1000, 100)");
        }
        store.insert(List.of(record("new-1", T0)), refused -> { });

        assertThat(requestIds("SELECT request_id FROM usage_ledger")).containsExactlyInAnyOrder("old-1", "new-1");
        assertThat(idsBetween(T0 - 10, T0)).containsExactly("old-1");
    }

    private List<String> idsBetween(Long from, Long to) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT request_id FROM usage_ledger_rows(?, ?)")) {
            statement.setObject(1, from, java.sql.Types.BIGINT);
            statement.setObject(2, to, java.sql.Types.BIGINT);
            return ids(statement.executeQuery());
        }
    }

    private List<String> requestIds(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            return ids(statement.executeQuery(sql));
        }
    }

    private static List<String> ids(ResultSet rows) throws Exception {
        List<String> ids = new ArrayList<>();
        try (rows) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private long count(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
