-- The embedded H2 file only: a block's records move out of the H2 file into append-only day files beside it
-- (GATEWAY_DATA_DIR/usage-ledger/<UTC day>.jsonl); the block row keeps its key, its range and where its bytes are.
-- Why: H2 stored each block as a LOB at 2.5 us of CPU and 2 bytes of file per byte (README "How it is kept"); an
-- append is a copy into the page cache. Blocks written before keep their LOB and are read as they were.
ALTER TABLE usage_ledger_block ALTER COLUMN records DROP NOT NULL;
ALTER TABLE usage_ledger_block ADD COLUMN file_name VARCHAR(16);
ALTER TABLE usage_ledger_block ADD COLUMN file_offset BIGINT;
ALTER TABLE usage_ledger_block ADD COLUMN byte_count BIGINT;
