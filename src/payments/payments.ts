import { randomUUID } from 'node:crypto';
import { applicationStatus } from '../applications/lifecycle.js';
import { appendAudit } from '../audit/index.js';
import type { Catalog, ServiceDefinition } from '../catalog/index.js';
import type { Actor } from '../identity/index.js';
import { notificationWrites, notify } from '../notifications/index.js';
import type { Clock } from '../platform/clock.js';
import { type Db, type Tx, type Write, transaction } from '../platform/db/index.js';
import { badRequest, conflict, notFound } from '../platform/errors.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import { enqueue } from '../platform/jobs.js';
import type { WorkingCalendar } from '../workflow/calendar.js';
import { chargeCard, DEMO_PROVIDER, type PaymentEvent, providerReference, SIGNATURE_HEADER, signWebhook, WEBHOOK_PATH } from './demo-provider.js';
import { formatMoney } from './money.js';
import { WEBHOOK_QUEUE } from './queues.js';

/** How the demo provider reaches the node's webhook: over HTTP in a running node, in-process in tests. */
export type WebhookSender = (path: string, body: string, headers: Record<string, string>) => Promise<number>;

export interface PaymentsDeps {
  db: Db;
  catalog: Catalog;
  calendars: Map<string, WorkingCalendar>;
  clock: Clock;
  publicUrl: string;
  /** shared with the provider; signs its webhooks */
  webhookSecret?: string;
}

export interface InvoiceView {
  id: string;
  applicationId: string;
  amount: number;
  currency: string;
  status: string;
  createdAt: string;
  paidAt: string | null;
}

const paymentRequired = (app: { id: string; number: string }, recipientAccountId: string, def: ServiceDefinition) => ({
  recipientAccountId,
  template: 'payment_required',
  applicationId: app.id,
  params: { number: app.number, service: def.title, amount: formatMoney(def.fee.amount, def.fee.currency) },
});

/**
 * The invoice for a fee, with its charge in the ledger and (unless the application first waits for others' consent)
 * the payer's message, as writes for the submission's statement.
 */
export function invoiceWrites(
  tx: Tx | Db,
  app: { id: string; number: string; personId: string; accountId: string; language: string },
  def: ServiceDefinition,
  now: Date,
  options: { tell: boolean } = { tell: true },
): { invoice: InvoiceView; writes: Write[] } {
  const id = randomUUID();
  return {
    invoice: { id, applicationId: app.id, amount: def.fee.amount, currency: def.fee.currency, status: 'open', createdAt: now.toISOString(), paidAt: null },
    writes: [
      tx.insertInto('invoices').values({ id, application_id: app.id, payer_person_id: app.personId, amount: def.fee.amount, currency: def.fee.currency, status: 'open', created_at: now }),
      tx.insertInto('ledger_entries').values({ invoice_id: id, kind: 'charge', amount: def.fee.amount, currency: def.fee.currency, at: now }),
      ...(options.tell ? notificationWrites(tx, paymentRequired(app, app.accountId, def), app.language, now).writes : []),
    ],
  };
}

/** The payer's message that the fee is now to be paid (after the others named in the application consented). */
export async function invoiceNotice(tx: Tx, app: { id: string; number: string; applicantAccountId: string }, def: ServiceDefinition, now: Date): Promise<void> {
  await notify(tx, paymentRequired(app, app.applicantAccountId, def), now);
}

export async function listMyInvoices(db: Db, actor: Actor): Promise<InvoiceView[]> {
  const rows = await db.selectFrom('invoices').selectAll().where('payer_person_id', '=', actor.personId).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, applicationId: r.application_id, amount: Number(r.amount), currency: r.currency, status: r.status, createdAt: r.created_at.toISOString(), paidAt: r.paid_at?.toISOString() ?? null }));
}

/** The payer starts paying an open invoice: a payment attempt with the provider and where to enter the card. */
export async function startPayment(deps: PaymentsDeps, actor: Actor, invoiceId: string, provider: string, key: string): Promise<StoredAnswer<{ attemptId: string; provider: string; checkoutUrl: string }>> {
  if (provider !== DEMO_PROVIDER || !deps.webhookSecret) throw badRequest('errors.unknown_provider', { provider });
  const now = deps.clock.now();
  return once(deps.db, actor.accountId, key, requestHash(`POST /api/v1/invoices/${invoiceId}/pay`, { provider }), now, async (tx) => {
    const invoice = /^[0-9a-f-]{36}$/i.test(invoiceId) ? await tx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirst() : undefined;
    if (!invoice || invoice.payer_person_id !== actor.personId) throw notFound('errors.invoice_not_found');
    if (invoice.status !== 'open') throw conflict('errors.invoice_not_open', { status: invoice.status });
    // (an application still waiting for another person's consent is not yet to be paid for)
    const status = await applicationStatus(tx, invoice.application_id);
    if (status !== 'awaiting_payment') throw conflict('errors.application_not_payable', { status });
    const attemptId = randomUUID();
    // One payable attempt at a time: the one before is cancelled; should its payment still arrive, it is refunded.
    const cancelled = await cancelPendingAttempts(tx, invoiceId, now);
    await tx.insertInto('payment_attempts').values({ id: attemptId, invoice_id: invoiceId, provider, status: 'pending', created_at: now }).execute();
    if (cancelled.length) {
      await appendAudit(tx, { at: now, actorAccountId: actor.accountId, action: 'payment.attempt_cancelled', subjectType: 'invoice', subjectId: invoiceId, personId: actor.personId, details: { attempts: cancelled, replacedBy: attemptId } });
    }
    return { status: 201, body: { attemptId, provider, checkoutUrl: `${deps.publicUrl}/api/v1/payments/demo/checkout/${attemptId}` } };
  });
}

/**
 * The demo provider's card page: it charges the card (or declines it) and sends its signed webhook to the node by
 * a job, retried until the node has it, as a real provider does. Nothing about the payment changes on the node
 * until that webhook arrives and verifies.
 */
export async function demoCheckout(deps: PaymentsDeps, attemptId: string, cardNumber: string): Promise<{ status: 'processing' }> {
  const now = deps.clock.now();
  return transaction(deps.db, async (tx) => {
    const attempt = /^[0-9a-f-]{36}$/i.test(attemptId)
      ? await tx
          .selectFrom('payment_attempts as p')
          .innerJoin('invoices as i', 'i.id', 'p.invoice_id')
          .select(['p.id', 'p.status', 'p.invoice_id', 'i.amount', 'i.currency'])
          .where('p.id', '=', attemptId)
          .forUpdate('p') // the attempt only: starting another locks the invoice, then the attempts
          .executeTakeFirst()
      : undefined;
    if (!attempt || attempt.status !== 'pending') throw notFound('errors.payment_attempt_not_found');
    const charge = chargeCard(cardNumber);
    const event: PaymentEvent = {
      type: charge.ok ? 'payment.succeeded' : 'payment.failed',
      attemptId,
      invoiceId: attempt.invoice_id,
      amount: Number(attempt.amount),
      currency: attempt.currency,
      providerRef: providerReference('pay'),
      ...(charge.ok ? {} : { reason: charge.reason }),
    };
    await enqueue(tx, WEBHOOK_QUEUE, { event: event as unknown as Record<string, unknown> }, now, { uniqueKey: `webhook:${attemptId}`, maxAttempts: 12 });
    return { status: 'processing' as const };
  });
}

/** The provider side of the webhook: sign the event and post it; anything but 2xx is retried by the job runner. */
export async function sendDemoWebhook(deps: PaymentsDeps, send: WebhookSender, event: PaymentEvent): Promise<void> {
  const body = JSON.stringify(event);
  const status = await send(WEBHOOK_PATH, body, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(body, deps.webhookSecret!, deps.clock.now()) });
  if (status < 200 || status >= 300) throw new Error(`the node answered the webhook with ${status}`);
}

export interface LedgerEntry {
  id: number;
  invoiceId: string;
  kind: string;
  amount: number;
  currency: string;
  providerRef: string | null;
  at: string;
}

/** The ledger, for the node's operator: every charge, payment and refund, in order. */
export async function ledger(db: Db, limit: number, afterId = 0): Promise<LedgerEntry[]> {
  const rows = await db.selectFrom('ledger_entries').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), invoiceId: r.invoice_id, kind: r.kind, amount: Number(r.amount), currency: r.currency, providerRef: r.provider_ref, at: r.at.toISOString() }));
}

/** A withdrawn application's unpaid invoice is cancelled, with its pending attempt: nothing is owed any more. */
export async function cancelOpenInvoice(tx: Tx, applicationId: string, now: Date): Promise<void> {
  const invoice = await tx.updateTable('invoices').set({ status: 'cancelled' }).where('application_id', '=', applicationId).where('status', '=', 'open').returning('id').executeTakeFirst();
  if (invoice) await cancelPendingAttempts(tx, invoice.id, now);
}

/** Cancels an invoice's pending attempt: the card page refuses it, and a payment that still comes is refunded. */
async function cancelPendingAttempts(tx: Tx, invoiceId: string, now: Date): Promise<string[]> {
  const rows = await tx.updateTable('payment_attempts').set({ status: 'cancelled', completed_at: now }).where('invoice_id', '=', invoiceId).where('status', '=', 'pending').returning('id').execute();
  return rows.map((r) => r.id);
}

/** The fee of an application and how it stands (its newest invoice), for a caller already allowed to read it. */
export async function paymentOfApplication(db: Db, applicationId: string): Promise<{ invoiceId: string; amount: number; currency: string; status: string } | undefined> {
  const invoice = await db.selectFrom('invoices').select(['id', 'amount', 'currency', 'status']).where('application_id', '=', applicationId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return invoice ? { invoiceId: invoice.id, amount: Number(invoice.amount), currency: invoice.currency, status: invoice.status } : undefined;
}
