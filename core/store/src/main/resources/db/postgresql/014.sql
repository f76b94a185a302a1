-- 014 (PostgreSQL twin of db/sqlite/014.sql): what the mappings could not say. A run counts the rows its mapping left out by its own rule (a row
-- filter, a usage row that counts no use); a usage row may stand for several events (event_count); a
-- ticket keeps the attributes a helpdesk adds (category, product area, escalation); and a cancellation
-- keeps its reason and what the customer said, so the revenue lost can be told by reason.
ALTER TABLE sync_runs ADD COLUMN skipped BIGINT NOT NULL DEFAULT 0;
ALTER TABLE usage_events ADD COLUMN event_count BIGINT NOT NULL DEFAULT 1;

CREATE TABLE ticket_attributes (
  ticket_id  BIGINT  NOT NULL,
  name       TEXT    NOT NULL,
  value      TEXT,
  PRIMARY KEY (ticket_id, name)
);
CREATE INDEX ticket_attributes_by_value ON ticket_attributes (name, value, ticket_id);

CREATE TABLE cancellations (
  id            BIGSERIAL PRIMARY KEY,
  source        TEXT    NOT NULL,
  external_id   TEXT    NOT NULL,
  customer_id   BIGINT  NOT NULL,
  subscription  TEXT,                     -- the cancelled subscription's id at the same source
  canceled_at   BIGINT  NOT NULL,
  reason        TEXT,
  feedback      TEXT,
  UNIQUE (source, external_id)
);
CREATE INDEX cancellations_by_customer ON cancellations (customer_id, canceled_at);
