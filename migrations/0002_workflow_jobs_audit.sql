-- Durable jobs and timers, the workflow's state on an application, and the audit log's hash chain.

-- Jobs run on the node's clock (run_at), claimed with SKIP LOCKED; a job's effect and its done_at commit in one
-- transaction, so it takes effect once. unique_key makes a timer (e.g. one escalation per deadline) exist once.
CREATE TABLE jobs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue         text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}',
  run_at        timestamptz NOT NULL,
  unique_key    text,
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 10,
  locked_until  timestamptz,
  locked_by     text,
  last_error    text,
  done_at       timestamptz,
  failed_at     timestamptz,
  cancelled_at  timestamptz,
  created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX jobs_unique_key_idx ON jobs (unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL;

ALTER TABLE applications
  ADD COLUMN current_step      text,
  ADD COLUMN assigned_to       uuid REFERENCES accounts (id),
  ADD COLUMN overdue           boolean NOT NULL DEFAULT false,
  ADD COLUMN paused_at         timestamptz,
  ADD COLUMN paused_days_left  integer,
  ADD COLUMN closed_at         timestamptz;
CREATE INDEX applications_queue_idx ON applications (agency_code, deadline, submitted_at) WHERE closed_at IS NULL;

-- Each audit row holds the hash of the row before it: editing or deleting a row breaks the chain after it.
ALTER TABLE audit_events
  ADD COLUMN prev_hash  text,
  ADD COLUMN hash       text;

-- Steps that the node itself takes (automatic rules, escalations) have no account behind them.
ALTER TABLE application_actions ALTER COLUMN actor_account_id DROP NOT NULL;

-- The outbox: every message is written in the transaction of the change it tells about, then delivered by a job.
CREATE TABLE notifications (
  id                    uuid PRIMARY KEY,
  recipient_account_id  uuid NOT NULL REFERENCES accounts (id),
  template              text NOT NULL,
  params                jsonb NOT NULL DEFAULT '{}',
  language              text NOT NULL,
  subject               text NOT NULL,
  body                  text NOT NULL,
  application_id        uuid REFERENCES applications (id),
  created_at            timestamptz NOT NULL,
  delivered_at          timestamptz,
  channel               text,
  read_at               timestamptz
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_account_id, created_at DESC);
