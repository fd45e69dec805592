-- Proactive services: a registry event (a birth) becomes an offer to the person it concerns; their consent
-- (in the portal or by SMS reply) creates the applications without a form.
CREATE TABLE proactive_offers (
  id               uuid PRIMARY KEY,
  kind             text NOT NULL CHECK (kind IN ('birth')),
  state            char(2) NOT NULL,
  person_id        uuid NOT NULL REFERENCES persons (id),
  event            jsonb NOT NULL,
  status           text NOT NULL CHECK (status IN ('offered', 'accepted')),
  created_at       timestamptz NOT NULL,
  accepted_at      timestamptz,
  accepted_via     text,
  applications     jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX proactive_offers_person_idx ON proactive_offers (person_id, created_at DESC);
