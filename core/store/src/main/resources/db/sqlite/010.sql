-- 010: a reject is found again by its row, not only by its reason. A page checks each reject against
-- those already kept (the same row rejected on the next pass is kept once); with the (source, reason)
-- index that check read every earlier reject with the same reason, so a source whose every row fails
-- the same way slowed quadratically (90,000 rows of a file with no customer column: 270 s and growing).
-- The row's first 200 characters (its id, as a rule) narrow it to a probe; the full text is still compared.
DROP INDEX IF EXISTS sync_rejects_by_reason;
CREATE INDEX sync_rejects_by_row ON sync_rejects (source, reason, substr(coalesce(raw, ''), 1, 200));
