-- The Release entity keeps only the latest release in memory; the history lives here. A rollback
-- reads its target's build from this row, and the deploy resumer finds releases whose rollout has
-- no outcome yet (state 'pending') after a crash.
ALTER TABLE releases ADD COLUMN build TEXT;
ALTER TABLE releases ADD COLUMN state VARCHAR(16);
CREATE INDEX releases_pending_idx ON releases (created) WHERE state = 'pending';
