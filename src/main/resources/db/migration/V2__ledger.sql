-- The usage ledger (README "Accounting and the ledger"): one row per model call as the client met it.
-- Runs unchanged on PostgreSQL and on H2 in its PostgreSQL mode. The key is the request's arrival time and
-- id, both written unchanged when a journaled record is replayed: the ledger inserts with ON CONFLICT DO
-- NOTHING, so a batch written again after a crash or an outage adds nothing. Leading with the time, the key
-- serves every query's time range and takes new rows at its end, where a key on the id alone would be
-- written all over (a cost that grows with the table).
-- Instants are epoch milliseconds, durations microseconds, money USD as an exact decimal. Columns of
-- features still to come (cache, guardrails) stay NULL until those write them.
CREATE TABLE usage_ledger (
    request_id         VARCHAR(64)     NOT NULL,
    time_ms            BIGINT          NOT NULL,
    trace_id           VARCHAR(32),
    tenant             VARCHAR(255),
    team               VARCHAR(255),
    key_id             VARCHAR(255),
    user_id            VARCHAR(255),
    session_id         VARCHAR(255),
    task_id            VARCHAR(255),
    endpoint           VARCHAR(64)     NOT NULL,
    route              VARCHAR(255),
    provider           VARCHAR(255),
    model              VARCHAR(512),
    requested_model    VARCHAR(512),
    attempts           INTEGER         NOT NULL,
    status             INTEGER         NOT NULL,
    error_type         VARCHAR(255),
    stream             BOOLEAN         NOT NULL,
    input_tokens       BIGINT          NOT NULL,
    output_tokens      BIGINT          NOT NULL,
    cache_read_tokens  BIGINT          NOT NULL,
    cache_write_tokens BIGINT          NOT NULL,
    reasoning_tokens   BIGINT          NOT NULL,
    usage_estimated    BOOLEAN         NOT NULL,
    cost_usd           NUMERIC(24, 12),
    latency_us         BIGINT          NOT NULL,
    ttfc_us            BIGINT,
    overhead_us        BIGINT          NOT NULL,
    cache_outcome      VARCHAR(32),
    guardrail_outcome  VARCHAR(255),
    cost_saved_usd     NUMERIC(24, 12),
    PRIMARY KEY (time_ms, request_id)
);

-- Every query names a time range; a virtual key reads only its own rows.
CREATE INDEX usage_ledger_key_time ON usage_ledger (key_id, time_ms);
