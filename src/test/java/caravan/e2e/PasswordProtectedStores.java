package caravan.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import caravan.store.TestPostgres;

/**
 * A PostgreSQL database that wants a password, as production runs it, so that a test can hand the
 * gateway a {@code DATABASE_URL} with credentials in it and look for them in everything it wrote (a Redis
 * that wants one: {@code RedisServerProcess.startRequired(password)}).
 */
final class PasswordProtectedStores {

    private static final String POSTGRES = "127.0.0.1:5432";

    private PasswordProtectedStores() {
    }

    /**
     * A fresh database owned by a fresh role with a password (made by the {@code postgres} superuser,
     * which 127.0.0.1 trusts: see {@link TestPostgres}); both are dropped on close.
     */
    static final class Postgres implements AutoCloseable {

        private final TestPostgres database;
        private final String role;
        private final String password;

        private Postgres(TestPostgres database, String role, String password) {
            this.database = database;
            this.role = role;
            this.password = password;
        }

        static Postgres create(String password) {
            TestPostgres database = TestPostgres.createDatabase();
            String role = "caravan_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try {
                superuser("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD '" + password.replace("'", "''") + "'",
                        // the owner may create the schema in public (PostgreSQL 15 grants no one else that)
                        "ALTER DATABASE " + database.name() + " OWNER TO " + role);
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
            return new Postgres(database, role, password);
        }

        /** {@code postgresql://role:password@127.0.0.1:5432/database}, as platforms write DATABASE_URL. */
        String url() {
            return "postgresql://" + role + ":" + password + "@" + POSTGRES + "/" + database.name();
        }

        /** Every row of every table the gateway made, as text: what a copy of the database would show. */
        String dump() {
            StringBuilder dump = new StringBuilder();
            try (Connection connection = connect(database.name());
                 Statement statement = connection.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet names = statement.executeQuery(
                        "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = 'public'")) {
                    while (names.next()) {
                        tables.add(names.getString(1));
                    }
                }
                for (String table : tables) {
                    try (ResultSet rows = statement.executeQuery("SELECT row_to_json(t)::text FROM " + table + " t")) {
                        dump.append("-- ").append(table).append('\n');
                        while (rows.next()) {
                            dump.append(rows.getString(1)).append('\n');
                        }
                    }
                }
            } catch (SQLException e) {
                throw new AssertionError("Cannot read the test database " + database.name() + ": " + e.getMessage(), e);
            }
            return dump.toString();
        }

        /** The gateway's role may no longer log in and its connections end: the database is gone for it. */
        void refuseTheGateway() {
            superuser("postgres", "ALTER ROLE " + role + " NOLOGIN",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
        }

        @Override
        public void close() {
            database.close();
            superuser("postgres", "DROP ROLE IF EXISTS " + role);
        }

        private static void superuser(String databaseName, String... statements) {
            try (Connection connection = connect(databaseName); Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            } catch (SQLException e) {
                throw new AssertionError("PostgreSQL does not answer at " + POSTGRES + " as user postgres with trust"
                        + " authentication (" + e.getMessage() + "): start it with scripts/services.sh", e);
            }
        }

        private static Connection connect(String databaseName) throws SQLException {
            Properties properties = new Properties();
            properties.setProperty("user", "postgres");
            properties.setProperty("connectTimeout", "5");
            return DriverManager.getConnection("jdbc:postgresql://" + POSTGRES + "/" + databaseName, properties);
        }
    }
}
