-- The embedded H2 file only (PostgreSQL keeps usage_ledger a table, a row per record): the ledger is stored a
-- block per journal segment, a writer cycle's records as the journal's JSON lines, and read as rows through
-- the usage_ledger_rows(from_ms, to_ms) table function and the usage_ledger view (README "The ledger").
-- H2 spends 20 to 25 us of CPU on each row it inserts; a block costs one insert per segment.
-- Numbered 5.1: a shared migration after this one is 6 on both databases.

-- rows written one by one before blocks: still read, through the same function
ALTER TABLE usage_ledger RENAME TO usage_ledger_before_blocks;

-- The key is the block's first record's arrival time and request id: a segment written again after a crash
-- or an outage is the same block, and ON CONFLICT DO NOTHING adds nothing.
CREATE TABLE usage_ledger_block (
    first_time_ms    BIGINT      NOT NULL,
    first_request_id VARCHAR(64) NOT NULL,
    min_time_ms      BIGINT      NOT NULL,
    max_time_ms      BIGINT      NOT NULL,
    row_count        INTEGER     NOT NULL,
    records          BINARY LARGE OBJECT NOT NULL,
    PRIMARY KEY (first_time_ms, first_request_id)
);

-- a range's blocks are found from its start: the newest ranges, the ones asked for most, read the fewest
CREATE INDEX usage_ledger_block_max_time ON usage_ledger_block (max_time_ms);

CREATE ALIAS usage_ledger_rows FOR 'caravan.ledger.LedgerBlockRows.rows';

CREATE VIEW usage_ledger AS SELECT * FROM usage_ledger_rows(CAST(NULL AS BIGINT), CAST(NULL AS BIGINT));
