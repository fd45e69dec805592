-- Bodies of logged messages that were spooled to disk on their way through the gateway (past 256 KiB): kept in
-- parts of 1 MiB, each written as it is read back from the spool, by the body's SHA-512 (the same body logged on both
-- sides of one node is kept once). The log row keeps the digest, which its hash covers, so a changed, missing or
-- appended part shows in the log's verification.
CREATE TABLE message_log_bodies (
  sha512  text NOT NULL,
  part    integer NOT NULL CHECK (part >= 0),
  bytes   bytea NOT NULL,
  PRIMARY KEY (sha512, part)
);

ALTER TABLE message_log ADD COLUMN body_in_parts boolean NOT NULL DEFAULT false;
