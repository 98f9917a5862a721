package caravan.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * already made.
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

    /** The lines as the journal wrote them: all a block needs, and no records kept in the heap while they wait. */
    @Override
    public LedgerJournal.Hold holds() {
        return LedgerJournal.Hold.LINES;
    }

    /** Nothing is refused: a block holds any value a record can have. */
    @Override
    public void write(List<Segment> segments, Consumer<LedgerRecord> refused) {
        try {
            Transactions.run(dataSource, connection -> {
                try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                    int blocks = 0;
                    for (Segment segment : segments) {
                        if (segment.lines() != null) {
                            // held since it was journaled, with its span
                            bind(insert, segment.span(), segment.lines());
                        } else if (!segment.records().isEmpty()) {
                            // a segment read from disk is written anew: a last line cut short is left out
                            bind(insert, Span.of(segment.records()), LedgerJournal.lines(segment.records()));
                        } else {
                            continue;
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
            bind(insert, Span.of(records), LedgerJournal.lines(records));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure(1, e);
        }
    }

    private static void bind(PreparedStatement insert, Span span, byte[] lines) throws SQLException {
        insert.setLong(1, span.firstTimeMs());
        insert.setString(2, span.firstRequestId());
        insert.setLong(3, span.minTimeMs());
        insert.setLong(4, span.maxTimeMs());
        insert.setInt(5, span.count());
        insert.setBytes(6, lines);
    }

    private StoreException failure(int blocks, SQLException e) {
        return new StoreException("The ledger could not write " + blocks + " blocks (" + database + ", SQLState "
                + (e.getSQLState() == null ? "" : e.getSQLState()) + ")", e);
    }
}
