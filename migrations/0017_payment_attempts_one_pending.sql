-- One payable attempt per invoice at a time: starting another, or cancelling the invoice, cancels the pending one.
-- A payment that still arrives for a cancelled attempt, or for an invoice no longer owed, is refunded at once and its
-- attempt is then 'refunded'.
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_status_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_status_check
  CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled', 'refunded'));

-- Attempts left pending before this: only the newest of an open invoice stays payable.
UPDATE payment_attempts p SET status = 'cancelled', completed_at = now()
 WHERE p.status = 'pending'
   AND (EXISTS (SELECT 1 FROM invoices i WHERE i.id = p.invoice_id AND i.status <> 'open')
        OR EXISTS (SELECT 1 FROM payment_attempts q
                    WHERE q.invoice_id = p.invoice_id AND q.status = 'pending' AND (q.created_at, q.id) > (p.created_at, p.id)));

CREATE UNIQUE INDEX payment_attempts_one_pending ON payment_attempts (invoice_id) WHERE status = 'pending';

-- Charges and payments are owed or received sums, refunds go back out: the ledger's balance relies on the signs.
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_sign_check CHECK ((kind = 'refund') = (amount < 0));
