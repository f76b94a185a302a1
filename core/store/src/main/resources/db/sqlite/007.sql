-- 007: covering indexes for the period scans that read a table row for every indexed entry
-- (measured on 1 M customers, BENCHMARKS.md).
-- Product users by customer: the users of the customers subscribed in a period stream out of it
-- without a temporary B-tree for their DISTINCT, and "is this active user one of them" is one seek
-- (adoption rate: 5.3 s -> 2.8 s).
CREATE INDEX users_by_customer ON users (customer_id, user_id, created_at);
-- Invoices of a period with what KPIs read of them (health score's payments: 3.8 s -> 0.5 s; CLV's
-- purchases 0.9 s -> 0.2 s). It leads with issued_at, so it serves whatever the old index did.
DROP INDEX IF EXISTS invoices_by_issue;
CREATE INDEX invoices_by_period ON invoices (issued_at, customer_id, status, kind, amount_cents, due_at);
-- Tickets created in a period with their first response (first-response time's values: 0.5 s -> 16 ms).
DROP INDEX IF EXISTS tickets_by_creation;
CREATE INDEX tickets_by_creation ON tickets (created_at, first_response_at, customer_id, priority);
