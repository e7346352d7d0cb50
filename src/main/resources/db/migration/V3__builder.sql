-- Cluster-wide secrets generated once and shared by every node, e.g. the builder's SSH host key
-- (one known_hosts line works for every builder node).
CREATE TABLE platform_keys (
  name       VARCHAR(64) PRIMARY KEY,
  algorithm  VARCHAR(32) NOT NULL,
  private_key BYTEA NOT NULL,
  public_key  BYTEA NOT NULL,
  created    TIMESTAMPTZ NOT NULL DEFAULT now()
);
