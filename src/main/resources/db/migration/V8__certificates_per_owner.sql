-- A certificate's common name is unique per owner, no longer platform-wide: whoever may manage an
-- app can upload a certificate for its domain even when someone else (who may not) holds one of
-- that name. Which certificate the router serves for a domain is decided by CertStore.servable().
ALTER TABLE certificates DROP CONSTRAINT certificates_common_name_key;
ALTER TABLE certificates ADD CONSTRAINT certificates_owner_common_name_key UNIQUE (owner, common_name);
CREATE INDEX certificates_lower_common_name_idx ON certificates (lower(common_name));
