import { lockApplication, type LockedApplication } from '../applications/lifecycle.js';
import { appendAudit } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import type { Tx } from '../platform/db/index.js';
import { DEMO_PROVIDER, providerReference } from './demo-provider.js';
import { formatMoney } from './money.js';

export interface PaidInvoice {
  id: string;
  amount: number;
  currency: string;
}

/**
 * Gives an invoice's amount back to its payer in the caller's transaction: the refund in the ledger (stored negative),
 * the payer told and the refund audited. The demo provider refunds at once; a real provider's refund call goes here,
 * its reference into the ledger.
 */
export async function refund(tx: Tx, invoice: PaidInvoice, app: LockedApplication, details: Record<string, unknown>, now: Date): Promise<void> {
  const ref = providerReference('rf');
  await tx.insertInto('ledger_entries').values({ invoice_id: invoice.id, kind: 'refund', amount: -invoice.amount, currency: invoice.currency, provider: DEMO_PROVIDER, provider_ref: ref, at: now }).execute();
  await notify(tx, { recipientAccountId: app.applicantAccountId, template: 'payment_refunded', applicationId: app.id, params: { number: app.number, amount: formatMoney(invoice.amount, invoice.currency) } }, now);
  await appendAudit(tx, { at: now, actorAccountId: null, action: 'payment.refund', subjectType: 'invoice', subjectId: invoice.id, personId: app.applicantPersonId, details: { application: app.number, amount: invoice.amount, currency: invoice.currency, providerRef: ref, ...details } });
}

/** Refunds an application's paid fee (the job after a rejection whose service refunds its fee). */
export async function refundApplicationFee(tx: Tx, applicationId: string, now: Date): Promise<void> {
  // The application before its invoice, the order every payment change locks them in.
  const app = await lockApplication(tx, applicationId);
  const invoice = app && (await tx.selectFrom('invoices').selectAll().where('application_id', '=', applicationId).forUpdate().executeTakeFirst());
  if (!app || !invoice || invoice.status !== 'paid') return;
  await tx.updateTable('invoices').set({ status: 'refunded', refunded_at: now }).where('id', '=', invoice.id).execute();
  await refund(tx, { id: invoice.id, amount: Number(invoice.amount), currency: invoice.currency }, app, { reason: 'application_rejected' }, now);
}
