import { applyAction, lockApplication, type LockedApplication } from '../applications/lifecycle.js';
import { appendAudit } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import { LANGUAGES, translate } from '../i18n/index.js';
import { type Tx, transaction } from '../platform/db/index.js';
import { invalid, notFound } from '../platform/errors.js';
import { enqueue } from '../platform/jobs.js';
import { calendarOf, scheduleDeadlineTimers } from '../workflow/engine.js';
import { EVIDENCE_QUEUE } from '../workflow/queues.js';
import { DEMO_PROVIDER, type PaymentEvent } from './demo-provider.js';
import { formatMoney } from './money.js';
import type { PaymentsDeps } from './payments.js';
import { type PaidInvoice, refund } from './refunds.js';

/**
 * A verified event from the provider, applied once per attempt: a payment that is owed marks the invoice paid and
 * starts the application's legal term and workflow; one that is not (its attempt was replaced or cancelled, or the
 * invoice is no longer open) is recorded and refunded at once; a failure is recorded and told.
 */
export async function applyPaymentEvent(deps: PaymentsDeps, event: PaymentEvent): Promise<void> {
  const now = deps.clock.now();
  await transaction(deps.db, async (tx) => {
    const found = await tx.selectFrom('invoices').select('application_id').where('id', '=', event.invoiceId).executeTakeFirst();
    if (!found) throw notFound('errors.invoice_not_found');
    // Locked in the order every payment change takes: the application, its invoice, the attempt.
    const app = (await lockApplication(tx, found.application_id))!;
    const invoice = (await tx.selectFrom('invoices').selectAll().where('id', '=', event.invoiceId).forUpdate().executeTakeFirst())!;
    const attempt = await tx.selectFrom('payment_attempts').select('status').where('id', '=', event.attemptId).where('invoice_id', '=', invoice.id).forUpdate().executeTakeFirst();
    if (!attempt) throw notFound('errors.payment_attempt_not_found');
    // The provider reports what the node asked it to charge: another sum is a fault to look into, not a payment.
    if (event.amount !== Number(invoice.amount) || event.currency !== invoice.currency) {
      throw invalid('errors.webhook_amount_mismatch', [], { amount: event.amount, currency: event.currency, expectedAmount: Number(invoice.amount), expectedCurrency: invoice.currency });
    }
    // Only a pending or cancelled attempt awaits its outcome; any other has had it (a repeated delivery).
    if (attempt.status !== 'pending' && attempt.status !== 'cancelled') return;
    const paid: PaidInvoice = { id: invoice.id, amount: Number(invoice.amount), currency: invoice.currency };

    if (event.type === 'payment.failed') {
      await tx.updateTable('payment_attempts').set({ status: 'failed', failure_reason: event.reason ?? null, provider_ref: event.providerRef, completed_at: now }).where('id', '=', event.attemptId).execute();
      // A cancelled attempt's failure is no news to the payer, who has paid another way or no longer owes.
      if (attempt.status !== 'pending') return;
      await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'payment_failed', applicationId: app.id, params: { number: app.number, amount: formatMoney(paid.amount, paid.currency), reason: declineReason(event.reason) } }, now);
      return;
    }
    const unowed = notOwed(attempt.status, invoice.status, app.status);
    await tx.updateTable('payment_attempts').set({ status: unowed ? 'refunded' : 'succeeded', provider_ref: event.providerRef, completed_at: now }).where('id', '=', event.attemptId).execute();
    // The money came either way: the ledger has it, and its refund when it was not owed.
    await tx.insertInto('ledger_entries').values({ invoice_id: paid.id, kind: 'payment', amount: paid.amount, currency: paid.currency, provider: DEMO_PROVIDER, provider_ref: event.providerRef, at: now }).execute();
    if (unowed) return refund(tx, paid, app, { reason: unowed, attempt: event.attemptId, payment: event.providerRef }, now);
    await settle(tx, deps, app, paid, event.providerRef, now);
  });
}

/** Why a payment is not owed, or null when it settles the invoice. */
function notOwed(attempt: string, invoice: string, application: string): string | null {
  if (invoice !== 'open') return `invoice_${invoice}`;
  if (application !== 'awaiting_payment') return `application_${application}`;
  if (attempt !== 'pending') return 'attempt_replaced';
  return null;
}

/** The invoice paid: the application's legal term runs from now, and its workflow starts. */
async function settle(tx: Tx, deps: PaymentsDeps, app: LockedApplication, invoice: PaidInvoice, providerRef: string, now: Date): Promise<void> {
  await tx.updateTable('invoices').set({ status: 'paid', paid_at: now }).where('id', '=', invoice.id).execute();
  const def = deps.catalog.get(app.serviceCode)!;
  const deadline = calendarOf(deps, app.state).deadline(now, def.deadline.days, def.deadline.type);
  await applyAction(tx, app.id, now, { status: 'submitted', deadline }, { type: 'payment', actor: null, payload: { invoice: invoice.id, amount: invoice.amount, currency: invoice.currency, providerRef } });
  await enqueue(tx, EVIDENCE_QUEUE, { applicationId: app.id }, now, { uniqueKey: `evidence:${app.id}` });
  await scheduleDeadlineTimers(tx, deps, { id: app.id, state: app.state, deadline }, now);
  await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'payment_received', applicationId: app.id, params: { number: app.number, amount: formatMoney(invoice.amount, invoice.currency), deadline } }, now);
  await appendAudit(tx, { at: now, actorAccountId: null, action: 'payment.received', subjectType: 'invoice', subjectId: invoice.id, personId: app.applicantPersonId, details: { application: app.number, amount: invoice.amount, currency: invoice.currency, providerRef } });
}

/**
 * The provider's reason for a decline, in the payer's language: a code it is known to give is translated (the
 * message is written in one language, not the provider's English inside it); another is shown as the provider said it.
 */
function declineReason(code: string | undefined): string | Record<string, string> {
  const key = `payment.decline.${code ?? 'unknown'}`;
  if (translate('en', key) === key) return code ?? '';
  return Object.fromEntries(LANGUAGES.map((language) => [language, translate(language, key)]));
}
