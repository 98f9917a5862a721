package caravan.e2e;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import caravan.store.Database;
import caravan.testing.GatewayUnderTest;
import caravan.testing.TempFolders;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded database opens and migrates while the rest of the gateway configures itself. A start refused
 * meanwhile (a setting read later is wrong) exits only once the migration is done: H2 commits each DDL
 * statement alone, and an exit halfway left tables Flyway had not recorded, so that every later start on
 * that data folder failed ("Table ... already exists").
 */
class StartRefusedIT {

    @TempDir
    static Path workDir;

    @ParameterizedTest
    @ValueSource(strings = {"GATEWAY_LEDGER", "GATEWAY_LIMITS_ON_STORE_DOWN", "GATEWAY_MAX_BODY_BYTES"})
    void aStartRefusedWhileTheDatabaseOpensFinishesItsMigrationFirst(String wrongSetting) throws Exception {
        Path dataDir = TempFolders.create("caravan-data");
        try (GatewayProcess refused = GatewayProcess.start(workDir, GatewayUnderTest.freePort(),
                Map.of("GATEWAY_DATA_DIR", dataDir.toString(), wrongSetting, "not-a-setting"))) {
            assertThat(refused.awaitExit()).isNotZero();
            assertThat(refused.output()).contains("Caravan failed to start", "not-a-setting");
        }

        assertThat(migrationsRecorded(dataDir)).isEqualTo(migrationsRecorded(migratedToday()));
        try (GatewayProcess next = GatewayProcess.start(workDir, GatewayUnderTest.freePort(),
                Map.of("GATEWAY_DATA_DIR", dataDir.toString())).awaitReady()) {
            assertThat(next.output()).doesNotContain("Cannot migrate");
        }
    }

    /** A data folder migrated by this build, to count its migrations. */
    private static Path migratedToday() {
        Path dataDir = TempFolders.create("caravan-data");
        Database.open(null, dataDir).close();
        return dataDir;
    }

    /** The migrations Flyway recorded as done in a data folder's H2 file, read as they are (0: no file). */
    private static int migrationsRecorded(Path dataDir) {
        String url = "jdbc:h2:file:" + dataDir.resolve("caravan") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE";
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             ResultSet count = connection.createStatement()
                     .executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success")) {
            count.next();
            return count.getInt(1);
        } catch (SQLException noFileOrNoHistory) {
            return 0;
        }
    }
}
