-- For whom a person may act, as a certificate of their state says it: the organization its subject names (Kazakhstan's
-- BIN in OU) and, by the certificate's policies, as the organization's head or an employee with signing rights.
-- Recorded when they sign in with that certificate; the organizations' work (applications on a company's behalf) reads it.
CREATE TABLE organization_mandates (
  account_id uuid NOT NULL REFERENCES accounts (id),
  organization_state char(2) NOT NULL,
  organization_id text NOT NULL,
  capacity text CHECK (capacity IN ('head', 'employee')),
  certificate_serial text NOT NULL,
  certificate_issuer text NOT NULL,
  certificate_valid_until timestamptz NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, organization_state, organization_id)
);
