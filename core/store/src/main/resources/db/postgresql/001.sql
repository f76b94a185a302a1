-- PostgreSQL twin of db/sqlite/001.sql: the same tables, columns and indexes; ids are BIGSERIAL
-- and every integer BIGINT (epoch seconds and cents outgrow 32 bits).
-- 001: the canonical customer-success model.
-- Times are epoch seconds (UTC); money is integer cents of the store's one currency.
-- Every sourced record is unique on (source, external_id) so a sync lands by upsert.

CREATE TABLE customers (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT    NOT NULL,
  external_id  TEXT    NOT NULL,
  name         TEXT,
  email        TEXT,
  signup_at    BIGINT  NOT NULL,
  cohort       TEXT    NOT NULL,          -- signup month, 'YYYY-MM'
  plan         TEXT,
  region       TEXT,
  csm_owner    TEXT,
  industry     TEXT,
  UNIQUE (source, external_id)
);

CREATE TABLE customer_attributes (
  customer_id  BIGINT  NOT NULL,
  name         TEXT    NOT NULL,
  value        TEXT,
  PRIMARY KEY (customer_id, name)
);
CREATE INDEX customer_attributes_by_value ON customer_attributes (name, value, customer_id);

-- A span of constant recurring revenue, [started_at, ended_at).
CREATE TABLE subscriptions (
  id                BIGSERIAL PRIMARY KEY,
  source            TEXT    NOT NULL,
  external_id       TEXT    NOT NULL,
  customer_id       BIGINT  NOT NULL,
  plan              TEXT,
  status            TEXT,
  billing_interval  TEXT    NOT NULL,
  interval_count    BIGINT  NOT NULL,
  quantity          BIGINT  NOT NULL,
  amount_cents      BIGINT  NOT NULL,
  currency          TEXT    NOT NULL,
  mrr_cents         BIGINT  NOT NULL,
  started_at        BIGINT  NOT NULL,
  ended_at          BIGINT ,
  UNIQUE (source, external_id)
);
CREATE INDEX subscriptions_by_customer ON subscriptions (customer_id);

CREATE TABLE invoices (
  id               BIGSERIAL PRIMARY KEY,
  source           TEXT    NOT NULL,
  external_id      TEXT    NOT NULL,
  customer_id      BIGINT  NOT NULL,
  subscription_id  BIGINT ,
  issued_at        BIGINT  NOT NULL,
  due_at           BIGINT ,
  paid_at          BIGINT ,
  amount_cents     BIGINT  NOT NULL,
  tax_cents        BIGINT  NOT NULL DEFAULT 0,
  currency         TEXT    NOT NULL,
  status           TEXT    NOT NULL,
  kind             TEXT    NOT NULL,
  UNIQUE (source, external_id)
);
CREATE INDEX invoices_by_issue ON invoices (issued_at);

CREATE TABLE survey_responses (
  id                BIGSERIAL PRIMARY KEY,
  source            TEXT    NOT NULL,
  external_id       TEXT    NOT NULL,
  customer_id       BIGINT ,               -- NULL: respondent not matched to a customer
  respondent_email  TEXT,
  survey_type       TEXT    NOT NULL,      -- nps, csat, ces
  score             BIGINT  NOT NULL,
  scale_min         BIGINT  NOT NULL,
  scale_max         BIGINT  NOT NULL,
  answered_at       BIGINT  NOT NULL,
  comment           TEXT,
  UNIQUE (source, external_id)
);
-- Covering index: a period's NPS/CSAT/CES reads this index only.
CREATE INDEX survey_responses_by_period ON survey_responses (survey_type, answered_at, score, scale_min, scale_max, customer_id);

CREATE TABLE tickets (
  id                 BIGSERIAL PRIMARY KEY,
  source             TEXT    NOT NULL,
  external_id        TEXT    NOT NULL,
  customer_id        BIGINT ,
  priority           TEXT,
  channel            TEXT,
  status             TEXT,
  created_at         BIGINT  NOT NULL,
  first_response_at  BIGINT ,
  resolved_at        BIGINT ,
  reopens            BIGINT  NOT NULL DEFAULT 0,
  agent_replies      BIGINT  NOT NULL DEFAULT 0,
  UNIQUE (source, external_id)
);
CREATE INDEX tickets_by_creation ON tickets (created_at);

CREATE TABLE users (
  source       TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  customer_id  BIGINT  NOT NULL,
  created_at   BIGINT  NOT NULL,
  PRIMARY KEY (source, user_id)
);

CREATE TABLE usage_events (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT    NOT NULL,
  external_id  TEXT,
  customer_id  BIGINT  NOT NULL,
  user_id      TEXT    NOT NULL,
  event        TEXT    NOT NULL,
  occurred_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX usage_events_by_external_id ON usage_events (source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX usage_events_by_time ON usage_events (occurred_at, user_id, customer_id, event);

CREATE TABLE deals (
  id            BIGSERIAL PRIMARY KEY,
  source        TEXT    NOT NULL,
  external_id   TEXT    NOT NULL,
  customer_id   BIGINT ,
  kind          TEXT    NOT NULL,          -- new_business, upsell, cross_sell, renewal
  stage         TEXT    NOT NULL,          -- open, won, lost
  amount_cents  BIGINT  NOT NULL,
  currency      TEXT,
  product       TEXT,
  created_at    BIGINT  NOT NULL,
  closed_at     BIGINT ,
  UNIQUE (source, external_id)
);

CREATE TABLE advocacy_events (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT    NOT NULL,
  external_id  TEXT    NOT NULL,
  customer_id  BIGINT  NOT NULL,
  kind         TEXT    NOT NULL,           -- referral, testimonial, review, case_study
  occurred_at  BIGINT  NOT NULL,
  UNIQUE (source, external_id)
);

CREATE TABLE onboarding_milestones (
  id           BIGSERIAL PRIMARY KEY,
  source       TEXT    NOT NULL,
  external_id  TEXT    NOT NULL,
  customer_id  BIGINT  NOT NULL,
  milestone    TEXT    NOT NULL,           -- started, completed, or a named step
  occurred_at  BIGINT  NOT NULL,
  UNIQUE (source, external_id)
);

CREATE TABLE costs (
  id            BIGSERIAL PRIMARY KEY,
  source        TEXT    NOT NULL,
  external_id   TEXT    NOT NULL,
  customer_id   BIGINT ,                   -- NULL: shared by all customers
  category      TEXT    NOT NULL,          -- support, success, infrastructure, churn
  amount_cents  BIGINT  NOT NULL,
  incurred_at   BIGINT  NOT NULL,
  UNIQUE (source, external_id)
);

CREATE TABLE store_metadata (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);
