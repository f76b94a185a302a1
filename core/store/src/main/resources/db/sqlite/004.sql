-- 004: onboarding completion looks up each starter's completion; without this it scans every milestone per starter.
CREATE INDEX onboarding_milestones_by_customer ON onboarding_milestones (customer_id, milestone, occurred_at);
