-- Services this node provides from an agency's own REST system (besides the registers it hosts itself): the
-- provider's side of the gateway calls the system at its address, under its time limit, over HTTPS with the node's
-- client certificate where the address is https.
CREATE TABLE exchange_services (
  service_id     text PRIMARY KEY,
  -- the system's base address: the request's path after the service id is appended to it
  url            text NOT NULL,
  timeout_ms     integer NOT NULL CHECK (timeout_ms BETWEEN 100 AND 600000),
  -- https: check the system's certificate (against tls_ca when given, else the node's trust store)
  tls_verify     boolean NOT NULL DEFAULT true,
  tls_ca         text,
  -- the service's OpenAPI description, for the metaservices (getOpenAPI, listMethods)
  openapi        jsonb,
  registered_at  timestamptz NOT NULL,
  registered_by  uuid REFERENCES accounts (id)
);

-- The party a client says it acts for (X-Road-Represented-Party, [CLASS/]CODE), kept with each message.
ALTER TABLE message_log ADD COLUMN represented_party text;

-- The message log's time-stamps (RFC 3161), in batches: each stamps the last row of every chain written since the
-- one before (a row's chain leads to its stamped head), over the SHA-256 of those heads.
CREATE TABLE message_log_timestamps (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at       timestamptz NOT NULL,
  -- the greatest row id among the heads (for finding the stamps of a range of rows)
  last_id  bigint NOT NULL UNIQUE,
  heads    jsonb NOT NULL,
  digest   text NOT NULL,
  token    bytea NOT NULL,
  tsa      text NOT NULL
);
-- The time-stamper looks for the rows written since its last stamp (a few minutes' worth) by their time.
CREATE INDEX message_log_at_idx ON message_log (at);
