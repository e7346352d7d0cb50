-- Skiff's own tables. Users, tokens, SSH keys, certificates and domains are plain tables: they are
-- simple records whose uniqueness rules (username, public key, common name, domain) PostgreSQL
-- enforces transactionally. Apps, releases and builds live in event-sourced entities; the app_*,
-- release and build tables below are their read models, written by each entity before it replies.

CREATE TABLE users (
  username      VARCHAR(30) PRIMARY KEY,
  password_hash TEXT NOT NULL,
  email         TEXT NOT NULL DEFAULT '',
  first_name    TEXT NOT NULL DEFAULT '',
  last_name     TEXT NOT NULL DEFAULT '',
  is_superuser  BOOLEAN NOT NULL DEFAULT FALSE,
  is_active     BOOLEAN NOT NULL DEFAULT TRUE,
  last_login    TIMESTAMPTZ,
  date_joined   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Only a SHA-256 digest of each token is stored: a leaked table yields no usable token. Each
-- login issues a token of its own; regenerating replaces all of a user's tokens with one.
CREATE TABLE tokens (
  token_digest BYTEA PRIMARY KEY,
  username     VARCHAR(30) NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  created      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX tokens_username_idx ON tokens (username);

CREATE TABLE ssh_keys (
  uuid        UUID PRIMARY KEY,
  owner       VARCHAR(30) NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  id          VARCHAR(128) NOT NULL,
  public      TEXT NOT NULL UNIQUE,
  fingerprint VARCHAR(64) NOT NULL,
  created     TIMESTAMPTZ NOT NULL,
  updated     TIMESTAMPTZ NOT NULL,
  UNIQUE (owner, fingerprint),
  UNIQUE (owner, id)
);
CREATE INDEX ssh_keys_fingerprint_idx ON ssh_keys (fingerprint);

CREATE TABLE certificates (
  id          BIGSERIAL PRIMARY KEY,
  owner       VARCHAR(30) NOT NULL REFERENCES users (username) ON DELETE CASCADE,
  common_name VARCHAR(256) NOT NULL UNIQUE,
  certificate TEXT NOT NULL,
  key         TEXT NOT NULL,
  expires     TIMESTAMPTZ NOT NULL,
  created     TIMESTAMPTZ NOT NULL,
  updated     TIMESTAMPTZ NOT NULL
);

-- Read model of the App entities. A destroyed app keeps its row (destroyed = true) so that a late,
-- older write can never resurrect it: every write is guarded by the entity's sequence number.
CREATE TABLE apps (
  id        VARCHAR(64) PRIMARY KEY,
  uuid      UUID NOT NULL,
  owner     VARCHAR(30) NOT NULL,
  structure TEXT NOT NULL DEFAULT '{}',
  created   TIMESTAMPTZ NOT NULL,
  updated   TIMESTAMPTZ NOT NULL,
  destroyed BOOLEAN NOT NULL DEFAULT FALSE,
  seq_nr    BIGINT NOT NULL
);
CREATE INDEX apps_owner_idx ON apps (owner) WHERE NOT destroyed;

CREATE TABLE app_perms (
  app      VARCHAR(64) NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  username VARCHAR(30) NOT NULL,
  PRIMARY KEY (app, username)
);
CREATE INDEX app_perms_username_idx ON app_perms (username);

-- The domain table is the authority for "which app serves this host name".
CREATE TABLE domains (
  domain  VARCHAR(255) PRIMARY KEY,
  app     VARCHAR(64) NOT NULL,
  owner   VARCHAR(30) NOT NULL,
  created TIMESTAMPTZ NOT NULL,
  updated TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX domains_lower_idx ON domains (lower(domain));
CREATE INDEX domains_app_idx ON domains (app);

-- Read model of the Release entities (one release line per app incarnation, keyed by app uuid).
CREATE TABLE releases (
  app_uuid   UUID NOT NULL,
  app        VARCHAR(64) NOT NULL,
  version    INTEGER NOT NULL,
  uuid       UUID NOT NULL,
  owner      VARCHAR(30) NOT NULL,
  summary    TEXT NOT NULL,
  config     TEXT NOT NULL,
  build_uuid UUID,
  created    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (app_uuid, version)
);

-- Read model of the Build entities.
CREATE TABLE builds (
  uuid       UUID PRIMARY KEY,
  app_uuid   UUID NOT NULL,
  app        VARCHAR(64) NOT NULL,
  owner      VARCHAR(30) NOT NULL,
  image      VARCHAR(256) NOT NULL,
  sha        VARCHAR(40) NOT NULL DEFAULT '',
  procfile   TEXT NOT NULL DEFAULT '{}',
  dockerfile TEXT NOT NULL DEFAULT '',
  created    TIMESTAMPTZ NOT NULL,
  updated    TIMESTAMPTZ NOT NULL
);
CREATE INDEX builds_app_idx ON builds (app_uuid, created DESC);
