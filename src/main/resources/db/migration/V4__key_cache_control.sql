-- Whether a key's calls may steer the response cache (Cache-Control: no-cache / no-store, x-caravan-cache-ttl).
-- The admin may bar a key from it; every existing key keeps the default, allowed.
-- (V2 and V3 are the usage ledger's and the audit log's.)
ALTER TABLE virtual_keys ADD COLUMN cache_control BOOLEAN DEFAULT TRUE NOT NULL;
