package caravan.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded file's compaction, which H2's background writer would do if WRITE_DELAY=0 left it one. */
class EmbeddedFileCompactionTest {

    private static final int ROWS = 200;

    @TempDir
    Path dir;

    @Test
    void anEmbeddedDatabaseCompactsItsFile() {
        try (Database database = Database.open(null, dir)) {
            assertThat(database.compaction()).isNotNull();
        }
    }

    @Test
    void rewritesTheLivePagesOfMostlyDeadChunksSoTheFileStopsGrowing() throws Exception {
        try (Database database = Database.open(null, dir)) {
            EmbeddedFileCompaction compaction = database.compaction();
            // H2 frees a dead chunk only after its retention time (45 s): the test does not wait for it
            compaction.store().setRetentionTime(0);
            try (Connection connection = database.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE churn (k INT PRIMARY KEY, v VARBINARY(20000))");
                // each commit a chunk; rewriting every row leaves the earlier chunks partly live
                churn(connection, 4);
                int before = compaction.chunksFillRate();
                assertThat(before).isLessThan(EmbeddedFileCompaction.TARGET_FILL_RATE);

                for (int round = 0; round < 50 && compaction.compactOnce(); round++) {
                    // as the compaction thread does, a round after another
                }
                statement.execute("CHECKPOINT");
                assertThat(compaction.chunksFillRate()).isGreaterThanOrEqualTo(EmbeddedFileCompaction.TARGET_FILL_RATE);

                // with the dead chunks freed, more churn of the same rows reuses their space
                long size = Files.size(dir.resolve("caravan.mv.db"));
                for (int i = 0; i < 3; i++) {
                    churn(connection, 1);
                    while (compaction.compactOnce()) {
                        // until the chunks are full enough again
                    }
                }
                statement.execute("CHECKPOINT");
                assertThat(Files.size(dir.resolve("caravan.mv.db"))).isLessThan(size * 3 / 2);

                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*), SUM(LENGTH(v)) FROM churn")) {
                    rows.next();
                    assertThat(rows.getInt(1)).isEqualTo(ROWS);
                    assertThat(rows.getLong(2)).isEqualTo(ROWS * 10_000L);
                }
            }
        }
    }

    /** Writes every row {@code times} times, a commit per row. */
    private static void churn(Connection connection, int times) throws Exception {
        try (PreparedStatement merge = connection.prepareStatement("MERGE INTO churn (k, v) KEY (k) VALUES (?, ?)")) {
            for (int t = 0; t < times; t++) {
                for (int k = 0; k < ROWS; k++) {
                    merge.setInt(1, k);
                    merge.setBytes(2, new byte[10_000]);
                    merge.executeUpdate();
                }
            }
        }
    }
}
