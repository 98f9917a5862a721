package caravan.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What usage can be grouped by ({@code group_by=}): each name the API takes, and the ledger column (or, for
 * {@code day}, the expression over the row's time) the database groups on. The expressions are the
 * gateway's own; nothing a caller sends reaches the SQL text.
 */
public enum UsageDimension {
    TENANT("tenant", "tenant"),
    TEAM("team", "team"),
    KEY("key", "key_id"),
    USER("user", "user_id"),
    SESSION("session", "session_id"),
    TASK("task", "task_id"),
    MODEL("model", "model"),
    PROVIDER("provider", "provider"),
    ROUTE("route", "route"),
    /** The UTC day the request arrived on, as {@code 2026-01-31}; whole days since 1970 in integer division. */
    DAY("day", "time_ms / 86400000");

    private final String wireName;
    private final String expression;

    UsageDimension(String wireName, String expression) {
        this.wireName = wireName;
        this.expression = expression;
    }

    /** The name in {@code group_by} and in each row's {@code group}. */
    public String wireName() {
        return wireName;
    }

    String expression() {
        return expression;
    }

    /** The dimension called {@code name}, or null. */
    public static UsageDimension named(String name) {
        for (UsageDimension dimension : values()) {
            if (dimension.wireName.equals(name)) {
                return dimension;
            }
        }
        return null;
    }

    /** Every name, for a message that lists them. */
    public static String names() {
        return Arrays.stream(values()).map(UsageDimension::wireName).collect(Collectors.joining(","));
    }

    /** This dimension's value in column {@code column} of the current row, as the answer shows it. */
    String read(ResultSet row, int column) throws SQLException {
        if (this == DAY) {
            long day = row.getLong(column);
            return row.wasNull() ? null : LocalDate.ofEpochDay(day).toString();
        }
        return row.getString(column);
    }
}
