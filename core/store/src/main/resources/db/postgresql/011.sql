-- 011 (PostgreSQL twin of db/sqlite/011.sql): a subscription's history is kept, not overwritten. Every state a source reports is kept in
-- subscription_changes, from the moment it began (the source's own moment, or when a sync saw it); the
-- spans in subscriptions, which KPIs read, are that log laid out in time: one span per run of equal
-- revenue (plan, quantity, amount, MRR), each ending where the next begins or where the subscription
-- ended. A change ends the span in force at its moment and starts another, so figures for instants
-- before it stay as they were; states may arrive in any order and more than once.
-- subscription_key is the subscription's id at its source, shared by its spans (the first span keeps
-- that id as its external_id, later ones '<id>@<epoch second they start>'); changed_by says whether a
-- span began at the source's own moment ('source') or when a sync saw the change ('sync').
ALTER TABLE subscriptions ADD COLUMN subscription_key TEXT;
ALTER TABLE subscriptions ADD COLUMN changed_by TEXT;
UPDATE subscriptions SET subscription_key = external_id;
CREATE INDEX subscriptions_by_key ON subscriptions (source, subscription_key, started_at);

CREATE TABLE subscription_changes (
  source            TEXT    NOT NULL,
  subscription_key  TEXT    NOT NULL,
  at                BIGINT  NOT NULL,
  customer_id       BIGINT  NOT NULL,
  plan              TEXT,
  status            TEXT,
  billing_interval  TEXT    NOT NULL,
  interval_count    INTEGER NOT NULL,
  quantity          INTEGER NOT NULL,
  amount_cents      BIGINT  NOT NULL,
  currency          TEXT    NOT NULL,
  mrr_cents         BIGINT  NOT NULL,
  ended_at          BIGINT,
  changed_by        TEXT,
  received_ms       BIGINT  NOT NULL,
  PRIMARY KEY (source, subscription_key, at)
);

-- A customer deleted at its source is marked from the moment it went: its past stays, its
-- subscriptions end there.
ALTER TABLE customers ADD COLUMN deleted_at BIGINT;
