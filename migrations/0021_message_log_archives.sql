-- The message log's archive files, written on a schedule (as X-Road's Security Server archives its message log):
-- each holds the time-stamped rows after `after_id` up to `last_id`, ends at a time-stamp so that it verifies on its
-- own, and is recorded here with its SHA-256. `after_id` is unique, so two processes never archive the same rows.
CREATE TABLE message_log_archives (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  after_id  bigint NOT NULL UNIQUE,
  last_id   bigint NOT NULL CHECK (last_id > after_id),
  rows      integer NOT NULL,
  stamps    integer NOT NULL,
  file      text NOT NULL,
  sha256    text NOT NULL,
  at        timestamptz NOT NULL
);
