package caravan.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import caravan.audit.AuditChain;
import caravan.audit.AuditEvent;
import caravan.audit.AuditLog;
import caravan.audit.AuditRecord;
import caravan.audit.ChainVerifier;
import caravan.audit.Verification;

/**
 * The audit log in the {@link Database} ({@code audit_log}, and its head in {@code audit_head}: the last
 * record's seq and mac), in plain JDBC.
 *
 * <p>Appends are serialized across every instance sharing the database by a row lock on the head
 * ({@code SELECT ... FOR UPDATE}, the same on PostgreSQL and H2): an append locks it, chains its records to
 * the mac it holds, and moves it on, all in one transaction, so the chain stays one line whatever writes at
 * once. The key store appends in its own transactions ({@link #lockHead}, {@link #append(Connection, Head, List)}),
 * so an admin change and its record commit together or not at all.
 */
public final class JdbcAuditLog implements AuditLog {

    /** Records read per query when listing or verifying: a long log is checked without holding it in memory. */
    private static final int PAGE = 1000;

    private static final String COLUMNS = "seq, at_ms, actor, action, object, digest, mac";

    private final DataSource dataSource;
    private final String database;
    private final AuditChain chain;

    public JdbcAuditLog(Database db, AuditChain chain) {
        this.dataSource = db.dataSource();
        this.database = db.describe();
        this.chain = chain;
    }

    /** The last record written: its seq (0 before the first) and mac ({@link AuditChain#GENESIS} before the first). */
    record Head(long seq, String mac) {
    }

    @Override
    public List<AuditRecord> append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        try {
            return Transactions.run(dataSource, connection -> append(connection, lockHead(connection), events));
        } catch (SQLException e) {
            throw failure("append to the audit log", e);
        }
    }

    /**
     * Locks the head for the rest of the caller's transaction: every other append, on any instance, waits
     * until it commits or rolls back. Taken first in a transaction, so every audited write takes its locks
     * in the same order and none waits for another in a cycle.
     */
    Head lockHead(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, mac FROM audit_head WHERE id = 1 FOR UPDATE");
             ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("The audit log's head row is missing", "02000");
            }
            return new Head(row.getLong(1), row.getString(2));
        }
    }

    /** Appends after {@code head}, which the caller's transaction holds locked ({@link #lockHead}), and moves the head on. */
    List<AuditRecord> append(Connection connection, Head head, List<AuditEvent> events) throws SQLException {
        List<AuditRecord> written = new ArrayList<>(events.size());
        long seq = head.seq();
        String mac = head.mac();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO audit_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent event : events) {
                seq++;
                mac = chain.mac(mac, seq, event);
                AuditRecord record = new AuditRecord(seq, event.at(), event.actor(), event.action(), event.object(),
                        event.digest(), mac);
                int i = 0;
                insert.setLong(++i, record.seq());
                insert.setLong(++i, record.at().toEpochMilli());
                insert.setString(++i, record.actor());
                insert.setString(++i, record.action());
                insert.setString(++i, record.object());
                insert.setString(++i, record.digest());
                insert.setString(++i, record.mac());
                insert.addBatch();
                written.add(record);
            }
            insert.executeBatch();
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE audit_head SET seq = ?, mac = ? WHERE id = 1")) {
            update.setLong(1, seq);
            update.setString(2, mac);
            update.executeUpdate();
        }
        return written;
    }

    @Override
    public List<AuditRecord> page(long afterSeq, int limit) {
        try (Connection connection = dataSource.getConnection()) {
            return page(connection, afterSeq, limit);
        } catch (SQLException e) {
            throw failure("read the audit log", e);
        }
    }

    /**
     * Reads the head first, then the records page by page: a record appended meanwhile comes after the
     * head that was read, so it is checked but never mistaken for a missing one.
     */
    @Override
    public Verification verify() {
        try (Connection connection = dataSource.getConnection()) {
            Head head = readHead(connection);
            ChainVerifier verifier = new ChainVerifier(chain, head.seq(), head.mac());
            long after = 0;
            while (true) {
                List<AuditRecord> records = page(connection, after, PAGE);
                for (AuditRecord record : records) {
                    if (!verifier.accept(record)) {
                        return verifier.verdict();
                    }
                }
                if (records.size() < PAGE) {
                    return verifier.verdict();
                }
                after = records.get(records.size() - 1).seq();
            }
        } catch (SQLException e) {
            throw failure("verify the audit log", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcAuditLog[" + database + "]";
    }

    private static Head readHead(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT seq, mac FROM audit_head WHERE id = 1");
             ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("The audit log's head row is missing", "02000");
            }
            return new Head(row.getLong(1), row.getString(2));
        }
    }

    private static List<AuditRecord> page(Connection connection, long afterSeq, int limit) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?")) {
            select.setLong(1, afterSeq);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
                List<AuditRecord> records = new ArrayList<>();
                while (rows.next()) {
                    records.add(new AuditRecord(rows.getLong("seq"), Instant.ofEpochMilli(rows.getLong("at_ms")),
                            rows.getString("actor"), rows.getString("action"), rows.getString("object"),
                            rows.getString("digest"), rows.getString("mac")));
                }
                return records;
            }
        }
    }

    private StoreException failure(String operation, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return new StoreException("The store could not " + operation + " (" + database + ", SQLState " + state + ")", e);
    }
}
