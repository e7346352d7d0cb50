-- How far the platform event stream has been written into the apps' logs (the "platform-log"
-- feeder): platform_events.seq of the last event delivered. Lines are delivered at least once and
-- the logger drops what it already holds, so a crash between delivery and this update doubles nothing.
CREATE TABLE log_offsets (
  name VARCHAR(64) PRIMARY KEY,
  seq BIGINT NOT NULL
);
