-- Another person an application names (a spouse, the other parent, a director, an owner: the definition's
-- `consents`) signs it too before anything is fetched, paid or decided for them. One row per such person; the
-- application waits in 'awaiting_consent' until every row is 'given', and is closed as 'declined' when one is
-- declined or lapses.
CREATE TABLE application_consents (
  application_id     uuid NOT NULL REFERENCES applications (id),
  field              text NOT NULL,
  party_state        char(2) NOT NULL,
  party_national_id  text NOT NULL,
  status             text NOT NULL CHECK (status IN ('pending', 'given', 'declined', 'lapsed', 'cancelled')),
  requested_at       timestamptz NOT NULL,
  due_at             timestamptz NOT NULL,
  decided_at         timestamptz,
  decided_by         uuid REFERENCES accounts (id),
  signature          text,
  reason             text,
  PRIMARY KEY (application_id, field)
);
-- a person's open requests, for their portal
CREATE INDEX application_consents_party_idx ON application_consents (party_state, party_national_id, requested_at);
