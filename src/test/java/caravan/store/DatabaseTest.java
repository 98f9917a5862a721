package caravan.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Opening the store's database, migrating it, and the bounded pool its blocking work runs on. */
class DatabaseTest {

    @TempDir
    Path dataDir;

    @Test
    void opensAnEmbeddedH2FileInTheDataDirectoryAndMigratesIt() throws Exception {
        Path home = dataDir.resolve("data");

        try (Database db = Database.open(" ", home)) {
            assertThat(db.embedded()).isTrue();
            assertThat(db.describe()).isEqualTo("H2 file " + home.toAbsolutePath().resolve("caravan"));
            assertThat(storeVersion(db)).isZero();
        }
        assertThat(home.resolve("caravan.mv.db")).exists();
    }

    @Test
    void keepsItsRowsAndMigratesNothingWhenOpenedAgain() throws Exception {
        try (Database db = Database.open(null, dataDir)) {
            try (Connection connection = db.dataSource().getConnection()) {
                connection.createStatement().executeUpdate("UPDATE store_version SET version = 41");
            }
        }
        try (Database db = Database.open(null, dataDir)) {
            assertThat(storeVersion(db)).isEqualTo(41);
            assertThat(Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load()
                    .migrate().migrationsExecuted).isZero();
        }
    }

    @Test
    void opensPostgreSqlFromAPlatformUrl() throws Exception {
        try (TestPostgres postgres = TestPostgres.createDatabase()) {
            try (Database db = Database.open(postgres.url(), dataDir)) {
                assertThat(db.embedded()).isFalse();
                assertThat(db.describe()).isEqualTo("PostgreSQL 127.0.0.1:5432/" + postgres.name());
                assertThat(storeVersion(db)).isZero();
            }
        }
    }

    @Test
    void failsFastNamingTheDatabaseButNotThePassword() throws Exception {
        int closedPort = TestPostgres.closedPort();
        String url = "postgresql://caravan:hunter2-secret@127.0.0.1:" + closedPort + "/gateway";

        Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(15),
                () -> catchThrowable(() -> Database.open(url, dataDir)));

        assertThat(failure).isInstanceOf(StoreException.class)
                .hasMessageContaining("PostgreSQL 127.0.0.1:" + closedPort + "/gateway");
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            assertThat(String.valueOf(cause.getMessage())).doesNotContain("hunter2-secret");
        }
    }

    @Test
    void opensOnAThreadOfItsOwnAndTheFirstConnectionWaitsForTheMigration() throws Exception {
        try (Database db = Database.opening(null, dataDir)) {
            // made before the database is open, as the stores are at configuration: the connection waits
            assertThat(storeVersion(db)).isZero();
            db.awaitOpen();
        }
    }

    @Test
    void aDatabaseThatCannotBeOpenedFailsEveryConnectionAndTheWaitWithItsReason() throws Exception {
        int closedPort = TestPostgres.closedPort();
        try (Database db = Database.opening("postgresql://caravan:hunter2-secret@127.0.0.1:" + closedPort + "/gateway", dataDir)) {
            Throwable waited = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> catchThrowable(db::awaitOpen));
            assertThat(waited).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("Cannot connect to the database (PostgreSQL 127.0.0.1:" + closedPort + "/gateway)");
            assertThatThrownBy(() -> db.dataSource().getConnection()).isInstanceOf(SQLException.class)
                    .hasMessage(waited.getMessage());
            assertThat(db.submit(() -> storeVersion(db))).failsWithin(Duration.ofSeconds(15))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(SQLException.class);
        }
    }

    @Test
    void runsWorkOnItsOwnDaemonThreadsAndRefusesWorkBeyondItsQueueAtOnce() throws Exception {
        try (Database db = Database.open(null, dataDir)) {
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<String>> accepted = new ArrayList<>();
            // 4 threads busy and 1024 tasks queued: the database is as far behind as it may fall
            for (int i = 0; i < 4 + 1024; i++) {
                accepted.add(db.submit(() -> {
                    release.await();
                    return Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : "");
                }));
            }

            CompletableFuture<String> refused = db.submit(() -> "never");

            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(RejectedExecutionException.class);
            release.countDown();
            assertThat(accepted.get(0).get(10, TimeUnit.SECONDS)).matches("caravan-store-[1-4] daemon");
            CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void finishesQueuedWorkBeforeClosing() throws Exception {
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        try (Database db = Database.open(null, dataDir)) {
            for (int i = 0; i < 20; i++) {
                queued.add(db.submit(() -> storeVersion(db)));
            }
        }
        assertThat(queued).allSatisfy(future -> assertThat(future).isCompletedWithValue(0L));
    }

    @Test
    void passesAFailureOfTheWorkToTheFuture() throws Exception {
        try (Database db = Database.open(null, dataDir)) {
            CompletableFuture<Object> failed = db.submit(() -> {
                throw new SQLException("no such table");
            });

            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class);
        }
    }

    private static long storeVersion(Database db) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery("SELECT version FROM store_version")) {
            row.next();
            return row.getLong(1);
        }
    }
}
