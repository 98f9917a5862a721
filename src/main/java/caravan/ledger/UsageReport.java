package caravan.ledger;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

import caravan.store.Database;
import caravan.store.StoreException;

/**
 * Answers {@link UsageQuery}s from the ledger, with the same SQL on H2 and PostgreSQL but for the rows'
 * source: PostgreSQL's table, or the embedded file's blocks read by {@code usage_ledger_rows(from, to)}
 * ({@link LedgerBlockRows}). Blocking: runs on the store's pool.
 *
 * <p>Sums are the database's ({@code GROUP BY}). Latency percentiles are exact (nearest rank) and computed
 * here from a second query that streams each group's latencies in ascending order: knowing each group's
 * count from the first, the p50 and p95 values are picked as they pass, so the gateway's memory holds the
 * groups and never the latencies, however many rows the range has; sorting them is the database's work,
 * which PostgreSQL and H2 both spill to disk when it is large. At most {@value #MAX_GROUPS} groups per answer.
 */
public final class UsageReport {

    public static final int MAX_GROUPS = 20_000;
    private static final int FETCH_SIZE = 10_000;
    private static final String SUMS = "COUNT(*), COUNT(error_type), SUM(input_tokens), SUM(output_tokens),"
            + " SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(reasoning_tokens), SUM(cost_usd)";

    /** More groups than one answer holds. */
    public static final class TooManyGroups extends RuntimeException {
        TooManyGroups() {
            super("The answer would have more than " + MAX_GROUPS + " groups", null, false, false);
        }
    }

    private final DataSource dataSource;
    private final String database;
    /** Whether the ledger is the embedded file's blocks (read through {@code usage_ledger_rows}) rather than a table. */
    private final boolean blocks;

    public UsageReport(Database database) {
        this.dataSource = database.dataSource();
        this.database = database.describe();
        this.blocks = database.embedded();
    }

    /**
     * The groups' sums, ordered by their values (absent values last).
     *
     * @param percentiles whether to compute the latency percentiles (a second pass over the range's rows)
     * @throws TooManyGroups  when the range and grouping make more than {@value #MAX_GROUPS} groups
     * @throws StoreException when the store cannot answer
     */
    public List<UsageRow> run(UsageQuery query, boolean percentiles) {
        Where where = Where.of(query, blocks);
        List<UsageDimension> dimensions = query.groupBy();
        String groups = dimensions.stream().map(UsageDimension::expression).collect(Collectors.joining(", "));
        try (Connection connection = dataSource.getConnection()) {
            // PostgreSQL streams a result with a fetch size only inside a transaction
            connection.setAutoCommit(false);
            try {
                List<UsageRow> rows = sums(connection, dimensions, groups, where);
                if (percentiles && !rows.isEmpty()) {
                    rows = withPercentiles(connection, dimensions, groups, where, rows);
                }
                return rows;
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException("The ledger could not be read (" + database + ", SQLState " + e.getSQLState() + ")", e);
        }
    }

    private static List<UsageRow> sums(Connection connection, List<UsageDimension> dimensions, String groups, Where where)
            throws SQLException {
        String sql = "SELECT " + (groups.isEmpty() ? "" : groups + ", ") + SUMS + where.sql
                + (groups.isEmpty() ? "" : " GROUP BY " + groups + " ORDER BY " + groups + " LIMIT " + (MAX_GROUPS + 1));
        List<UsageRow> rows = new ArrayList<>();
        try (PreparedStatement statement = where.prepare(connection, sql); ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                if (rows.size() == MAX_GROUPS) {
                    throw new TooManyGroups();
                }
                int column = 0;
                List<String> group = new ArrayList<>(dimensions.size());
                for (UsageDimension dimension : dimensions) {
                    group.add(dimension.read(result, ++column));
                }
                long requests = result.getLong(++column);
                if (requests == 0) {
                    // the one row of a total over nothing
                    continue;
                }
                rows.add(new UsageRow(Collections.unmodifiableList(group), requests,
                        result.getLong(++column), result.getLong(++column), result.getLong(++column),
                        result.getLong(++column), result.getLong(++column), result.getLong(++column),
                        usd(result.getBigDecimal(++column)), null, null));
            }
        }
        return rows;
    }

    /** Streams the range's latencies, group by group in ascending order, and picks each group's p50 and p95. */
    private static List<UsageRow> withPercentiles(Connection connection, List<UsageDimension> dimensions, String groups,
                                                  Where where, List<UsageRow> rows) throws SQLException {
        Map<List<String>, Integer> index = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            index.put(rows.get(i).group(), i);
        }
        List<UsageRow> answered = new ArrayList<>(rows);
        String sql = "SELECT " + (groups.isEmpty() ? "" : groups + ", ") + "latency_us" + where.sql
                + " ORDER BY " + (groups.isEmpty() ? "" : groups + ", ") + "latency_us";
        try (PreparedStatement statement = where.prepare(connection, sql)) {
            statement.setFetchSize(FETCH_SIZE);
            try (ResultSet result = statement.executeQuery()) {
                Picker picker = null;
                String[] values = new String[dimensions.size()];
                while (result.next()) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = dimensions.get(i).read(result, i + 1);
                    }
                    long latency = result.getLong(values.length + 1);
                    if (picker == null || !Arrays.equals(picker.values, values)) {
                        if (picker != null) {
                            picker.finish(answered);
                        }
                        // a group that arrived between the two queries is not in the answer: it is passed over
                        Integer at = index.get(Arrays.asList(values));
                        picker = new Picker(values.clone(), at == null ? -1 : at, at == null ? 0 : rows.get(at).requests());
                    }
                    picker.next(latency);
                }
                if (picker != null) {
                    picker.finish(answered);
                }
            }
        }
        return answered;
    }

    /** Picks the nearest-rank p50 and p95 of one group from its latencies in ascending order. */
    private static final class Picker {
        final String[] values;
        final int row;
        final long rank50;
        final long rank95;
        long seen;
        long p50 = -1;
        long p95 = -1;
        long last;

        Picker(String[] values, int row, long count) {
            this.values = values;
            this.row = row;
            this.rank50 = (50 * count + 99) / 100;
            this.rank95 = (95 * count + 99) / 100;
        }

        void next(long latencyMicros) {
            seen++;
            last = latencyMicros;
            if (seen == rank50) {
                p50 = latencyMicros;
            }
            if (seen == rank95) {
                p95 = latencyMicros;
            }
        }

        void finish(List<UsageRow> answered) {
            if (row < 0) {
                return;
            }
            // rows added to the group between the two queries push the ranks on; the last latency seen stands in
            answered.set(row, answered.get(row).withPercentiles(p50 < 0 ? last : p50, p95 < 0 ? last : p95));
        }
    }

    /** Money as it was written: {@code 0.0012}, not the column's {@code 0.001200000000}. */
    private static BigDecimal usd(BigDecimal sum) {
        if (sum == null) {
            return null;
        }
        BigDecimal stripped = sum.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** The FROM and WHERE clauses of a query and their parameters, in order (null: an open bound). */
    private record Where(String sql, List<Long> bounds, List<Object> parameters) {

        static Where of(UsageQuery query, boolean blocks) {
            Long from = query.from() == null ? null : query.from().toEpochMilli();
            Long to = query.to() == null ? null : query.to().toEpochMilli();
            List<String> conditions = new ArrayList<>();
            List<Object> parameters = new ArrayList<>();
            if (from != null) {
                conditions.add("time_ms >= ?");
                parameters.add(from);
            }
            if (to != null) {
                conditions.add("time_ms < ?");
                parameters.add(to);
            }
            if (query.tenant() != null) {
                conditions.add("tenant = ?");
                parameters.add(query.tenant());
            }
            if (query.owner() != null) {
                if (query.owner().keyId() == null) {
                    conditions.add("key_id IS NULL");
                } else {
                    conditions.add("key_id = ?");
                    parameters.add(query.owner().keyId());
                }
            }
            // the embedded ledger's function reads only the blocks of the range
            String source = blocks ? " FROM usage_ledger_rows(?, ?)" : " FROM usage_ledger";
            return new Where(source + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)),
                    blocks ? Arrays.asList(from, to) : List.of(), parameters);
        }

        PreparedStatement prepare(Connection connection, String statementSql) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(statementSql);
            int index = 0;
            for (Long bound : bounds) {
                if (bound == null) {
                    statement.setNull(++index, Types.BIGINT);
                } else {
                    statement.setLong(++index, bound);
                }
            }
            for (Object parameter : parameters) {
                statement.setObject(++index, parameter);
            }
            return statement;
        }
    }
}
