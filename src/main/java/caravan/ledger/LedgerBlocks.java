package caravan.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;

import caravan.ledger.LedgerJournal.Segment;
import caravan.ledger.LedgerJournal.Span;
import caravan.store.StoreException;
import caravan.store.Transactions;

/**
 * The ledger in the embedded H2 file: each journal segment (a writer cycle's records, 50 ms of calls) is
 * stored as one row of {@code usage_ledger_block} holding the segment's JSON lines as they were journaled
 * (schema: {@code db/h2/V5_1__ledger_blocks.sql}), and read back record by record by the
 * {@code usage_ledger_rows} table function ({@link LedgerBlockRows}) and the {@code usage_ledger} view.
 *
 * <p>Why not a row per record, as on PostgreSQL: H2 spends 20 to 25 us of CPU on each inserted row (its
 * B-tree pages copied on write, serialized, and read back when the small page cache let them go), 30 us per
 * record with the collector, which on a gateway answering 20 000 calls a second is two-thirds of a core
 * (README "Accounting and the ledger"). A block costs one insert per segment and the bytes the journal has
 * already written, streamed from its file.
 *
 * <p>A block's key is its first record's arrival time and request id, which no other block can have: a
 * segment written again (after a crash between the commit and the journal's forgetting it, or after an
 * outage) is the same block and adds nothing ({@code ON CONFLICT DO NOTHING}).
 */
final class LedgerBlocks implements LedgerStore {

    private static final String INSERT = "INSERT INTO usage_ledger_block (first_time_ms, first_request_id, min_time_ms,"
            + " max_time_ms, row_count, records) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

    private final DataSource dataSource;
    private final String database;

    LedgerBlocks(DataSource dataSource, String database) {
        this.dataSource = dataSource;
        this.database = database;
    }

    /**
     * Nothing: a block is the segment's file as the journal wrote it, streamed into H2 when it is written, so no
     * record or line waits in the heap.
     */
    @Override
    public LedgerJournal.Hold holds() {
        return LedgerJournal.Hold.NOTHING;
    }

    /** Nothing is refused: a block holds any value a record can have. */
    @Override
    public void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
        List<InputStream> files = new ArrayList<>();
        try {
            Transactions.run(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    int blocks = 0;
                    for (Segment segment : segments) {
                        if (segment.records() != null) {
                            if (segment.records().isEmpty()) {
                                continue;
                            }
                            // read back from an earlier run's file (a last line cut short is left out), or held
                            // because the journal could not be written
                            bind(insert, Span.of(segment.records()));
                            insert.setBytes(6, LedgerJournal.lines(segment.records()));
                        } else {
                            // journaled whole by this process: the file is the block, streamed in as it is
                            bind(insert, segment.span());
                            files.add(bindFile(insert, segment.path()));
                        }
                        insert.addBatch();
                        blocks++;
                    }
                    if (blocks > 0) {
                        insert.executeBatch();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw failure(segments.size(), e);
        } finally {
            for (InputStream file : files) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // read to its end already; the segment is deleted or read again
                }
            }
        }
    }

    /** The segment's file as the block's bytes; the stream is the caller's to close once the batch ran. */
    private static InputStream bindFile(PreparedStatement insert, Path segment) throws SQLException {
        try {
            InputStream file = Files.newInputStream(segment);
            insert.setBinaryStream(6, file, Files.size(segment));
            return file;
        } catch (IOException e) {
            throw new SQLException("The ledger journal segment " + segment + " cannot be read: " + e, e);
        }
    }

    /** One block of the records. */
    @Override
    public void insert(List<LedgerRecord> records, Consumer<LedgerRecord> refused) {
        if (records.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT)) {
            bind(insert, Span.of(records));
            insert.setBytes(6, LedgerJournal.lines(records));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure(1, e);
        }
    }

    private static void bind(PreparedStatement insert, Span span) throws SQLException {
        insert.setLong(1, span.firstTimeMs());
        insert.setString(2, span.firstRequestId());
        insert.setLong(3, span.minTimeMs());
        insert.setLong(4, span.maxTimeMs());
        insert.setInt(5, span.count());
    }

    private StoreException failure(int blocks, SQLException e) {
        return new StoreException("The ledger could not write " + blocks + " blocks (" + database + ", SQLState "
                + (e.getSQLState() == null ? "" : e.getSQLState()) + ")", e);
    }
}
