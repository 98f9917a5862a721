package caravan.ledger;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.h2.tools.SimpleResultSet;
import org.h2.tools.SimpleRowSource;

/**
 * The embedded ledger's rows as a table: H2's {@code usage_ledger_rows(from_ms, to_ms)} table function
 * (declared in {@code db/h2/V5_1__ledger_blocks.sql}), the records of every block ({@link LedgerBlocks}: its
 * lines in a day file, or, for blocks written before day files, in the row itself) whose time range meets
 * {@code [from_ms, to_ms)}, and the rows written one by one before blocks, with
 * {@code usage_ledger}'s columns. A null bound is open. The {@code usage_ledger} view is this function over
 * all time, so that SQL written for PostgreSQL's table reads the same here.
 *
 * <p>Rows are read block by block as H2 asks for them, never all held at once.
 */
public final class LedgerBlockRows implements SimpleRowSource {

    /** The URL of the connection H2 passes when it only wants the columns. */
    private static final String COLUMN_LIST = "jdbc:columnlist:connection";

    private final Connection connection;
    private final Long fromMs;
    private final Long toMs;
    private PreparedStatement statement;
    private ResultSet rows;
    private boolean readingBlocks;
    private byte[] block;
    private int offset;
    /** Resolved at the first block kept in a day file. */
    private Path folder;
    /** The day files read so far, open until the rows are closed. */
    private final Map<String, FileChannel> dayFiles = new HashMap<>();

    private LedgerBlockRows(Connection connection, Long fromMs, Long toMs) {
        this.connection = connection;
        this.fromMs = fromMs;
        this.toMs = toMs;
    }

    /** The table function. */
    public static ResultSet rows(Connection connection, Long fromMs, Long toMs) throws SQLException {
        boolean columnsOnly = COLUMN_LIST.equals(connection.getMetaData().getURL());
        SimpleResultSet result = columnsOnly ? new SimpleResultSet() : new SimpleResultSet(new LedgerBlockRows(connection, fromMs, toMs));
        result.addColumn("request_id", Types.VARCHAR, 64, 0);
        result.addColumn("time_ms", Types.BIGINT, 64, 0);
        result.addColumn("trace_id", Types.VARCHAR, 32, 0);
        for (String text : List.of("tenant", "team", "key_id", "user_id", "session_id", "task_id")) {
            result.addColumn(text, Types.VARCHAR, LedgerRecord.TEXT, 0);
        }
        result.addColumn("endpoint", Types.VARCHAR, 64, 0);
        result.addColumn("route", Types.VARCHAR, LedgerRecord.TEXT, 0);
        result.addColumn("provider", Types.VARCHAR, LedgerRecord.TEXT, 0);
        result.addColumn("model", Types.VARCHAR, LedgerRecord.MODEL_TEXT, 0);
        result.addColumn("requested_model", Types.VARCHAR, LedgerRecord.MODEL_TEXT, 0);
        result.addColumn("attempts", Types.INTEGER, 32, 0);
        result.addColumn("status", Types.INTEGER, 32, 0);
        result.addColumn("error_type", Types.VARCHAR, LedgerRecord.TEXT, 0);
        result.addColumn("stream", Types.BOOLEAN, 1, 0);
        for (String tokens : List.of("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")) {
            result.addColumn(tokens, Types.BIGINT, 64, 0);
        }
        result.addColumn("usage_estimated", Types.BOOLEAN, 1, 0);
        result.addColumn("cost_usd", Types.NUMERIC, 24, LedgerTable.USD_SCALE);
        result.addColumn("latency_us", Types.BIGINT, 64, 0);
        result.addColumn("ttfc_us", Types.BIGINT, 64, 0);
        result.addColumn("overhead_us", Types.BIGINT, 64, 0);
        result.addColumn("cache_outcome", Types.VARCHAR, 32, 0);
        result.addColumn("guardrail_outcome", Types.VARCHAR, LedgerRecord.TEXT, 0);
        result.addColumn("cost_saved_usd", Types.NUMERIC, 24, LedgerTable.USD_SCALE);
        return result;
    }

    @Override
    public Object[] readRow() throws SQLException {
        if (rows == null) {
            open("SELECT " + LedgerTable.COLUMNS + " FROM usage_ledger_before_blocks", "time_ms", "time_ms");
        }
        if (!readingBlocks) {
            if (rows.next()) {
                Object[] row = new Object[rows.getMetaData().getColumnCount()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rows.getObject(i + 1);
                }
                return row;
            }
            closeRows();
            readingBlocks = true;
            open("SELECT records, file_name, file_offset, byte_count FROM usage_ledger_block", "max_time_ms", "min_time_ms");
        }
        while (true) {
            LedgerRecord record = nextInBlock();
            if (record != null) {
                if ((fromMs == null || record.timeMs() >= fromMs) && (toMs == null || record.timeMs() < toMs)) {
                    return values(record);
                }
            } else if (rows.next()) {
                block = rows.getString(2) == null ? rows.getBytes(1) : fromDayFile(rows.getString(2), rows.getLong(3), rows.getLong(4));
                offset = 0;
            } else {
                return null;
            }
        }
    }

    /** Runs {@code select} over the rows whose {@code fromColumn} is at least from and {@code toColumn} below to. */
    private void open(String select, String fromColumn, String toColumn) throws SQLException {
        List<String> conditions = new ArrayList<>();
        List<Long> bounds = new ArrayList<>();
        if (fromMs != null) {
            conditions.add(fromColumn + " >= ?");
            bounds.add(fromMs);
        }
        if (toMs != null) {
            conditions.add(toColumn + " < ?");
            bounds.add(toMs);
        }
        statement = connection.prepareStatement(select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)));
        for (int i = 0; i < bounds.size(); i++) {
            statement.setLong(i + 1, bounds.get(i));
        }
        rows = statement.executeQuery();
    }

    /** A block's lines, read from where they were appended in its day file. */
    private byte[] fromDayFile(String day, long at, long length) throws SQLException {
        if (folder == null) {
            folder = LedgerBlocks.folder(connection);
        }
        Path path = folder.resolve(day + ".jsonl");
        try {
            FileChannel file = dayFiles.get(day);
            if (file == null) {
                file = FileChannel.open(path, StandardOpenOption.READ);
                dayFiles.put(day, file);
            }
            ByteBuffer lines = ByteBuffer.allocate(Math.toIntExact(length));
            while (lines.hasRemaining()) {
                if (file.read(lines, at + lines.position()) < 0) {
                    throw new SQLException("The usage ledger's day file " + path + " ends before the block at " + at
                            + " (" + length + " bytes): it was cut or replaced");
                }
            }
            return lines.array();
        } catch (IOException e) {
            throw new SQLException("The usage ledger's day file " + path + " cannot be read: " + e, e);
        }
    }

    /** The block's next record, or null at its end. */
    private LedgerRecord nextInBlock() throws SQLException {
        while (block != null && offset < block.length) {
            int end = offset;
            while (end < block.length && block[end] != '\n') {
                end++;
            }
            int start = offset;
            offset = end + 1;
            if (end > start) {
                try {
                    return LedgerJournal.readLine(block, start, end - start);
                } catch (IOException e) {
                    throw new SQLException("A usage ledger block holds a line that does not read as a record", e);
                }
            }
        }
        return null;
    }

    private static Object[] values(LedgerRecord r) {
        return new Object[] {r.requestId(), r.timeMs(), r.traceId(), r.tenant(), r.team(), r.keyId(), r.userId(),
            r.sessionId(), r.taskId(), r.endpoint(), r.route(), r.provider(), r.model(), r.requestedModel(),
            r.attempts(), r.status(), r.errorType(), r.stream(), r.inputTokens(), r.outputTokens(), r.cacheReadTokens(),
            r.cacheWriteTokens(), r.reasoningTokens(), r.usageEstimated(), usd(r.costUsd()), r.latencyUs(), r.ttfcUs(),
            r.overheadUs(), r.cacheOutcome(), r.guardrailOutcome(), usd(r.costSavedUsd())};
    }

    /** As the table's column holds it: to the pico-dollar. */
    private static BigDecimal usd(BigDecimal value) {
        return value == null ? null : value.setScale(LedgerTable.USD_SCALE, RoundingMode.HALF_UP);
    }

    @Override
    public void close() {
        closeRows();
        block = null;
        for (FileChannel file : dayFiles.values()) {
            try {
                file.close();
            } catch (IOException ignored) {
                // opened to read: nothing is lost
            }
        }
        dayFiles.clear();
    }

    @Override
    public void reset() {
        close();
        readingBlocks = false;
    }

    private void closeRows() {
        try {
            if (statement != null) {
                statement.close();
            }
        } catch (SQLException ignored) {
            // closing a statement of the caller's own connection: nothing is left to free
        }
        statement = null;
        rows = null;
    }
}
