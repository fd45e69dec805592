-- Each gateway process appends to a hash chain of its own, so that a process writes its log in one statement per
-- batch, without a lock shared with the other processes. A chain's first row links to the row that was the log's
-- last when the chain began. Rows written before this migration form the chain without a name (NULL).
ALTER TABLE message_log ADD COLUMN chain text;
