-- Keys, tenants and settled spend. Runs unchanged on PostgreSQL and on H2 in its PostgreSQL mode:
-- only portable types, instants as epoch milliseconds (BIGINT), JSON as TEXT.

-- The tenant's provider accounts ({"openai":{"api_key":..,"base_url":..}}) are sealed with the gateway
-- secret (AES-GCM, the tenant id as associated data); NULL when it has none.
CREATE TABLE tenants (
    id            VARCHAR(255) NOT NULL PRIMARY KEY,
    rpm           BIGINT,
    tpm           BIGINT,
    max_parallel  INTEGER,
    user_rpm      BIGINT,
    user_tpm      BIGINT,
    budget_usd    NUMERIC(20, 9),
    budget_period VARCHAR(16)  NOT NULL,
    providers     TEXT,
    metadata      TEXT         NOT NULL,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL
);

-- A key's secret is never stored, only its HMAC digest; revoked keys stay (the ledger names them).
-- No foreign key to tenants: deleting a tenant revokes its keys, which keep their rows.
CREATE TABLE virtual_keys (
    id            VARCHAR(255) NOT NULL PRIMARY KEY,
    digest        VARCHAR(64)  NOT NULL UNIQUE,
    prefix        VARCHAR(32)  NOT NULL,
    name          VARCHAR(255),
    tenant_id     VARCHAR(255) NOT NULL,
    team          VARCHAR(255),
    user_id       VARCHAR(255),
    models        TEXT         NOT NULL,
    rpm           BIGINT,
    tpm           BIGINT,
    max_parallel  INTEGER,
    user_rpm      BIGINT,
    user_tpm      BIGINT,
    budget_usd    NUMERIC(20, 9),
    budget_period VARCHAR(16)  NOT NULL,
    expires_at    BIGINT,
    metadata      TEXT         NOT NULL,
    created_at    BIGINT       NOT NULL,
    updated_at    BIGINT       NOT NULL,
    revoked_at    BIGINT
);

CREATE INDEX virtual_keys_tenant_id ON virtual_keys (tenant_id);

-- Settled spend per budget account (key:<id>:<period start> and the like), in nano-dollars.
CREATE TABLE spend (
    account  VARCHAR(512) NOT NULL PRIMARY KEY,
    nano_usd BIGINT       NOT NULL
);

-- One row: grows with every write of keys or tenants; every instance polls it to reload what changed.
CREATE TABLE store_version (
    version BIGINT NOT NULL
);

INSERT INTO store_version (version) VALUES (0);
