-- 003: alerts. An alert a rule raised, its delivery on each channel, and what each rule last knew
-- about each thing it watches (subject '' is the KPI itself, otherwise a customer id), so that a
-- restart neither forgets an alert nor raises it again.

CREATE TABLE alerts (
  id           INTEGER PRIMARY KEY,
  rule         TEXT    NOT NULL,
  kpi          TEXT    NOT NULL,
  segment      TEXT    NOT NULL,
  customer_id  TEXT,
  from_status  TEXT,
  to_status    TEXT,
  value        REAL,
  target       REAL,
  message      TEXT    NOT NULL,
  raised_ms    INTEGER NOT NULL,
  acked_ms     INTEGER
);
CREATE INDEX alerts_open ON alerts (acked_ms, id);

CREATE TABLE alert_deliveries (
  alert_id     INTEGER NOT NULL REFERENCES alerts (id),
  channel      TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  attempts     INTEGER NOT NULL,
  last_error   TEXT,
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (alert_id, channel)
);
CREATE INDEX alert_deliveries_by_state ON alert_deliveries (state, alert_id);

CREATE TABLE alert_states (
  rule         TEXT    NOT NULL,
  subject      TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (rule, subject)
);
