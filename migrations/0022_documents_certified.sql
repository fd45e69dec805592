-- What a document certifies beyond the form's particulars (a register's answer as the agency decided on it, with its
-- date and source), kept as data so that the PDF states it in the holder's language and the verification page in the
-- verifier's. Documents issued before it certify nothing more than their particulars.
ALTER TABLE documents ADD COLUMN certified jsonb NOT NULL DEFAULT '[]';
