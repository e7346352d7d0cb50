-- The platform event stream's first consumer: the admin audit log (GET /v1/admin/events).
-- Written only by the platform-events projection (akka-projection-jdbc, exactly-once: each row
-- commits in the same transaction as the projection's offset). seq is the order the stream
-- delivered the events in (the journal's global ordering) and the key of stable paging.
CREATE TABLE platform_events (
  seq              BIGSERIAL PRIMARY KEY,
  kind             VARCHAR(64) NOT NULL,
  app              VARCHAR(64),
  username         VARCHAR(64),
  version          INTEGER,
  detail           TEXT NOT NULL DEFAULT '{}',
  created          TIMESTAMPTZ NOT NULL,
  -- where the event was journaled: persistence id and sequence number (one row per event)
  source           VARCHAR(255) NOT NULL,
  source_seq       BIGINT NOT NULL,
  journal_ordering BIGINT NOT NULL,
  UNIQUE (source, source_seq)
);
CREATE INDEX platform_events_app_idx ON platform_events (app, seq);

-- akka-projection-jdbc 1.4.0 offset and management tables (PostgresDialect with
-- use-lowercase-schema = true, its default).
CREATE TABLE IF NOT EXISTS akka_projection_offset_store (
  projection_name VARCHAR(255) NOT NULL,
  projection_key  VARCHAR(255) NOT NULL,
  current_offset  VARCHAR(255) NOT NULL,
  manifest        VARCHAR(4) NOT NULL,
  mergeable       BOOLEAN NOT NULL,
  last_updated    BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
);
CREATE INDEX IF NOT EXISTS akka_projection_name_index ON akka_projection_offset_store (projection_name);

CREATE TABLE IF NOT EXISTS akka_projection_management (
  projection_name VARCHAR(255) NOT NULL,
  projection_key  VARCHAR(255) NOT NULL,
  paused          BOOLEAN NOT NULL,
  last_updated    BIGINT NOT NULL,
  PRIMARY KEY (projection_name, projection_key)
);
