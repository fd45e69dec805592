import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { createTestNode, type TestNode } from './support/node.js';

// Issue 15: an officer cannot take, decide or ask about an application they are a party to, and the head is told.
const SERVICE = 'kz-marriage-registration';
let t: TestNode;
let citizen: DemoPersona;
let officer: DemoPersona;
let head: DemoPersona;
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await createTestNode();
  const agency = t.node.catalog.get(SERVICE)!.agency;
  citizen = t.persona({ role: 'citizen', state: 'KZ' });
  officer = t.personas.find((p) => p.agency === agency && !p.permissions.includes('head'))!;
  head = t.personas.find((p) => p.agency === agency && p.permissions.includes('head'))!;
  const person = await t.node.database.db.selectFrom('accounts').select('person_id').where('id', '=', officer.accountId).executeTakeFirstOrThrow();
  // The officer is a citizen too: a citizen account beside the officer's one.
  await t.node.database.db.insertInto('accounts').values({ id: randomUUID(), person_id: person.person_id, role: 'citizen', agency_code: null, permissions: [], created_at: t.clock.now() }).execute();
  tokens.set('citizen', await t.signIn(citizen));
  tokens.set('officer', await t.signIn(officer));
  tokens.set('head', await t.signIn(head));
  const asCitizen = await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: officer.qualifiedIdentifier, role: 'citizen' } });
  expect(asCitizen.statusCode).toBe(200);
  tokens.set('officer-as-citizen', asCitizen.json().token);
}, 60_000);
afterAll(() => t.close());

const act = (who: string, id: string, action: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/${action}`, headers: { authorization: `Bearer ${tokens.get(who)}`, 'idempotency-key': randomUUID() }, payload });
const inbox = async (who: string, id: string) =>
  ((await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${tokens.get(who)}` } })).json().items as { template: string; applicationId: string; body: string }[]).filter((m) => m.applicationId === id);

async function inReview(token: string, applicant: DemoPersona, data: Record<string, unknown>): Promise<string> {
  const res = await t.submit(token, applicant, SERVICE, data);
  expect(res.statusCode, res.body).toBe(201);
  const { id, payment } = res.json() as { id: string; payment?: { invoiceId: string } };
  await t.consentAll(id);
  if (payment) {
    const pay = await t.app.inject({ method: 'POST', url: `/api/v1/invoices/${payment.invoiceId}/pay`, headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, payload: {} });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${pay.json().attemptId}`, payload: { cardNumber: '4242424242424242' } })).statusCode).toBe(202);
  }
  await t.runJobs();
  expect((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${tokens.get('head')}` } })).json().status).toBe('in_review');
  return id;
}

describe('conflicts of interest', () => {
  it('refuses an officer every action on an application that names them, tells the head once, and lets the head give it to someone else', async () => {
    const example = t.node.catalog.get(SERVICE)!.form.example;
    const id = await inReview(tokens.get('citizen')!, citizen, { ...example, spouseIdentifier: officer.identifier });

    const taken = await act('officer', id, 'assign');
    expect(taken.statusCode).toBe(403);
    expect(taken.json().code).toBe('conflict_of_interest');
    // nothing changed, and the head knows
    const heads = await inbox('head', id);
    expect(heads.map((m) => m.template)).toEqual(['conflict_of_interest']);
    expect(heads[0].body).toContain(officer.name);
    const audit = await t.node.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'application.conflict_of_interest').where('subject_id', '=', id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ attempted: 'assign', as: 'spouseIdentifier' });

    // the head may not hand it to the officer either
    const handed = await act('head', id, 'assign', { officerAccountId: officer.accountId });
    expect(handed.statusCode).toBe(409);
    expect(handed.json().code).toBe('assignee_conflict_of_interest');

    // the head takes it; the officer still cannot decide or ask anything, and a second try tells no one again
    expect((await act('head', id, 'assign')).statusCode).toBe(200);
    await t.node.database.db.updateTable('applications').set({ assigned_to: officer.accountId }).where('id', '=', id).execute();
    for (const [action, payload] of [['approve', {}], ['reject', { reason: 'x', legalBasis: 'y' }], ['request-info', { message: 'x' }]] as const) {
      const res = await act('officer', id, action, payload);
      expect(res.statusCode, action).toBe(403);
      expect(res.json().code).toBe('conflict_of_interest');
    }
    expect((await inbox('head', id)).filter((m) => m.template === 'conflict_of_interest')).toHaveLength(1);
    // letting go of it is allowed
    expect((await act('officer', id, 'unassign')).statusCode).toBe(200);
  });

  it('refuses an officer their own application', async () => {
    const example = t.node.catalog.get(SERVICE)!.form.example;
    const id = await inReview(tokens.get('officer-as-citizen')!, officer, { ...example, spouseIdentifier: citizen.identifier });
    const taken = await act('officer', id, 'assign');
    expect(taken.statusCode).toBe(403);
    expect(taken.json().code).toBe('conflict_of_interest');
    const audit = await t.node.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'application.conflict_of_interest').where('subject_id', '=', id).execute();
    expect(audit[0].details).toMatchObject({ as: 'applicant' });
    // an officer without a stake in it takes it as usual
    expect((await act('head', id, 'assign')).statusCode).toBe(200);
  });
});
