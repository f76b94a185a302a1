-- 013 (PostgreSQL twin of db/sqlite/013.sql): rows in, honestly counted. A row rejected because its customer was not in the store yet keeps the
-- record it would have been (pending: its table and values; customer_key: the customer it waits for), so the
-- source's next sync lands it once that customer has arrived, and the reject is then marked resolved. A
-- run counts the duplicates it read (an id seen earlier in the same pass) and the earlier rejects that landed.
ALTER TABLE sync_rejects ADD COLUMN pending TEXT;
ALTER TABLE sync_rejects ADD COLUMN customer_key TEXT;
ALTER TABLE sync_rejects ADD COLUMN resolved_ms BIGINT;
CREATE INDEX sync_rejects_pending ON sync_rejects (source, resolved_ms, id);
ALTER TABLE sync_runs ADD COLUMN duplicates BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN landed BIGINT NOT NULL DEFAULT 0;
