-- 008: survey answers and subscriptions by customer.
-- Survey answers by customer, newest last, with what KPIs read of them. "The latest NPS answer of
-- each customer" becomes one short backward read per customer instead of sorting a year of answers
-- (health score on 1 M customers: its NPS part 4.3 s -> 1.3 s). id follows answered_at so that ties on
-- the instant come out in the order KPIs break them (the last recorded).
CREATE INDEX survey_responses_by_customer ON survey_responses (survey_type, customer_id, answered_at, id, score, scale_min, scale_max);
-- Subscriptions by customer with their span and what KPIs read of them: every "paying at an instant"
-- and MRR-by-customer read streams out of it in customer order without a table row per span (on 1 M
-- customers: NPS of annual plans 1.40 s -> 0.76 s, cohort retention 1.02 s -> 0.80 s, the MRR, churn and
-- retention KPIs 15-35% faster). It leads with customer_id, so it serves whatever the old index did.
DROP INDEX IF EXISTS subscriptions_by_customer;
CREATE INDEX subscriptions_by_customer_span ON subscriptions (customer_id, started_at, ended_at, mrr_cents, billing_interval, plan, status);
