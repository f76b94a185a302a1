-- 012 (PostgreSQL twin of db/sqlite/012.sql): closed months. A month's figures are kept as they were published; a later change to one of them is
-- a restatement, recorded with what reached the store in between, never a silent move.
CREATE TABLE published_months (
  month         TEXT    PRIMARY KEY,       -- 'YYYY-MM'
  published_at  BIGINT  NOT NULL,          -- epoch ms
  data_version  BIGINT  NOT NULL
);

CREATE TABLE published_figures (
  month         TEXT    NOT NULL,
  kpi           TEXT    NOT NULL,
  value         DOUBLE PRECISION,
  answer        TEXT    NOT NULL,          -- the KPI's answer as JSON, as kpi:compute --format json prints it
  PRIMARY KEY (month, kpi)
);

CREATE TABLE restatements (
  id            BIGSERIAL PRIMARY KEY,
  month         TEXT    NOT NULL,
  kpi           TEXT    NOT NULL,
  published     DOUBLE PRECISION,
  published_at  BIGINT  NOT NULL,
  restated      DOUBLE PRECISION,
  detected_at   BIGINT  NOT NULL,
  cause         TEXT
);
CREATE INDEX restatements_by_month ON restatements (month, kpi, detected_at);
