-- The data exchange: who may call which service, the gateways' message log, and who looked at a person's data.

-- Access rights belong to the provider: a client subsystem (or member) may call a service once granted.
CREATE TABLE access_rights (
  service_id   text NOT NULL,
  client_id    text NOT NULL,
  granted_at   timestamptz NOT NULL,
  granted_by   uuid REFERENCES accounts (id),
  PRIMARY KEY (service_id, client_id)
);

-- Every request and response through the gateway, on both sides, hash-chained like the audit log. Messages between
-- nodes keep the sending node's signature (the JWS signature value).
CREATE TABLE message_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at            timestamptz NOT NULL,
  side          text NOT NULL CHECK (side IN ('client', 'provider')),
  direction     text NOT NULL CHECK (direction IN ('request', 'response')),
  x_road_id     text NOT NULL,
  request_id    text NOT NULL,
  client_id     text NOT NULL,
  service_id    text NOT NULL,
  user_id       text,
  issue         text,
  method        text NOT NULL,
  path          text NOT NULL,
  status        integer,
  error_type    text,
  request_hash  text,
  signature     text,
  body_sha512   text,
  body          bytea,
  prev_hash     text,
  hash          text NOT NULL
);
CREATE INDEX message_log_request_idx ON message_log (request_id);

-- The data tracker: each query that names a person as user or subject, for that person to see.
CREATE TABLE data_access_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_state  char(2) NOT NULL,
  person_id     text NOT NULL,
  role          text NOT NULL CHECK (role IN ('user', 'subject')),
  at            timestamptz NOT NULL,
  client_id     text NOT NULL,
  service_id    text NOT NULL,
  user_id       text,
  issue         text,
  request_id    text NOT NULL
);
CREATE INDEX data_access_log_person_idx ON data_access_log (person_state, person_id, at DESC);

-- The criminal records register a node hosts (demo data: most people have none).
CREATE TABLE criminal_records (
  id            uuid PRIMARY KEY,
  person_id     uuid NOT NULL REFERENCES persons (id),
  article       text NOT NULL,
  court         text NOT NULL,
  sentenced_on  date NOT NULL,
  expunged_on   date
);
CREATE INDEX criminal_records_person_idx ON criminal_records (person_id);
