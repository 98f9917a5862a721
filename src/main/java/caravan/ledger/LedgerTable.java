package caravan.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

import caravan.ledger.LedgerJournal.Segment;
import caravan.store.StoreException;
import caravan.store.Transactions;

/**
 * Writes ledger rows into PostgreSQL's {@code usage_ledger} (schema: {@code db/migration/V2__ledger.sql}), a
 * row per record: rows whose request id is there already are left as they are ({@code ON CONFLICT DO
 * NOTHING}), so writing a batch again, after a crash or an outage, adds nothing. Blocking: runs on the
 * store's pool, never on an event loop.
 */
public final class LedgerTable implements LedgerStore {

    static final String COLUMNS = "request_id, time_ms, trace_id, tenant, team, key_id, user_id, session_id, task_id,"
            + " endpoint, route, provider, model, requested_model, attempts, status, error_type, stream, input_tokens,"
            + " output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, usage_estimated, cost_usd,"
            + " latency_us, ttfc_us, overhead_us, cache_outcome, guardrail_outcome, cost_saved_usd";
    private static final int COLUMN_COUNT = COLUMNS.split(",").length;
    private static final String INSERT = "INSERT INTO usage_ledger (" + COLUMNS + ") VALUES ("
            + String.join(", ", Collections.nCopies(COLUMN_COUNT, "?")) + ") ON CONFLICT DO NOTHING";
    /** The column's scale: money to the pico-dollar. */
    static final int USD_SCALE = 12;

    private final DataSource dataSource;
    private final String database;

    LedgerTable(DataSource dataSource, String database) {
        this.dataSource = dataSource;
        this.database = database;
    }

    @Override
    public LedgerJournal.Hold holds() {
        return LedgerJournal.Hold.RECORDS;
    }

    @Override
    public void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
        List<LedgerRecord> rows = new ArrayList<>();
        for (Segment segment : segments) {
            rows.addAll(segment.records());
        }
        if (!rows.isEmpty()) {
            insert(rows, refused);
        }
    }

    /**
     * Inserts the rows not yet stored, all in one transaction. A row the database refuses as data (a value
     * it cannot hold) would fail its batch every time; then each row is written on its own and the refused
     * ones are handed to {@code refused}, so that one bad row cannot hold the ledger up.
     */
    @Override
    public void insert(List<LedgerRecord> rows, Consumer<LedgerRecord> refused) {
        try {
            inTransaction(rows);
        } catch (SQLException e) {
            if (!isDataError(e)) {
                throw failure(rows.size(), e);
            }
            insertOneByOne(rows, refused);
        }
    }

    private void inTransaction(List<LedgerRecord> rows) throws SQLException {
        Transactions.run(dataSource, connection -> {
            // one row's statement, parsed once, sent as one batch: a statement of many rows' VALUES had
            // thousands of parameters to parse for every chunk, and the database kept the parse long enough
            // for the collector to promote it
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (LedgerRecord row : rows) {
                    bind(insert, 0, row);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    private void insertOneByOne(List<LedgerRecord> rows, Consumer<LedgerRecord> refused) {
        for (LedgerRecord row : rows) {
            try {
                inTransaction(List.of(row));
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    throw failure(rows.size(), e);
                }
                refused.accept(row);
            }
        }
    }

    /** Binds one row's values after {@code index}; returns the last index bound. */
    private static int bind(PreparedStatement statement, int index, LedgerRecord row) throws SQLException {
        int i = index;
        statement.setString(++i, row.requestId());
        statement.setLong(++i, row.timeMs());
        statement.setString(++i, row.traceId());
        statement.setString(++i, row.tenant());
        statement.setString(++i, row.team());
        statement.setString(++i, row.keyId());
        statement.setString(++i, row.userId());
        statement.setString(++i, row.sessionId());
        statement.setString(++i, row.taskId());
        statement.setString(++i, row.endpoint());
        statement.setString(++i, row.route());
        statement.setString(++i, row.provider());
        statement.setString(++i, row.model());
        statement.setString(++i, row.requestedModel());
        statement.setInt(++i, row.attempts());
        statement.setInt(++i, row.status());
        statement.setString(++i, row.errorType());
        statement.setBoolean(++i, row.stream());
        statement.setLong(++i, row.inputTokens());
        statement.setLong(++i, row.outputTokens());
        statement.setLong(++i, row.cacheReadTokens());
        statement.setLong(++i, row.cacheWriteTokens());
        statement.setLong(++i, row.reasoningTokens());
        statement.setBoolean(++i, row.usageEstimated());
        BigDecimal cost = row.costUsd();
        statement.setBigDecimal(++i, cost == null ? null : cost.setScale(USD_SCALE, RoundingMode.HALF_UP));
        statement.setLong(++i, row.latencyUs());
        statement.setObject(++i, row.ttfcUs(), Types.BIGINT);
        statement.setLong(++i, row.overheadUs());
        statement.setString(++i, row.cacheOutcome());
        statement.setString(++i, row.guardrailOutcome());
        BigDecimal saved = row.costSavedUsd();
        statement.setBigDecimal(++i, saved == null ? null : saved.setScale(USD_SCALE, RoundingMode.HALF_UP));
        return i;
    }

    /** Data (22) and integrity (23) errors are about a row's values: the same rows fail again however often tried. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** Without the driver's exception for data errors: H2 quotes the refused row's values in its message. */
    private StoreException failure(int rows, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return new StoreException("The ledger could not write " + rows + " rows (" + database + ", SQLState " + state + ")",
                isDataError(e) ? null : e);
    }
}
