package caravan.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import caravan.store.Database;

/** The usage ledger's rows as they lie in the database, read with plain SQL. */
public final class LedgerRows {

    private final Callable<Connection> connections;

    public LedgerRows(Callable<Connection> connections) {
        this.connections = connections;
    }

    /** The rows of an in-process gateway's own database. */
    public static LedgerRows of(GatewayUnderTest gateway) {
        Database database = gateway.context().getRegistry().lookupByNameAndType("database", Database.class);
        return new LedgerRows(() -> database.dataSource().getConnection());
    }

    public long count() {
        return ((Number) query("SELECT COUNT(*) AS n FROM usage_ledger").get(0).get("n")).longValue();
    }

    /** Every request id, as often as the ledger holds it. */
    public List<String> requestIds() {
        List<String> ids = new ArrayList<>();
        query("SELECT request_id FROM usage_ledger").forEach(row -> ids.add((String) row.get("request_id")));
        return ids;
    }

    /** The row of one request, column by column (lower-case names), or null. */
    public Map<String, Object> row(String requestId) {
        List<Map<String, Object>> rows = query("SELECT * FROM usage_ledger WHERE request_id = '" + requestId.replace("'", "''") + "'");
        return rows.isEmpty() ? null : rows.get(0);
    }

    public List<Map<String, Object>> query(String sql) {
        try (Connection connection = connections.call(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<Map<String, Object>> result = new ArrayList<>();
            while (rows.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rows.getObject(i));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("The ledger could not be read: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
