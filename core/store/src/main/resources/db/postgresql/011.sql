-- 011 (PostgreSQL twin of db/sqlite/011.sql): a subscription's history is kept, not overwritten. A subscription is a sequence of spans of one
-- state each (plan, quantity, amount, MRR); a change seen at a source ends the span in force at the
-- moment of the change and starts another, so figures for instants before it stay as they were.
-- subscription_key is the subscription's id at its source, shared by its spans (the first span keeps
-- that id as its external_id, later ones '<id>@<epoch second they start>'); changed_by says whether a
-- span began at the source's own moment ('source') or when a sync saw the change ('sync').
ALTER TABLE subscriptions ADD COLUMN subscription_key TEXT;
ALTER TABLE subscriptions ADD COLUMN changed_by TEXT;
UPDATE subscriptions SET subscription_key = external_id;
CREATE INDEX subscriptions_by_key ON subscriptions (source, subscription_key, started_at);
