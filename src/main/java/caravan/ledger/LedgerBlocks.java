package caravan.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

import caravan.ledger.LedgerJournal.Segment;
import caravan.ledger.LedgerJournal.Span;
import caravan.store.StoreException;
import caravan.store.Transactions;

/**
 * The ledger in the embedded H2 database: each journal segment (a writer cycle's records, 50 ms of calls) is
 * one block, a row of {@code usage_ledger_block} (schema: {@code db/h2/V5_1__ledger_blocks.sql} and
 * {@code V5_2__ledger_block_files.sql}) naming where the segment's JSON lines, as they were journaled, were
 * appended: a day file ({@code <UTC day>.jsonl}) in {@value #FOLDER}, beside the H2 file. The
 * {@code usage_ledger_rows} table function ({@link LedgerBlockRows}) and the {@code usage_ledger} view read
 * them back record by record.
 *
 * <p>Why not a row per record, as on PostgreSQL: H2 spends 20 to 25 us of CPU on each inserted row. Why not the
 * lines in H2 as a LOB, as blocks were first stored: H2 spent 2.5 us of CPU a record on it and wrote each LOB
 * about twice into its file (README "How it is kept"). An append is one copy into the page cache, and H2 holds
 * one small row per segment.
 *
 * <p>A block's key is its first record's arrival time and request id, which no other block can have: a segment
 * written again (after a crash between the commit and the journal's forgetting it, or after an outage) is the
 * same block, its insert adds nothing ({@code ON CONFLICT DO NOTHING}) and its lines are not appended again.
 * The row is inserted, then the lines appended, in the transaction that commits the row: a failed append rolls
 * the row back, and bytes appended by a transaction that then failed to commit are never named by a row, so
 * they are never read.
 */
final class LedgerBlocks implements LedgerStore {

    /** The day files' folder, beside the H2 file ({@code GATEWAY_DATA_DIR/usage-ledger}). */
    static final String FOLDER = "usage-ledger";
    private static final Duration GATHER = Duration.ofSeconds(1);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);
    private static final String INSERT = "INSERT INTO usage_ledger_block (first_time_ms, first_request_id, min_time_ms,"
            + " max_time_ms, row_count, file_name, file_offset, byte_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING";

    private final DataSource dataSource;
    private final String database;
    /** Resolved at the first write, from the database's own path. */
    private Path folder;

    LedgerBlocks(DataSource dataSource, String database) {
        this.dataSource = dataSource;
        this.database = database;
    }

    /** The day files' folder of the database on this connection: {@value #FOLDER} beside its file. */
    static Path folder(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet path = statement.executeQuery("CALL DATABASE_PATH()")) {
            path.next();
            return Path.of(path.getString(1)).resolveSibling(FOLDER);
        }
    }

    /**
     * Nothing: a block is the segment's file as the journal wrote it, copied into the day file when it is
     * written, so no record or line waits in the heap.
     */
    @Override
    public LedgerJournal.Hold holds() {
        return LedgerJournal.Hold.NOTHING;
    }

    /**
     * A second: each H2 commit costs about half a millisecond and 17 KB of file whatever it holds (measured with
     * {@code LedgerWriteBench}), so twenty segments are written in one; they wait in the journal's files, not in
     * the heap.
     */
    @Override
    public Duration gathers() {
        return GATHER;
    }

    /** Nothing is refused: a block holds any value a record can have. */
    @Override
    public synchronized void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
        try {
            Transactions.run(dataSource, connection -> {
                writeIn(connection, segments);
                return null;
            });
        } catch (SQLException e) {
            throw failure(segments.size(), e);
        }
    }

    private void writeIn(Connection connection, List<Segment> segments) throws SQLException {
        String day = DAY.format(Instant.now());
        try (PreparedStatement insert = connection.prepareStatement(INSERT);
             FileChannel file = dayFile(connection, day)) {
            for (Segment segment : segments) {
                if (segment.records() == null) {
                    // journaled whole by this process: its file is the block, copied as it is
                    appendFile(insert, segment, day, file);
                } else if (!segment.records().isEmpty()) {
                    // read back from an earlier run's file (a last line cut short is left out), or held because
                    // the journal could not be written
                    byte[] lines = LedgerJournal.lines(segment.records());
                    if (claim(insert, Span.of(segment.records()), day, file.position(), lines.length)) {
                        append(file, lines);
                    }
                }
            }
        } catch (IOException e) {
            throw new SQLException("The ledger's day file " + day + " cannot be written in " + folder + ": " + e, e);
        }
    }

    /** One block of the records. */
    @Override
    public void insert(List<LedgerRecord> records, Consumer<LedgerRecord> refused) {
        if (records.isEmpty()) {
            return;
        }
        write(List.of(new Segment(null, records, null, System.currentTimeMillis())), refused);
    }

    /** Inserts the block's row; false when the store has the block already (its lines are not appended again). */
    private static boolean claim(PreparedStatement insert, Span span, String day, long offset, long bytes) throws SQLException {
        insert.setLong(1, span.firstTimeMs());
        insert.setString(2, span.firstRequestId());
        insert.setLong(3, span.minTimeMs());
        insert.setLong(4, span.maxTimeMs());
        insert.setInt(5, span.count());
        insert.setString(6, day);
        insert.setLong(7, offset);
        insert.setLong(8, bytes);
        return insert.executeUpdate() == 1;
    }

    private FileChannel dayFile(Connection connection, String day) throws SQLException, IOException {
        if (folder == null) {
            folder = folder(connection);
        }
        // each time (once a second): a folder removed by hand is made again rather than failing every write
        Files.createDirectories(folder);
        // written at its end, but not opened to append: the kernel then copies a segment into it without its
        // bytes passing through the process (sendfile); one writer at a time, so its end does not move under it
        FileChannel file = FileChannel.open(folder.resolve(day + ".jsonl"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        file.position(file.size());
        return file;
    }

    private static void appendFile(PreparedStatement insert, Segment segment, String day, FileChannel file) throws SQLException {
        try (FileChannel source = FileChannel.open(segment.path(), StandardOpenOption.READ)) {
            long size = source.size();
            if (!claim(insert, segment.span(), day, file.position(), size)) {
                return;
            }
            // the kernel copies it: the lines do not pass through the heap
            for (long copied = 0; copied < size; ) {
                copied += source.transferTo(copied, size - copied, file);
            }
        } catch (IOException e) {
            throw new SQLException("The ledger journal segment " + segment.path() + " cannot be copied to its day file: " + e, e);
        }
    }

    private static void append(FileChannel file, byte[] lines) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(lines);
        while (buffer.hasRemaining()) {
            file.write(buffer);
        }
    }

    private StoreException failure(int blocks, SQLException e) {
        return new StoreException("The ledger could not write " + blocks + " blocks (" + database + ", SQLState "
                + (e.getSQLState() == null ? "" : e.getSQLState()) + ")", e);
    }
}
