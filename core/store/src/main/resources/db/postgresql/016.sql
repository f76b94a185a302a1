-- 016: a deal's earlier states. When a sync sees a deal's kind, stage, amount or close date change, the
-- state it replaces is kept here, valid until that moment, so a KPI of a period that ended before reads
-- the deal as it stood then (an upsell won in November for 10,000 and raised to 12,000 in December stays
-- 10,000 in November's expansion revenue).
CREATE TABLE deal_history (
  deal_id       BIGINT  NOT NULL,
  valid_until   BIGINT  NOT NULL,
  kind          TEXT    NOT NULL,
  stage         TEXT    NOT NULL,
  amount_cents  BIGINT  NOT NULL,
  closed_at     BIGINT,
  PRIMARY KEY (deal_id, valid_until)
);
