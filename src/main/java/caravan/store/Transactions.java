package caravan.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Work done in one transaction on a pooled connection: committed when it returns, rolled back when it throws. */
public final class Transactions {

    /** What runs inside the transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    /** Runs {@code work} in a transaction of its own; a failed rollback is added to the failure, which is thrown. */
    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            }
        }
    }
}
