package caravan.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind keys, tenants and spend: an embedded H2 file by default, PostgreSQL when
 * {@code DATABASE_URL} names one (what several gateway instances share). H2 runs in its PostgreSQL mode
 * so one set of migrations ({@code db/migration}) serves both. Opening it connects once and migrates, so
 * a wrong URL or a database that is down stops the start within seconds, saying which database.
 * {@link #opening} does that on a thread of its own while the gateway loads its routes (H2's engine and the
 * migrations take most of a second of a cold JVM), and whoever needs the database first waits for it:
 * {@link #awaitOpen()} at start, or a connection asked of {@link #dataSource()}.
 *
 * <p>JDBC blocks, so store work runs on the database's own small pool of threads ({@link #executor()}),
 * never on an event loop. Its queue is bounded: when the database falls behind, new work fails at once
 * and the caller degrades, instead of requests piling up behind it.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private static final int H2_POOL_SIZE = 4;
    private static final int POSTGRES_POOL_SIZE = 8;
    private static final int QUEUED_WORK = 1024;
    /** How long a connection may take: at start (fail fast), and later for a pooled connection. */
    private static final int CONNECT_SECONDS = 5;
    private static final int CLOSE_WAIT_SECONDS = 10;
    /** How long an exit waits for an embedded database still opening (a migration is seconds at most). */
    private static final int EXIT_WAIT_SECONDS = 60;

    /** The pool once connected and migrated, with the embedded file's compaction (null on PostgreSQL, which vacuums itself). */
    private record Opened(HikariDataSource pool, EmbeddedFileCompaction compaction) {
    }

    private final CompletableFuture<Opened> opened;
    private final DataSource dataSource;
    private final ThreadPoolExecutor executor;
    private final String description;
    private final boolean embedded;

    private Database(CompletableFuture<Opened> opened, String description, boolean embedded, int threads) {
        this.opened = opened;
        this.dataSource = new OpeningDataSource(() -> opening().pool(), description);
        this.description = description;
        this.embedded = embedded;
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_WORK), daemonThreads(), new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Opens the database and brings its schema up to date.
     *
     * @param databaseUrl {@code DATABASE_URL}: a PostgreSQL URL, or null/blank for the embedded H2 file
     * @param dataDir     where the embedded database lives ({@code <dataDir>/caravan.mv.db}); created if missing
     * @throws StoreException when it cannot be reached or migrated (the message names the database, never a password)
     * @throws IllegalArgumentException when {@code databaseUrl} is no PostgreSQL URL
     */
    public static Database open(String databaseUrl, Path dataDir) {
        Database database = opening(databaseUrl, dataDir);
        try {
            database.awaitOpen();
        } catch (StoreException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /**
     * Starts opening the database (connecting and migrating, as {@link #open}) on a thread of its own and
     * returns at once. Its failure is thrown by {@link #awaitOpen()} and by every connection asked for.
     *
     * @throws IllegalArgumentException when {@code databaseUrl} is no PostgreSQL URL
     */
    public static Database opening(String databaseUrl, Path dataDir) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("caravan-store");
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(CONNECT_SECONDS));
        // one attempt at start: a database that is not there fails the start instead of being waited for
        config.setInitializationFailTimeout(1);
        String description;
        boolean embedded = databaseUrl == null || databaseUrl.isBlank();
        if (embedded) {
            Path file = createDirectories(dataDir).resolve("caravan");
            description = "H2 file " + file;
            // PostgreSQL mode with lower-case names: the migrations and queries read the same on both
            config.setJdbcUrl("jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
                    // a row lock held by another store thread is waited for, not failed after H2's 1 s default
                    + ";LOCK_TIMEOUT=" + TimeUnit.SECONDS.toMillis(CONNECT_SECONDS)
                    // H2's own JVM shutdown hook would close the file at SIGTERM while Camel's hook still stops
                    // the gateway: the calls answered during the stop and the spend written at stop would be
                    // lost. The file closes with the pool instead (close()), after the last write.
                    + ";DB_CLOSE_ON_EXIT=FALSE"
                    // a commit is in the file when it returns: by default H2 writes it up to 500 ms later,
                    // and a process killed meanwhile lost keys, spend and ledger rows that callers (the
                    // ledger's journal among them) had been told were stored. It also means no background
                    // writer, whose compaction EmbeddedFileCompaction does instead
                    + ";WRITE_DELAY=0"
                    // H2's page cache (64 MB by default) would take a third of the gateway's heap as the
                    // ledger grows: keys are cached by the gateway itself, and the ledger only appends
                    + ";CACHE_SIZE=1024");
            config.setUsername("sa");
            config.setPassword("");
            config.setMaximumPoolSize(H2_POOL_SIZE);
        } else {
            PostgresUrl url = PostgresUrl.parse(databaseUrl);
            description = "PostgreSQL " + url.describe();
            config.setJdbcUrl(url.jdbcUrl());
            config.setDataSourceProperties(url.credentials());
            config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_SECONDS));
            config.addDataSourceProperty("loginTimeout", String.valueOf(CONNECT_SECONDS));
            // the server's "Detail: Key (digest)=(...)" would put stored values into exception messages
            config.addDataSourceProperty("logServerErrorDetail", "false");
            // a JDBC batch of one-row INSERTs (the ledger's) goes as multi-row statements: fewer round trips
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.addDataSourceProperty("ApplicationName", "caravan");
            config.setMaximumPoolSize(POSTGRES_POOL_SIZE);
        }

        CompletableFuture<Opened> opened = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opened.complete(connectAndMigrate(config, description, embedded));
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        }, "caravan-store-open");
        opener.setDaemon(true);
        opener.start();
        if (embedded) {
            finishBeforeExit(opened, description);
        }
        return new Database(opened, description, embedded, config.getMaximumPoolSize());
    }

    /**
     * H2 commits each DDL statement on its own, so a process that exits in the middle of a migration (a start
     * refused for another reason while the database still opens) would leave tables that Flyway's history
     * does not list, and every later start would fail on them. Until the opening is done, an exit waits for
     * it (PostgreSQL migrates in a transaction and needs no such wait).
     */
    private static void finishBeforeExit(CompletableFuture<Opened> opened, String description) {
        Thread waitForOpening = new Thread(() -> {
            try {
                opened.get(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Exiting while {} still opens after {} s", description, EXIT_WAIT_SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // it failed: nothing is left half done
            }
        }, "caravan-store-open-exit");
        Runtime.getRuntime().addShutdownHook(waitForOpening);
        opened.whenComplete((done, failed) -> {
            try {
                Runtime.getRuntime().removeShutdownHook(waitForOpening);
            } catch (IllegalStateException exiting) {
                // the hook runs, and finds the opening done
            }
        });
    }

    private static Opened connectAndMigrate(HikariConfig config, String description, boolean embedded) {
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            String hint = embedded && String.valueOf(rootMessage(e)).contains("locked")
                    ? ". Another gateway runs on this GATEWAY_DATA_DIR: give each instance its own, or share PostgreSQL "
                    + "with DATABASE_URL" : "";
            throw new StoreException("Cannot connect to the database (" + description + "): " + rootMessage(e) + hint, e);
        }
        int migrations;
        try {
            migrations = Flyway.configure()
                    .dataSource(dataSource)
                    // the embedded file keeps the ledger in blocks (db/h2), PostgreSQL a row per record
                    .locations(embedded ? new String[] {"classpath:db/migration", "classpath:db/h2"}
                            : new String[] {"classpath:db/migration"})
                    .failOnMissingLocations(true)
                    .load()
                    .migrate()
                    .migrationsExecuted;
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("Cannot migrate the database (" + description + "): " + rootMessage(e), e);
        }
        LOG.info("Keys and tenants are kept in {}{}", description,
                migrations == 0 ? "" : " (schema migrations applied: " + migrations + ")");
        try {
            return new Opened(dataSource, embedded ? EmbeddedFileCompaction.start(dataSource) : null);
        } catch (RuntimeException e) {
            // the file stays locked while its pool is open
            dataSource.close();
            throw e;
        }
    }

    /**
     * Waits until the database is connected and migrated.
     *
     * @throws StoreException when it could not be (the message names the database, never a password)
     */
    public void awaitOpen() {
        opening();
    }

    private Opened opening() {
        try {
            return opened.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException failed) {
                // a new exception each time, so the caller's stack is in it; the message stays the first one's
                throw new StoreException(failed.getMessage(), failed);
            }
            throw new StoreException("Cannot open the database (" + description + "): " + rootMessage(e), e);
        }
    }

    /** The bounded pool that runs all blocking store work; it rejects work at once when its queue is full. */
    public Executor executor() {
        return executor;
    }

    /**
     * Runs {@code work} on {@link #executor()}. When the queue is full (or the database closed) the future
     * is already failed with {@link RejectedExecutionException}: the caller degrades instead of waiting.
     */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** What the database is, for logs and messages: {@code H2 file /data/caravan}, {@code PostgreSQL host:5432/db}. */
    public String describe() {
        return description;
    }

    /** Whether it is the embedded H2 file (one instance only) rather than a shared PostgreSQL. */
    public boolean embedded() {
        return embedded;
    }

    /** The embedded file's compaction, for tests; null on PostgreSQL. */
    EmbeddedFileCompaction compaction() {
        return opening().compaction();
    }

    /** Lets queued work finish (for a few seconds at most), then closes the connections. */
    @Override
    public void close() {
        Opened open;
        try {
            // still opening: the pool it makes must not outlive the gateway (it holds the H2 file's lock)
            open = opened.join();
        } catch (CompletionException e) {
            open = null;
        }
        if (open != null && open.compaction() != null) {
            open.compaction().close();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Store work still running after {} s; closing {} under it", CLOSE_WAIT_SECONDS, description);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (open != null) {
            open.pool().close();
        }
    }

    @Override
    public String toString() {
        return "Database[" + description + "]";
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(work, "caravan-store-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static Path createDirectories(Path dataDir) {
        Path absolute = dataDir.toAbsolutePath().normalize();
        try {
            return Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data directory " + absolute, e);
        }
    }

    /** The innermost cause's message: "Connection to 127.0.0.1:5432 refused", not the pool's wrapping of it. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
