import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAudit, verifyAuditChain } from '../src/audit/index.js';
import { createTestNode, type TestNode } from './support/node.js';
import type { DemoPersona } from '../src/demo/seed.js';

const SERVICE = 'kz-criminal-record-certificate';
let t: TestNode;
let citizen: DemoPersona;
let officer: DemoPersona;
let head: DemoPersona;
let stranger: DemoPersona;
const tokens = new Map<string, string>();

beforeAll(async () => {
  // Monday 2 March 2026, 11:00 in Astana
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  const agency = t.node.catalog.get(SERVICE)!.agency;
  // Ерлан has a conviction on record, so his certificate's automatic check does not pass: an officer decides.
  citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  officer = t.personas.find((p) => p.agency === agency && !p.permissions.includes('head'))!;
  head = t.personas.find((p) => p.agency === agency && p.permissions.includes('head'))!;
  stranger = t.personas.find((p) => p.role === 'officer' && p.agency !== agency)!;
  await signInAll();
});

/** Sessions last hours; after the test's clock jumps days ahead, everyone signs in again. */
async function signInAll() {
  for (const p of [citizen, officer, head, stranger]) tokens.set(p.identifier, await t.signIn(p));
}
afterAll(() => t.close());

const auth = (p: DemoPersona) => ({ authorization: `Bearer ${tokens.get(p.identifier)}` });
const act = (p: DemoPersona, id: string, action: string, payload: object = {}, key = randomUUID()) =>
  t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/${action}`, headers: { ...auth(p), 'idempotency-key': key }, payload });
const get = (p: DemoPersona, id: string) => t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(p) }).then((r) => r.json());
const queue = (p: DemoPersona, query = '') => t.app.inject({ url: `/api/v1/officer/queue${query}`, headers: auth(p) });
const inbox = (p: DemoPersona) => t.app.inject({ url: '/api/v1/notifications', headers: auth(p) }).then((r) => r.json().items as { template: string; subject: string; body: string; applicationId: string }[]);

async function submitted(): Promise<string> {
  const res = await t.submit(tokens.get(citizen.identifier)!, citizen, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
  expect(res.statusCode).toBe(201);
  await t.runJobs();
  return res.json().id;
}

describe('the workflow of a service definition', () => {
  it('fetches the evidence through the exchange, runs the automatic check, and stops at the human step when it fails', async () => {
    const id = await submitted();
    const app = await get(citizen, id);
    expect(app).toMatchObject({ status: 'in_review', currentStep: 'review', assignedTo: null });
    expect(app.history.map((h: { type: string }) => h.type)).toEqual(['submit', 'automatic_check', 'step']);
    expect(app.history[1]).toMatchObject({ actor: { role: 'system', accountId: null }, details: { step: 'check-records', passed: false } });
    expect(app.evidence).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'criminal-record', status: 'received', service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', data: expect.objectContaining({ found: true }) })]),
    );
    const messages = (await inbox(citizen)).filter((m) => m.applicationId === id);
    expect(messages.map((m) => m.template).sort()).toEqual(['application_in_review', 'application_submitted']);
    // in the applicant's language (Russian), with the number filled in
    expect(messages[0].subject).toMatch(/[а-яА-Я]/);
    expect(messages.every((m) => m.subject.includes(app.number))).toBe(true);
  });

  it("puts it in the agency's queue, nearest deadline first; another agency and a citizen do not see it", async () => {
    const id = await submitted();
    const mine = await queue(officer);
    expect(mine.statusCode).toBe(200);
    const items = mine.json().items as { id: string; deadline: string; urgency: string; applicant: { name: string; identifier: string } }[];
    expect(items.map((i) => i.id)).toContain(id);
    // the officer sees who applied, as on the application itself
    expect(items.find((i) => i.id === id)!.applicant).toEqual({ name: citizen.name, identifier: citizen.qualifiedIdentifier });
    expect((await get(officer, id)).applicant).toEqual({ name: citizen.name, identifier: citizen.qualifiedIdentifier });
    expect([...items].sort((a, b) => a.deadline.localeCompare(b.deadline))).toEqual(items);
    expect((await queue(stranger)).json().items.map((i: { id: string }) => i.id)).not.toContain(id);
    expect((await queue(citizen)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(stranger) })).statusCode).toBe(404);
  });

  it('needs the application assigned before a decision, and locks it to one officer', async () => {
    const id = await submitted();
    const early = await act(officer, id, 'approve');
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('not_assigned_to_you');
    const assigned = await act(officer, id, 'assign');
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().assignedTo).toBe(officer.accountId);
    expect((await act(stranger, id, 'assign')).statusCode).toBe(404);
    // the head may take it over or release it; the officer may release it
    expect((await act(officer, id, 'unassign')).json().assignedTo).toBeNull();
    expect((await act(head, id, 'assign', { officerAccountId: officer.accountId })).json().assignedTo).toBe(officer.accountId);
    expect((await act(officer, id, 'assign', { officerAccountId: head.accountId })).statusCode).toBe(403);
    // the applicant cannot act for the agency
    expect((await act(citizen, id, 'approve')).statusCode).toBe(403);
    // every action that went through is in the audit log, by whom
    const audited = await t.node.database.db.selectFrom('audit_events').select(['action', 'actor_account_id']).where('subject_id', '=', id).orderBy('id').execute();
    expect(audited.filter((a) => a.action.match(/assign/))).toEqual([
      { action: 'application.assign', actor_account_id: officer.accountId },
      { action: 'application.unassign', actor_account_id: officer.accountId },
      { action: 'application.assign', actor_account_id: head.accountId },
    ]);
  });

  it('lets one of two racing approvals win; the other gets 409, and nothing is half-written', async () => {
    const id = await submitted();
    await act(officer, id, 'assign');
    const [a, b, c] = await Promise.all([act(officer, id, 'approve'), act(officer, id, 'approve'), act(head, id, 'approve')]);
    expect([a.statusCode, b.statusCode, c.statusCode].sort()).toEqual([200, 409, 409]);
    const app = await get(citizen, id);
    expect(app.status).toBe('approved');
    // the result document, once issued, is listed on the application for the applicant and the agency's officer
    await t.runJobs();
    const [issued] = (await get(officer, id)).documents as { id: string; revoked: boolean; verifyUrl: string }[];
    expect(issued).toMatchObject({ revoked: false, verifyUrl: expect.stringContaining(issued.id) });
    expect((await get(citizen, id)).documents.map((d: { id: string }) => d.id)).toEqual([issued.id]);
    expect(app.history.filter((h: { type: string }) => h.type === 'approve')).toHaveLength(1);
    expect((await inbox(citizen)).filter((m) => m.applicationId === id).map((m) => m.template)).toContain('application_approved');
    // an approved application leaves the queue and its timers are cancelled
    expect((await queue(officer)).json().items.map((i: { id: string }) => i.id)).not.toContain(id);
    const timers = await t.node.database.db.selectFrom('jobs').select(['queue', 'cancelled_at', 'done_at']).where('unique_key', 'like', `deadline:${id}:%`).execute();
    expect(timers).toHaveLength(2);
    expect(timers.every((j) => j.cancelled_at !== null)).toBe(true);
  });

  it('rejects only with a reason and its legal basis, and tells the applicant both', async () => {
    const id = await submitted();
    await act(officer, id, 'assign');
    const missing = await act(officer, id, 'reject', { reason: 'No.' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toContain('/legalBasis');
    const res = await act(officer, id, 'reject', { reason: 'The applicant is not a citizen of Kazakhstan.', legalBasis: 'Order No 66, art. 4' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('rejected');
    const message = (await inbox(citizen)).find((m) => m.applicationId === id && m.template === 'application_rejected')!;
    expect(message.body).toContain('Order No 66, art. 4');
    expect((await act(officer, id, 'approve')).statusCode).toBe(409);
  });

  it('pauses the deadline while the applicant is asked for more, and resumes it with the days that were left', async () => {
    t.clock.set('2026-03-02T06:00:00Z');
    const id = await submitted();
    const before = await get(citizen, id);
    await act(officer, id, 'assign');
    const asked = await act(officer, id, 'request-info', { message: 'Please state the country the certificate is for.' });
    expect(asked.json().status).toBe('info_requested');
    expect((await act(officer, id, 'approve')).statusCode).toBe(409);
    const calendar = t.node.calendars.get('KZ')!;
    const left = calendar.workingDaysLeft(t.clock.now(), before.deadline);
    // ten days later the applicant answers: the term runs on from there with the working days that were left
    t.clock.set('2026-03-12T06:00:00Z');
    await signInAll();
    const answered = await act(citizen, id, 'answer-info', { message: 'Türkiye.' });
    expect(answered.statusCode).toBe(200);
    expect(answered.json().status).toBe('in_review');
    expect(answered.json().deadline).toBe(calendar.deadline(t.clock.now(), left, 'working'));
    expect(answered.json().deadline > before.deadline).toBe(true);
    const timers = await t.node.database.db.selectFrom('jobs').select(['unique_key', 'cancelled_at']).where('unique_key', 'like', `deadline:${id}:%`).orderBy('id').execute();
    expect(timers.filter((j) => j.cancelled_at === null).map((j) => j.unique_key)).toEqual([
      `deadline:${id}:${answered.json().deadline}:remind`,
      `deadline:${id}:${answered.json().deadline}:escalate`,
    ]);
    expect((await inbox(officer)).some((m) => m.applicationId === id && m.template === 'info_answered')).toBe(true);
  });

  it('lets the applicant withdraw while it is being reviewed', async () => {
    const id = await submitted();
    const res = await act(citizen, id, 'withdraw', { reason: 'No longer needed' });
    expect(res.json().status).toBe('withdrawn');
    expect((await act(citizen, id, 'withdraw')).statusCode).toBe(409);
    expect((await act(officer, id, 'assign')).statusCode).toBe(409);
  });

  it('writes every action and every officer read of personal data to an intact audit chain', async () => {
    const id = await submitted();
    await get(officer, id);
    const reads = await t.node.database.db.selectFrom('audit_events').select(['action', 'actor_account_id']).where('subject_id', '=', id).execute();
    expect(reads).toContainEqual({ action: 'personal_data.read', actor_account_id: officer.accountId });
    expect(reads.map((r) => r.action)).toContain('application.submit');
    // written with each change, linked into the chain by the sealer
    expect((await verifyAuditChain(t.node.database.db)).unsealed).toBeGreaterThan(0);
    expect(await sealAudit(t.node.database.db)).toBeGreaterThan(0);
    const check = await verifyAuditChain(t.node.database.db);
    expect(check).toMatchObject({ ok: true, unsealed: 0 });
    expect(check.rows).toBeGreaterThan(10);
  });
});

describe('once-only: a certificate the registers can decide', () => {
  it('is issued by the automatic check with no officer, and the citizen sees who asked the registers and why', async () => {
    const aigerim = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
    const token = await t.signIn(aigerim);
    const res = await t.submit(token, aigerim, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
    await t.runJobs();
    const app = (await t.app.inject({ url: `/api/v1/applications/${res.json().id}`, headers: { authorization: `Bearer ${token}` } })).json();
    expect(app.status).toBe('approved');
    expect(app.history.map((h: { type: string }) => h.type)).toEqual(['submit', 'automatic_check', 'approve']);
    expect(app.history[2].actor).toEqual({ role: 'system', accountId: null });
    const documents = (await t.app.inject({ url: '/api/v1/documents', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(documents.map((d: { applicationId: string }) => d.applicationId)).toContain(app.id);
    const tracker = (await t.app.inject({ url: '/api/v1/me/data-access', headers: { authorization: `Bearer ${token}` } })).json().items;
    const forThis = tracker.filter((e: { issue: string }) => e.issue === app.number);
    expect(forThis.map((e: { service: string }) => e.service)).toEqual(expect.arrayContaining(['KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', 'KZ/GOV/MVD/REGISTRIES/population']));
    expect(forThis.every((e: { client: string }) => e.client === 'KZ/GOV/LEGALSTAT/SERVICES')).toBe(true);
  });
});

describe('an edited audit row', () => {
  it('is found: the check names the first broken row', async () => {
    const db = t.node.database.db;
    await sealAudit(db);
    const rows = await db.selectFrom('audit_events').select(['id']).orderBy('id').execute();
    const victim = rows[Math.floor(rows.length / 2)].id;
    await db.updateTable('audit_events').set({ details: JSON.stringify({ edited: true }) }).where('id', '=', victim).execute();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: { id: victim, reason: 'hash' } });
  });
});
