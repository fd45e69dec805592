import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { signWebhook } from '../src/payments/index.js';
import { createTestNode, type TestNode } from './support/node.js';

const SERVICE = 'kz-marriage-registration'; // 3,450 KZT, refunded on rejection
let t: TestNode;
let citizen: DemoPersona;
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
  officer = t.personas.find((p) => p.agency === t.node.catalog.get(SERVICE)!.agency && !p.permissions.includes('head'))!;
  operator = t.persona({ role: 'operator' });
});
afterAll(() => t.close());
// Sessions last hours and the tests move the clock by days: everyone signs in afresh for each test.
beforeEach(async () => {
  for (const p of [citizen, officer, operator]) tokens.set(p.identifier, await t.signIn(p));
});

async function applyAndInvoice() {
  const res = await t.submit(tokens.get(citizen.identifier)!, citizen, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
  expect(res.statusCode).toBe(201);
  const body = res.json();
  expect(body.status).toBe('awaiting_payment');
  expect(body.payment).toMatchObject({ amount: 345000, currency: 'KZT', status: 'open' });
  return body as { id: string; payment: { invoiceId: string } };
}

async function pay(invoiceId: string, cardNumber: string) {
  const start = await post(citizen, `/api/v1/invoices/${invoiceId}/pay`, { provider: 'demo' });
  expect(start.statusCode).toBe(201);
  const { attemptId } = start.json();
  const card = await t.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${attemptId}`, payload: { cardNumber } });
  expect(card.statusCode).toBe(202);
  await t.runJobs(); // the provider's signed webhook reaches the node
  return attemptId as string;
}

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
