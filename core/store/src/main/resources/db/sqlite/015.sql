-- 015: tickets and deals deleted at their source (a Zendesk ticket deleted, a HubSpot deal archived, a
-- Salesforce opportunity in the recycle bin) are marked from the moment they went, not removed: a KPI
-- of a period that ended before still counts them, one of a later period does not.
ALTER TABLE tickets ADD COLUMN deleted_at BIGINT;
ALTER TABLE deals ADD COLUMN deleted_at BIGINT;
