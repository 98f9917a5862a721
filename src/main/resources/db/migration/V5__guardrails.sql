-- Guardrails of a key or a tenant (README "Guardrails"): every call with the key, or of the tenant's keys,
-- is also checked by them. The admin's JSON array as written ("pii:redact" texts or objects with settings);
-- NULL for none. Runs unchanged on PostgreSQL and on H2 in its PostgreSQL mode.
ALTER TABLE virtual_keys ADD COLUMN guardrails TEXT;
ALTER TABLE tenants ADD COLUMN guardrails TEXT;
