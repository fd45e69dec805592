-- The audit log is written with each change, in its transaction, and linked into the hash chain moments later by
-- the node's sealer, in the order it seals (chain_seq). Before, each append took the chain's lock until its
-- transaction committed, so every audited change in the node waited for the commit of the one before it.
ALTER TABLE audit_events ADD COLUMN chain_seq bigint;
UPDATE audit_events SET chain_seq = id WHERE hash IS NOT NULL;
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (chain_seq);
CREATE INDEX audit_events_unsealed_idx ON audit_events (id) WHERE chain_seq IS NULL;
