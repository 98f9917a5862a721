package caravan.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A commit to the embedded database is in its file when it returns: a process that dies right after (here it
 * halts, running nothing more) keeps it. Callers rely on it: the ledger forgets its journal's copy of rows
 * once their commit returned.
 */
class DatabaseDurabilityTest {

    @TempDir
    Path dataDir;

    /** Run in a JVM of its own: commits one change, then halts at once, as SIGKILL would end it. */
    public static void main(String[] args) throws Exception {
        Database db = Database.open(null, Path.of(args[0]));
        try (Connection connection = db.dataSource().getConnection()) {
            connection.createStatement().executeUpdate("UPDATE store_version SET version = 42");
        }
        Runtime.getRuntime().halt(0);
    }

    @Test
    void aCommitSurvivesAProcessThatDiesAtOnce() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DatabaseDurabilityTest.class.getName(), dataDir.toString())
                .inheritIO().start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();

        try (Database db = Database.open(null, dataDir); Connection connection = db.dataSource().getConnection();
             ResultSet version = connection.createStatement().executeQuery("SELECT version FROM store_version")) {
            version.next();
            assertThat(version.getLong(1)).isEqualTo(42);
        }
    }
}
