-- Application numbers are handed out by each node process from blocks of 100 (one sequence call per block instead of
-- one per submission: a round trip of every submission). Numbers already given stay as they are; each later nextval
-- starts a new block above them.
ALTER SEQUENCE application_number_seq INCREMENT BY 100;
