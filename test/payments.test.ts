import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { signWebhook } from '../src/payments/index.js';
import { createTestNode, type TestNode } from './support/node.js';

const SERVICE = 'kz-marriage-registration'; // 3,450 KZT, refunded on rejection
let t: TestNode;
let citizen: DemoPersona;
let spouse: DemoPersona;
let officer: DemoPersona;
let operator: DemoPersona;
const tokens = new Map<string, string>();
const auth = (p: DemoPersona) => ({ authorization: `Bearer ${tokens.get(p.identifier)}` });
const post = (p: DemoPersona, url: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...auth(p), 'idempotency-key': randomUUID() }, payload });
const getApp = async (id: string) => (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen) })).json();
const ledger = async () => (await t.app.inject({ url: '/api/v1/payments/ledger?limit=1000', headers: auth(operator) })).json().items as { invoiceId: string; kind: string; amount: number; currency: string }[];

beforeAll(async () => {
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  spouse = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  officer = t.personas.find((p) => p.agency === t.node.catalog.get(SERVICE)!.agency && !p.permissions.includes('head'))!;
  operator = t.persona({ role: 'operator' });
});
afterAll(() => t.close());
// Sessions last hours and the tests move the clock by days: everyone signs in afresh for each test.
beforeEach(async () => {
  for (const p of [citizen, officer, operator]) tokens.set(p.identifier, await t.signIn(p));
});

async function applyAndInvoice() {
  const res = await t.submit(tokens.get(citizen.identifier)!, citizen, SERVICE, { ...t.node.catalog.get(SERVICE)!.form.example, spouseIdentifier: spouse.identifier });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  // the future spouse signs too, and only then is the fee due
  expect(body.status).toBe('awaiting_consent');
  await t.consentAll(body.id);
  expect((await getApp(body.id)).status).toBe('awaiting_payment');
  expect(body.payment).toMatchObject({ amount: 345000, currency: 'KZT', status: 'open' });
  return body as { id: string; payment: { invoiceId: string } };
}

async function startAttempt(invoiceId: string) {
  const start = await post(citizen, `/api/v1/invoices/${invoiceId}/pay`, { provider: 'demo' });
  expect(start.statusCode).toBe(201);
  return start.json().attemptId as string;
}

/** The demo provider's card page: 202 when it charged (its webhook is then on its way, delivered by runJobs). */
const checkout = async (attemptId: string, cardNumber = '4242 4242 4242 4242') =>
  (await t.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${attemptId}`, payload: { cardNumber } })).statusCode;

async function pay(invoiceId: string, cardNumber: string) {
  const attemptId = await startAttempt(invoiceId);
  expect(await checkout(attemptId, cardNumber)).toBe(202);
  await t.runJobs(); // the provider's signed webhook reaches the node
  return attemptId;
}

const sendWebhook = (body: string, signature = signWebhook(body, 'demo-webhook-secret', t.clock.now())) =>
  t.app.inject({ method: 'POST', url: '/api/v1/payments/webhooks/demo', headers: { 'content-type': 'application/json', 'ortak-signature': signature }, payload: body });

/** The webhook the provider sent for an attempt, as it sent it, to deliver again. */
async function sentWebhook(attemptId: string): Promise<string> {
  const job = await t.node.database.db.selectFrom('jobs').select('payload').where('unique_key', '=', `webhook:${attemptId}`).executeTakeFirstOrThrow();
  const payload = typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload;
  return JSON.stringify(payload.event);
}

const invoiceEntries = async (invoiceId: string) => (await ledger()).filter((e) => e.invoiceId === invoiceId).map((e) => [e.kind, e.amount]);
const attemptStatus = async (attemptId: string) =>
  (await t.node.database.db.selectFrom('payment_attempts').select('status').where('id', '=', attemptId).executeTakeFirstOrThrow()).status;
const templatesFor = async (applicationId: string) =>
  (await t.app.inject({ url: '/api/v1/notifications?limit=200', headers: auth(citizen) })).json().items.filter((m: { applicationId: string }) => m.applicationId === applicationId).map((m: { template: string }) => m.template);
const refundAudits = async (invoiceId: string) =>
  t.node.database.db.selectFrom('audit_events').select('details').where('action', '=', 'payment.refund').where('subject_id', '=', invoiceId).execute();

describe('a service with a fee', () => {
  it('waits for payment: no workflow and no legal term until the signed webhook says it is paid', async () => {
    const { id, payment } = await applyAndInvoice();
    await t.runJobs();
    expect((await getApp(id)).status).toBe('awaiting_payment');
    expect((await ledger()).filter((e) => e.invoiceId === payment.invoiceId).map((e) => e.kind)).toEqual(['charge']);

    t.clock.advance(3 * 24 * 3600_000); // pays three days later: the term counts from then
    tokens.set(citizen.identifier, await t.signIn(citizen));
    tokens.set(operator.identifier, await t.signIn(operator));
    await pay(payment.invoiceId, '4242 4242 4242 4242');
    const app = await getApp(id);
    expect(app.status).not.toBe('awaiting_payment');
    expect(app.history.map((h: { type: string }) => h.type)).toContain('payment');
    const def = t.node.catalog.get(SERVICE)!;
    expect(app.deadline).toBe(t.node.calendars.get('KZ')!.deadline(t.clock.now(), def.deadline.days, def.deadline.type));
    const entries = (await ledger()).filter((e) => e.invoiceId === payment.invoiceId);
    expect(entries.map((e) => [e.kind, e.amount, e.currency])).toEqual([['charge', 345000, 'KZT'], ['payment', 345000, 'KZT']]);
    const invoices = (await t.app.inject({ url: '/api/v1/invoices', headers: auth(citizen) })).json().items;
    expect(invoices.find((i: { id: string }) => i.id === payment.invoiceId).status).toBe('paid');
    expect((await post(citizen, `/api/v1/invoices/${payment.invoiceId}/pay`)).statusCode).toBe(409);
    const templates = (await t.app.inject({ url: '/api/v1/notifications', headers: auth(citizen) })).json().items.filter((m: { applicationId: string }) => m.applicationId === id).map((m: { template: string }) => m.template);
    expect(templates).toEqual(expect.arrayContaining(['payment_required', 'payment_received']));
  });

  it('records a declined card and lets the applicant try again', async () => {
    const { id, payment } = await applyAndInvoice();
    await pay(payment.invoiceId, '4000 0000 0000 0002');
    expect((await getApp(id)).status).toBe('awaiting_payment');
    const failed = (await t.app.inject({ url: '/api/v1/notifications', headers: auth(citizen) })).json().items.find((m: { applicationId: string; template: string }) => m.applicationId === id && m.template === 'payment_failed');
    expect(failed.body).toMatch(/[а-яА-Я]/);
    // one language: the bank's reason in the applicant's too, not the provider's English inside a Russian message
    expect(failed.body).toContain('Банк, выпустивший карту, отклонил платёж.');
    expect(failed.body).not.toMatch(/card|bank|declined/i);
    await pay(payment.invoiceId, '4242424242424242');
    expect((await getApp(id)).status).not.toBe('awaiting_payment');
  });

  it('refuses a forged, tampered or stale webhook, and writes nothing', async () => {
    const { id, payment } = await applyAndInvoice();
    const start = await post(citizen, `/api/v1/invoices/${payment.invoiceId}/pay`);
    const { attemptId } = start.json();
    const event = JSON.stringify({ type: 'payment.succeeded', attemptId, invoiceId: payment.invoiceId, amount: 345000, currency: 'KZT', providerRef: 'pay_forged' });
    const send = (body: string, signature?: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/payments/webhooks/demo', headers: { 'content-type': 'application/json', ...(signature ? { 'ortak-signature': signature } : {}) }, payload: body });
    expect((await send(event)).statusCode).toBe(400);
    expect((await send(event, signWebhook(event, 'not-the-secret', t.clock.now()))).statusCode).toBe(400);
    const signed = signWebhook(event, 'demo-webhook-secret', t.clock.now());
    expect((await send(event.replace('345000', '1'), signed)).statusCode).toBe(400);
    expect((await send(event, signWebhook(event, 'demo-webhook-secret', new Date(t.clock.now().getTime() - 3600_000)))).statusCode).toBe(400);
    expect((await getApp(id)).status).toBe('awaiting_payment');
    expect((await ledger()).filter((e) => e.invoiceId === payment.invoiceId).map((e) => e.kind)).toEqual(['charge']);
    // the genuine one, twice: applied once
    expect((await send(event, signed)).statusCode).toBe(200);
    expect((await send(event, signed)).statusCode).toBe(200);
    expect((await ledger()).filter((e) => e.invoiceId === payment.invoiceId).map((e) => e.kind)).toEqual(['charge', 'payment']);
  });

  it('refunds the fee when the agency rejects, as the definition says', async () => {
    const { id, payment } = await applyAndInvoice();
    await pay(payment.invoiceId, '4242 4242 4242 4242');
    await t.runJobs();
    expect((await post(officer, `/api/v1/applications/${id}/assign`)).statusCode).toBe(200);
    const reject = await post(officer, `/api/v1/applications/${id}/reject`, { reason: 'An impediment to marriage exists.', legalBasis: 'Marriage and Family Code, art. 11' });
    expect(reject.statusCode).toBe(200);
    await t.runJobs();
    const entries = (await ledger()).filter((e) => e.invoiceId === payment.invoiceId);
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([['charge', 345000], ['payment', 345000], ['refund', -345000]]);
    const invoices = (await t.app.inject({ url: '/api/v1/invoices', headers: auth(citizen) })).json().items;
    expect(invoices.find((i: { id: string }) => i.id === payment.invoiceId).status).toBe('refunded');
  });

  it('cancels the invoice when the applicant withdraws before paying', async () => {
    const { id, payment } = await applyAndInvoice();
    expect((await post(citizen, `/api/v1/applications/${id}/withdraw`)).json().status).toBe('withdrawn');
    const invoices = (await t.app.inject({ url: '/api/v1/invoices', headers: auth(citizen) })).json().items;
    expect(invoices.find((i: { id: string }) => i.id === payment.invoiceId).status).toBe('cancelled');
    expect((await post(citizen, `/api/v1/invoices/${payment.invoiceId}/pay`)).statusCode).toBe(409);
  });

  it('shows the ledger to the operator only', async () => {
    expect((await t.app.inject({ url: '/api/v1/payments/ledger', headers: auth(citizen) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/payments/ledger', headers: auth(officer) })).statusCode).toBe(403);
  });
});

describe('never charging twice', () => {
  it('cancels the pending attempt when another starts, and refunds a payment that still arrives for it', async () => {
    const { id, payment } = await applyAndInvoice();
    const first = await startAttempt(payment.invoiceId);
    expect(await checkout(first)).toBe(202); // charged; the provider's webhook is on its way
    const second = await startAttempt(payment.invoiceId);
    expect(await checkout(second)).toBe(202);
    await t.runJobs();
    expect((await getApp(id)).status).not.toBe('awaiting_payment');
    expect(await attemptStatus(first)).toBe('refunded');
    expect(await attemptStatus(second)).toBe('succeeded');
    const entries = await invoiceEntries(payment.invoiceId);
    expect(entries.sort()).toEqual([['charge', 345000], ['payment', 345000], ['payment', 345000], ['refund', -345000]].sort());
    expect(await templatesFor(id)).toEqual(expect.arrayContaining(['payment_received', 'payment_refunded']));
    expect(await refundAudits(payment.invoiceId)).toHaveLength(1);
    const replaced = await t.node.database.db.selectFrom('audit_events').select('details').where('action', '=', 'payment.attempt_cancelled').where('subject_id', '=', payment.invoiceId).execute();
    expect(replaced.map((a) => a.details)).toEqual([{ attempts: [first], replacedBy: second }]);
    // the provider delivers both again: nothing new
    for (const attempt of [first, second]) expect((await sendWebhook(await sentWebhook(attempt))).statusCode).toBe(200);
    expect((await invoiceEntries(payment.invoiceId)).sort()).toEqual(entries);
    expect(await refundAudits(payment.invoiceId)).toHaveLength(1);
  });

  it('does not charge a card on an attempt another one replaced', async () => {
    const { payment } = await applyAndInvoice();
    const first = await startAttempt(payment.invoiceId);
    const second = await startAttempt(payment.invoiceId);
    expect(await checkout(first)).toBe(404);
    expect(await checkout(second)).toBe(202);
    await t.runJobs();
    expect(await invoiceEntries(payment.invoiceId)).toEqual([['charge', 345000], ['payment', 345000]]);
    expect(await attemptStatus(first)).toBe('cancelled');
  });

  it('keeps one pending attempt per invoice in the database itself', async () => {
    const { payment } = await applyAndInvoice();
    await startAttempt(payment.invoiceId);
    const row = { id: randomUUID(), invoice_id: payment.invoiceId, provider: 'demo', status: 'pending' as const, created_at: t.clock.now() };
    await expect(t.node.database.db.insertInto('payment_attempts').values(row).execute()).rejects.toThrow(/payment_attempts_one_pending/);
  });

  it('refunds a payment that arrives after the applicant withdrew', async () => {
    const { id, payment } = await applyAndInvoice();
    const attempt = await startAttempt(payment.invoiceId);
    expect(await checkout(attempt)).toBe(202);
    expect((await post(citizen, `/api/v1/applications/${id}/withdraw`)).json().status).toBe('withdrawn');
    await t.runJobs(); // the webhook arrives now
    expect((await getApp(id)).status).toBe('withdrawn');
    expect(await invoiceEntries(payment.invoiceId)).toEqual([['charge', 345000], ['payment', 345000], ['refund', -345000]]);
    expect((await t.node.database.db.selectFrom('invoices').select('status').where('id', '=', payment.invoiceId).executeTakeFirstOrThrow()).status).toBe('cancelled');
    expect(await templatesFor(id)).toContain('payment_refunded');
    expect((await refundAudits(payment.invoiceId)).map((a) => a.details)).toEqual([expect.objectContaining({ reason: 'invoice_cancelled' })]);
    expect((await sendWebhook(await sentWebhook(attempt))).statusCode).toBe(200);
    expect(await invoiceEntries(payment.invoiceId)).toHaveLength(3);
  });

  it('does not charge a card on an attempt of a withdrawn application', async () => {
    const { id, payment } = await applyAndInvoice();
    const attempt = await startAttempt(payment.invoiceId);
    expect((await post(citizen, `/api/v1/applications/${id}/withdraw`)).json().status).toBe('withdrawn');
    expect(await checkout(attempt)).toBe(404);
    await t.runJobs();
    expect(await invoiceEntries(payment.invoiceId)).toEqual([['charge', 345000]]);
  });

  it('refuses a webhook whose amount or currency is not the invoice\'s, with its own problem, and changes nothing', async () => {
    const { id, payment } = await applyAndInvoice();
    const attemptId = await startAttempt(payment.invoiceId);
    const event = { type: 'payment.succeeded', attemptId, invoiceId: payment.invoiceId, amount: 345000, currency: 'KZT', providerRef: 'pay_amount_test' };
    for (const wrong of [{ amount: 1 }, { currency: 'USD' }, { type: 'payment.failed', amount: 999 }]) {
      const res = await sendWebhook(JSON.stringify({ ...event, ...wrong }));
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('webhook_amount_mismatch');
    }
    expect((await getApp(id)).status).toBe('awaiting_payment');
    expect(await attemptStatus(attemptId)).toBe('pending');
    expect(await invoiceEntries(payment.invoiceId)).toEqual([['charge', 345000]]);
    // a signed event that is not well formed is a client error too, never a 500
    for (const bad of [{ invoiceId: 'not-an-id' }, { attemptId: 'x' }, { amount: '345000' }, { providerRef: 7 }]) {
      expect((await sendWebhook(JSON.stringify({ ...event, ...bad }))).statusCode).toBe(400);
    }
    expect((await sendWebhook(JSON.stringify(event))).statusCode).toBe(200);
    expect(await invoiceEntries(payment.invoiceId)).toEqual([['charge', 345000], ['payment', 345000]]);
  });

  it('balances the ledger: what each invoice keeps is its charge when paid, and nothing otherwise', async () => {
    // a normal payment, after a declined card
    const normal = await applyAndInvoice();
    await pay(normal.payment.invoiceId, '4000 0000 0000 0002');
    await pay(normal.payment.invoiceId, '4242 4242 4242 4242');
    // two attempts both charged
    const twice = await applyAndInvoice();
    const first = await startAttempt(twice.payment.invoiceId);
    expect(await checkout(first)).toBe(202);
    await pay(twice.payment.invoiceId, '4242 4242 4242 4242');
    // paid after withdrawing
    const withdrawn = await applyAndInvoice();
    expect(await checkout(await startAttempt(withdrawn.payment.invoiceId))).toBe(202);
    expect((await post(citizen, `/api/v1/applications/${withdrawn.id}/withdraw`)).statusCode).toBe(200);
    // rejected after paying, refunded by the definition
    const rejected = await applyAndInvoice();
    await pay(rejected.payment.invoiceId, '4242 4242 4242 4242');
    await t.runJobs();
    expect((await post(officer, `/api/v1/applications/${rejected.id}/assign`)).statusCode).toBe(200);
    expect((await post(officer, `/api/v1/applications/${rejected.id}/reject`, { reason: 'An impediment to marriage exists.', legalBasis: 'Marriage and Family Code, art. 11' })).statusCode).toBe(200);
    await t.runJobs();

    const invoices = await t.node.database.db.selectFrom('invoices').select(['id', 'status', 'amount']).execute();
    const status = new Map(invoices.map((i) => [i.id, i.status]));
    expect([normal, twice, withdrawn, rejected].map((a) => status.get(a.payment.invoiceId))).toEqual(['paid', 'paid', 'cancelled', 'refunded']);
    const entries = await ledger();
    for (const invoice of invoices) {
      const sum = (kind: string) => entries.filter((e) => e.invoiceId === invoice.id && e.kind === kind).reduce((total, e) => total + e.amount, 0);
      expect(sum('charge'), invoice.id).toBe(Number(invoice.amount));
      expect(sum('refund'), invoice.id).toBeLessThanOrEqual(0); // refunds are stored negative
      const kept = sum('payment') + sum('refund');
      expect(kept, `${invoice.id} (${invoice.status})`).toBe(invoice.status === 'paid' ? sum('charge') : 0);
    }
  });
});
