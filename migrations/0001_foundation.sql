-- Foundation of a node: identity, agencies, keys, sessions, applications and their history.
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

CREATE TABLE agencies (
  code        text PRIMARY KEY,
  state       char(2) NOT NULL,
  name        jsonb NOT NULL,
  member      text NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE persons (
  id           uuid PRIMARY KEY,
  state        char(2) NOT NULL,
  national_id  text NOT NULL,
  given_name   text NOT NULL,
  family_name  text NOT NULL,
  patronymic   text,
  birth_date   date,
  sex          text CHECK (sex IN ('male', 'female')),
  language     text NOT NULL,
  phone        text,
  email        text,
  created_at   timestamptz NOT NULL,
  CONSTRAINT persons_national_id_key UNIQUE (state, national_id)
);

CREATE TABLE organizations (
  id           uuid PRIMARY KEY,
  state        char(2) NOT NULL,
  business_id  text NOT NULL,
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('legal_entity', 'individual_entrepreneur', 'government')),
  head_person_id uuid REFERENCES persons (id),
  created_at   timestamptz NOT NULL,
  CONSTRAINT organizations_business_id_key UNIQUE (state, business_id)
);

-- One person may hold several accounts: as a citizen, as an officer of an agency, as an operator.
CREATE TABLE accounts (
  id           uuid PRIMARY KEY,
  person_id    uuid NOT NULL REFERENCES persons (id),
  role         text NOT NULL CHECK (role IN ('citizen', 'officer', 'operator')),
  agency_code  text REFERENCES agencies (code),
  permissions  text[] NOT NULL DEFAULT '{}',
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL,
  CONSTRAINT accounts_officer_agency CHECK ((role = 'officer') = (agency_code IS NOT NULL)),
  CONSTRAINT accounts_person_role_key UNIQUE (person_id, role)
);
CREATE INDEX accounts_agency_idx ON accounts (agency_code) WHERE agency_code IS NOT NULL;

-- The node's own keys (its CA; later agencies' signing keys). Production nodes keep private keys in an HSM;
-- a demo or test node keeps them here so that one database is the whole state of the node.
CREATE TABLE pki_keys (
  name             text PRIMARY KEY,
  private_jwk      jsonb NOT NULL,
  certificate_pem  text NOT NULL,
  created_at       timestamptz NOT NULL
);

-- Certificates the node's CA issued to persons for signing in and signing applications.
CREATE TABLE person_certificates (
  serial       text PRIMARY KEY,
  person_id    uuid NOT NULL REFERENCES persons (id),
  thumbprint   text NOT NULL UNIQUE,
  not_before   timestamptz NOT NULL,
  not_after    timestamptz NOT NULL,
  revoked_at   timestamptz,
  pem          text NOT NULL
);
CREATE INDEX person_certificates_person_idx ON person_certificates (person_id);

-- Demo mode only: the key files of seeded personas, handed out the way a user picks a key file.
CREATE TABLE demo_key_files (
  person_id  uuid PRIMARY KEY REFERENCES persons (id),
  jwk        jsonb NOT NULL
);

CREATE TABLE auth_challenges (
  id          uuid PRIMARY KEY,
  nonce       text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);

-- Only a hash of each token is stored: a leaked table does not leak sessions.
CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts (id),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

CREATE SEQUENCE application_number_seq;

CREATE TABLE applications (
  id                   uuid PRIMARY KEY,
  number               text NOT NULL UNIQUE,
  service_code         text NOT NULL,
  service_version      integer NOT NULL,
  state                char(2) NOT NULL,
  agency_code          text NOT NULL REFERENCES agencies (code),
  applicant_person_id  uuid NOT NULL REFERENCES persons (id),
  applicant_account_id uuid NOT NULL REFERENCES accounts (id),
  status               text NOT NULL,
  data                 jsonb NOT NULL,
  signature            text NOT NULL,
  language             text NOT NULL,
  submitted_at         timestamptz NOT NULL,
  deadline             date NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX applications_applicant_idx ON applications (applicant_person_id, submitted_at DESC, id DESC);
CREATE INDEX applications_agency_deadline_idx ON applications (agency_code, status, deadline);

-- The append-only history of an application: every action with its actor, time and idempotency key.
CREATE TABLE application_actions (
  application_id   uuid NOT NULL REFERENCES applications (id),
  seq              integer NOT NULL,
  type             text NOT NULL,
  status_after     text NOT NULL,
  actor_account_id uuid NOT NULL REFERENCES accounts (id),
  actor_role       text NOT NULL,
  at               timestamptz NOT NULL,
  idempotency_key  text,
  payload          jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (application_id, seq)
);

-- First answer to each (account, Idempotency-Key): a repeat gets this answer back and writes nothing.
CREATE TABLE idempotency_keys (
  account_id    uuid NOT NULL REFERENCES accounts (id),
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer NOT NULL,
  response      jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (account_id, key)
);

-- Who did what to whose data; the hash chain over it comes with the audit module.
CREATE TABLE audit_events (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at                timestamptz NOT NULL,
  actor_account_id  uuid,
  action            text NOT NULL,
  subject_type      text NOT NULL,
  subject_id        text NOT NULL,
  person_id         uuid,
  details           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_person_idx ON audit_events (person_id, at) WHERE person_id IS NOT NULL;
