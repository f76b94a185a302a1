-- PostgreSQL twin of db/sqlite/002.sql: the same tables, columns and indexes; ids are BIGSERIAL
-- and every integer BIGINT (epoch seconds and cents outgrow 32 bits).
-- 002: the sync engine's bookkeeping: where each source got to, what it rejected, how its runs went.

CREATE TABLE sync_cursors (
  source      TEXT PRIMARY KEY,
  cursor      TEXT,
  updated_ms  BIGINT  NOT NULL
);

CREATE TABLE sync_rejects (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT    NOT NULL,
  rejected_ms  BIGINT  NOT NULL,
  raw          TEXT,
  reason       TEXT    NOT NULL
);
CREATE INDEX sync_rejects_by_source ON sync_rejects (source, id);
-- A row rejected again on the next pass is not stored twice.
CREATE INDEX sync_rejects_by_reason ON sync_rejects (source, reason);

CREATE TABLE sync_runs (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT    NOT NULL,
  started_ms   BIGINT  NOT NULL,
  finished_ms  BIGINT  NOT NULL,
  outcome      TEXT    NOT NULL,
  read         BIGINT  NOT NULL,
  inserted     BIGINT  NOT NULL,
  updated      BIGINT  NOT NULL,
  unchanged    BIGINT  NOT NULL,
  rejected     BIGINT  NOT NULL,
  message      TEXT
);
CREATE INDEX sync_runs_by_source ON sync_runs (source, id);
