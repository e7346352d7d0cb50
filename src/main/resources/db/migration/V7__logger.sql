-- How far the platform event stream has been written into the apps' logs (the "platform-log"
-- feeder): platform_events.seq of the last event delivered. Lines are delivered at least once and
-- the logger drops what it already holds, so a crash between delivery and this update doubles nothing.
CREATE TABLE log_offsets (
  name VARCHAR(64) PRIMARY KEY,
  seq BIGINT NOT NULL
);

-- The secret with which an external syslog sender may write into an app's log
-- ([skiff@32473 token="d.<uuid>"]), one per app incarnation: a token of a destroyed app never
-- writes into a new app of the same name.
CREATE TABLE app_log_tokens (
  app_uuid UUID PRIMARY KEY,
  app      VARCHAR(64) NOT NULL,
  token    VARCHAR(64) NOT NULL UNIQUE,
  created  TIMESTAMPTZ NOT NULL
);

-- Where an app's lines are forwarded (Heroku's log drains); token: the drain's own id, sent as the
-- syslog HOSTNAME so the receiver can tell drains apart (not a secret).
CREATE TABLE log_drains (
  uuid     UUID PRIMARY KEY,
  app      VARCHAR(64) NOT NULL,
  app_uuid UUID NOT NULL,
  url      VARCHAR(2048) NOT NULL,
  token    VARCHAR(64) NOT NULL UNIQUE,
  created  TIMESTAMPTZ NOT NULL,
  UNIQUE (app_uuid, url)
);
CREATE INDEX log_drains_app_idx ON log_drains (app);

-- How far each logger node has forwarded its lines of an app to a drain (store seq, per node).
CREATE TABLE log_drain_offsets (
  drain UUID NOT NULL REFERENCES log_drains (uuid) ON DELETE CASCADE,
  node  VARCHAR(255) NOT NULL,
  seq   BIGINT NOT NULL,
  PRIMARY KEY (drain, node)
);
