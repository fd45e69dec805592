-- The exchange's client interface serves only information systems registered on the node, as X-Road's Security
-- Server does: each client subsystem with its connection type, and for HTTPS its pinned TLS certificates.
--   HTTP           plain HTTP, from a loopback address or one of allowed_addresses only
--   HTTPS_NO_AUTH  TLS to the node's client interface, no client certificate asked
--   HTTPS          mutual TLS: the system presents one of its pinned certificates (the default outside demo mode)
CREATE TABLE exchange_clients (
  client_id         text PRIMARY KEY,
  connection_type   text NOT NULL CHECK (connection_type IN ('HTTP', 'HTTPS_NO_AUTH', 'HTTPS')),
  -- addresses or CIDR ranges the system may connect from (empty: any, except that HTTP needs loopback or a listed one)
  allowed_addresses text[] NOT NULL DEFAULT '{}',
  -- requests per minute through the client interface; NULL: the node's default
  rate_per_minute   integer CHECK (rate_per_minute > 0),
  registered_at     timestamptz NOT NULL,
  registered_by     uuid REFERENCES accounts (id)
);

CREATE TABLE exchange_client_certificates (
  client_id    text NOT NULL REFERENCES exchange_clients (client_id) ON DELETE CASCADE,
  -- SHA-256 of the DER certificate, lower-case hex
  fingerprint  text NOT NULL,
  certificate  text NOT NULL,
  not_after    timestamptz NOT NULL,
  added_at     timestamptz NOT NULL,
  PRIMARY KEY (client_id, fingerprint)
);

-- Local groups belong to a provider subsystem, as in X-Road: its access rights may name them.
CREATE TABLE exchange_local_groups (
  owner        text NOT NULL,
  code         text NOT NULL,
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (owner, code)
);

CREATE TABLE exchange_local_group_members (
  owner      text NOT NULL,
  code       text NOT NULL,
  client_id  text NOT NULL,
  added_at   timestamptz NOT NULL,
  PRIMARY KEY (owner, code, client_id),
  FOREIGN KEY (owner, code) REFERENCES exchange_local_groups (owner, code) ON DELETE CASCADE
);

-- Access rights name a subsystem, a local group (its code) or a global group (INSTANCE/CODE) and, for REST, an
-- endpoint: a method ('*' for any) and a path pattern ('**' for any path). A grant to a whole member is not an
-- X-Road access right: such rows (the demo's, made before this migration) are dropped rather than kept as wider
-- grants than X-Road allows.
DELETE FROM access_rights WHERE array_length(string_to_array(client_id, '/'), 1) <> 4;
ALTER TABLE access_rights RENAME COLUMN client_id TO subject_id;
ALTER TABLE access_rights ADD COLUMN subject_type text NOT NULL DEFAULT 'SUBSYSTEM' CHECK (subject_type IN ('SUBSYSTEM', 'LOCALGROUP', 'GLOBALGROUP'));
ALTER TABLE access_rights ADD COLUMN method text NOT NULL DEFAULT '*';
ALTER TABLE access_rights ADD COLUMN path text NOT NULL DEFAULT '**';
ALTER TABLE access_rights DROP CONSTRAINT access_rights_pkey;
ALTER TABLE access_rights ADD PRIMARY KEY (service_id, subject_type, subject_id, method, path);

