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
