package caravan.store;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The database's connections while it may still be opening ({@link Database#opening}): the stores take it
 * when they are made, at configuration, and the first connection any of them asks for waits until the pool
 * is connected and migrated, or fails with the reason it could not be.
 */
final class OpeningDataSource implements DataSource {

    private final Supplier<DataSource> pool;
    private final String description;

    OpeningDataSource(Supplier<DataSource> pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pool().getConnection(username, password);
    }

    /** The pool, or the opening's failure as the SQLException the stores already handle. */
    private DataSource pool() throws SQLException {
        try {
            return pool.get();
        } catch (StoreException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : pool().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || pool().isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "DataSource[" + description + "]";
    }
}
