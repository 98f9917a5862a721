package caravan.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * A fresh database with a random name on the PostgreSQL at 127.0.0.1:5432 (user postgres, trust
 * authentication), dropped on close, so test classes never see each other's rows. PostgreSQL not
 * answering fails the test: scripts/test.sh starts it (scripts/services.sh).
 */
public final class TestPostgres implements AutoCloseable {

    private static final String SERVER = "127.0.0.1:5432";

    private final String name;

    private TestPostgres(String name) {
        this.name = name;
    }

    public static TestPostgres createDatabase() {
        String name = "caravan_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        administer("CREATE DATABASE " + name);
        return new TestPostgres(name);
    }

    /** The DATABASE_URL of the fresh database. */
    public String url() {
        return "postgresql://postgres@" + SERVER + "/" + name;
    }

    public String name() {
        return name;
    }

    /** A port on this host that nothing listens on (it was free a moment ago): a PostgreSQL that does not answer. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain JDBC connection to the fresh database, to read what the gateway wrote as it lies there. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/" + name, credentials());
    }

    /** Drops the database; close every pool on it first. */
    @Override
    public void close() {
        administer("DROP DATABASE IF EXISTS " + name);
    }

    private static Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("connectTimeout", "5");
        return properties;
    }

    private static void administer(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/postgres", credentials());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL does not answer at " + SERVER + " as user postgres with trust"
                    + " authentication (" + e.getMessage() + "): start it with scripts/services.sh, which"
                    + " scripts/test.sh runs before the tests", e);
        }
    }
}
