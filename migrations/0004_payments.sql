-- State fees: an invoice per application that needs one, payment attempts with a provider, and an append-only
-- ledger of charges, payments and refunds in integer minor units of the state's currency.
CREATE TABLE invoices (
  id               uuid PRIMARY KEY,
  application_id   uuid NOT NULL UNIQUE REFERENCES applications (id),
  payer_person_id  uuid NOT NULL REFERENCES persons (id),
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         char(3) NOT NULL,
  status           text NOT NULL CHECK (status IN ('open', 'paid', 'refunded', 'cancelled')),
  created_at       timestamptz NOT NULL,
  paid_at          timestamptz,
  refunded_at      timestamptz
);
CREATE INDEX invoices_payer_idx ON invoices (payer_person_id, created_at DESC);

CREATE TABLE payment_attempts (
  id              uuid PRIMARY KEY,
  invoice_id      uuid NOT NULL REFERENCES invoices (id),
  provider        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider_ref    text,
  failure_reason  text,
  created_at      timestamptz NOT NULL,
  completed_at    timestamptz
);
CREATE INDEX payment_attempts_invoice_idx ON payment_attempts (invoice_id);

CREATE TABLE ledger_entries (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id    uuid NOT NULL REFERENCES invoices (id),
  kind          text NOT NULL CHECK (kind IN ('charge', 'payment', 'refund')),
  amount        bigint NOT NULL,
  currency      char(3) NOT NULL,
  provider      text,
  provider_ref  text,
  at            timestamptz NOT NULL,
  CONSTRAINT ledger_entries_provider_ref_key UNIQUE (provider, provider_ref, kind)
);
CREATE INDEX ledger_entries_invoice_idx ON ledger_entries (invoice_id, id);
