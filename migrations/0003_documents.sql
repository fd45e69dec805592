-- Result e-documents: the PDF as issued, its hash and the agency's signature over it, and its revocation.
CREATE TABLE documents (
  id                 uuid PRIMARY KEY,
  application_id     uuid NOT NULL UNIQUE REFERENCES applications (id),
  agency_code        text NOT NULL REFERENCES agencies (code),
  holder_person_id   uuid NOT NULL REFERENCES persons (id),
  kind               text NOT NULL,
  title              jsonb NOT NULL,
  language           text NOT NULL,
  issued_at          timestamptz NOT NULL,
  valid_until        date,
  sha256             text NOT NULL UNIQUE,
  signature          text NOT NULL,
  pdf                bytea NOT NULL,
  revoked_at         timestamptz,
  revoked_by         uuid REFERENCES accounts (id),
  revocation_reason  text
);
CREATE INDEX documents_holder_idx ON documents (holder_person_id, issued_at DESC);
