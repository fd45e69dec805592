-- A session opened by signing with a certificate lasts no longer than that certificate: revoking it (by the node, by
-- hand, or by a revocation list read later) ends every session it opened, in the same statement. The sessions'
-- own change notices (0014) then drop them from every process.
ALTER TABLE sessions ADD COLUMN certificate_serial text REFERENCES person_certificates (serial);
CREATE INDEX sessions_certificate_idx ON sessions (certificate_serial) WHERE certificate_serial IS NOT NULL AND revoked_at IS NULL;

CREATE FUNCTION end_sessions_of_revoked_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sessions SET revoked_at = NEW.revoked_at WHERE certificate_serial = NEW.serial AND revoked_at IS NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER person_certificates_revoked AFTER UPDATE OF revoked_at ON person_certificates
  FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL)
  EXECUTE FUNCTION end_sessions_of_revoked_certificate();
