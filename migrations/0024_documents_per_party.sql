-- The result of an application goes to each party who signed it (a spouse gets the marriage certificate too): one
-- document per application and holder, instead of one per application.
ALTER TABLE documents DROP CONSTRAINT documents_application_id_key;
CREATE UNIQUE INDEX documents_application_holder_idx ON documents (application_id, holder_person_id);
