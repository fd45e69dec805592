-- Node processes keep the sessions and signing certificates they have read in memory (a signed-in request then costs
-- no query for them); any change to those rows, or to the accounts and persons behind them, by the node or by hand,
-- is announced on the channel ortak_identity when it commits, and every process drops what it kept of them.
-- Payload: '<kind>:<key>,<key>…' with kind session (token hash), account (id), person (id) or certificate
-- (thumbprint); '<kind>:*' when a statement changed more than 100 rows, or emptied the table.
CREATE FUNCTION notify_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys text[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('ortak_identity', TG_ARGV[0] || ':*');
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT array_agg(DISTINCT %I::text) FROM old_rows', TG_ARGV[1]) INTO keys;
  IF keys IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('ortak_identity', TG_ARGV[0] || ':' || CASE WHEN cardinality(keys) > 100 THEN '*' ELSE array_to_string(keys, ',') END);
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_updated AFTER UPDATE ON sessions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('session', 'token_hash');
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('session', 'token_hash');
CREATE TRIGGER sessions_truncated AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('session');

CREATE TRIGGER accounts_updated AFTER UPDATE ON accounts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('account', 'id');
CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('account', 'id');
CREATE TRIGGER accounts_truncated AFTER TRUNCATE ON accounts
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('account');

CREATE TRIGGER persons_updated AFTER UPDATE ON persons REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('person', 'id');
CREATE TRIGGER persons_deleted AFTER DELETE ON persons REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('person', 'id');
CREATE TRIGGER persons_truncated AFTER TRUNCATE ON persons
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('person');

CREATE TRIGGER person_certificates_updated AFTER UPDATE ON person_certificates REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('certificate', 'thumbprint');
CREATE TRIGGER person_certificates_deleted AFTER DELETE ON person_certificates REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('certificate', 'thumbprint');
CREATE TRIGGER person_certificates_truncated AFTER TRUNCATE ON person_certificates
  FOR EACH STATEMENT EXECUTE FUNCTION notify_identity_change('certificate');
