-- 005: the data version, moved in the same transaction as every write of records, so answers kept
-- by any Vitals process on this database know when another one (a one-shot sync beside serve) wrote.
CREATE TABLE store_version (
  id       INTEGER PRIMARY KEY,
  version  BIGINT  NOT NULL
);
INSERT INTO store_version (id, version) VALUES (1, 0);
