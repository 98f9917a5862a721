-- The audit log (README "Audit log"): every admin change and every route or Kamelet file loaded, reloaded
-- or rejected, oldest first. Runs unchanged on PostgreSQL and on H2 in its PostgreSQL mode: instants as
-- epoch milliseconds (BIGINT), digests and macs as lowercase hex.

-- Rows are only ever inserted. Each row's mac is the HMAC-SHA-256 (GATEWAY_AUDIT_KEY) of its fields and the
-- mac of the row before it, so an edited, removed or reordered row breaks the chain at that row.
CREATE TABLE audit_log (
    seq    BIGINT        NOT NULL PRIMARY KEY,
    at_ms  BIGINT        NOT NULL,
    actor  VARCHAR(255)  NOT NULL,
    action VARCHAR(64)   NOT NULL,
    object VARCHAR(1024) NOT NULL,
    digest VARCHAR(64),
    mac    VARCHAR(64)   NOT NULL
);

-- One row: the last record's seq and mac. Every append locks it first (SELECT ... FOR UPDATE), so the
-- instances sharing a database append one after another to one chain; verifying compares it with the last
-- record, so records removed from the end show.
CREATE TABLE audit_head (
    id  INTEGER     NOT NULL PRIMARY KEY,
    seq BIGINT      NOT NULL,
    mac VARCHAR(64) NOT NULL
);

INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
