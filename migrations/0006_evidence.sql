-- Evidence an application's service needs, fetched from the registers through the exchange (once-only principle).
CREATE TABLE application_evidence (
  application_id  uuid NOT NULL REFERENCES applications (id),
  key             text NOT NULL,
  registry        text NOT NULL,
  service_id      text,
  subject         text,
  status          text NOT NULL CHECK (status IN ('received', 'not_found', 'unavailable')),
  data            jsonb,
  request_id      text,
  fetched_at      timestamptz NOT NULL,
  PRIMARY KEY (application_id, key)
);
