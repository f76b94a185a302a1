-- 002: the sync engine's bookkeeping: where each source got to, what it rejected, how its runs went.

CREATE TABLE sync_cursors (
  source      TEXT PRIMARY KEY,
  cursor      TEXT,
  updated_ms  INTEGER NOT NULL
);

CREATE TABLE sync_rejects (
  id           INTEGER PRIMARY KEY,
  source       TEXT    NOT NULL,
  rejected_ms  INTEGER NOT NULL,
  raw          TEXT,
  reason       TEXT    NOT NULL
);
CREATE INDEX sync_rejects_by_source ON sync_rejects (source, id);
-- A row rejected again on the next pass is not stored twice.
CREATE INDEX sync_rejects_by_reason ON sync_rejects (source, reason);

CREATE TABLE sync_runs (
  id           INTEGER PRIMARY KEY,
  source       TEXT    NOT NULL,
  started_ms   INTEGER NOT NULL,
  finished_ms  INTEGER NOT NULL,
  outcome      TEXT    NOT NULL,
  read         INTEGER NOT NULL,
  inserted     INTEGER NOT NULL,
  updated      INTEGER NOT NULL,
  unchanged    INTEGER NOT NULL,
  rejected     INTEGER NOT NULL,
  message      TEXT
);
CREATE INDEX sync_runs_by_source ON sync_runs (source, id);
