-- 010 (PostgreSQL twin of db/sqlite/010.sql): a reject is found again by its row, not only by its
-- reason, so a source whose every row fails the same way does not slow quadratically.
DROP INDEX IF EXISTS sync_rejects_by_reason;
CREATE INDEX sync_rejects_by_row ON sync_rejects (source, reason, substr(coalesce(raw, ''), 1, 200));
