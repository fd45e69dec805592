-- A short, human number for every document (KZ-CRC-2026-000123: the state, the initials of the service, the year
-- of issue, a sequence), printed on it beside the QR code and accepted by the verification, as a verifier types it.
-- Documents issued before it are numbered now, in the order they were issued.
CREATE SEQUENCE document_number_seq;
ALTER TABLE documents ADD COLUMN number text;
UPDATE documents d SET number = numbered.number
FROM (
  SELECT d2.id,
         upper(split_part(a.service_code, '-', 1)) || '-' ||
         (SELECT string_agg(upper(left(w, 1)), '' ORDER BY o) FROM regexp_split_to_table(substr(a.service_code, 4), '-') WITH ORDINALITY AS t(w, o)) || '-' ||
         to_char(d2.issued_at AT TIME ZONE 'UTC', 'YYYY') || '-' ||
         lpad(nextval('document_number_seq')::text, 6, '0') AS number
  FROM (SELECT id, application_id, issued_at FROM documents ORDER BY issued_at, id) d2
  JOIN applications a ON a.id = d2.application_id
) numbered
WHERE numbered.id = d.id;
ALTER TABLE documents ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX documents_number_idx ON documents (upper(number));
