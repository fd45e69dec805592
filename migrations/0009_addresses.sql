-- The address register a node hosts: addresses by their national code (KZ RKA, TR UAVT…) and the registrations of
-- residence at them. It keys people by their national identifier, as a separate state register does, rather than
-- by the node's own person ids.
CREATE TABLE addresses (
  state     char(2) NOT NULL,
  code      text NOT NULL,
  region    text NOT NULL,
  locality  text NOT NULL,
  street    text NOT NULL,
  building  text NOT NULL,
  flat      text,
  postcode  text,
  PRIMARY KEY (state, code)
);

CREATE TABLE residence_registrations (
  state          char(2) NOT NULL,
  national_id    text NOT NULL,
  address_code   text NOT NULL,
  registered_on  date NOT NULL,
  ended_on       date,
  FOREIGN KEY (state, address_code) REFERENCES addresses (state, code)
);
CREATE INDEX residence_registrations_person_idx ON residence_registrations (state, national_id);
