import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { applicationSignature, createTestNode, type TestNode } from './support/node.js';

// Issue 15, third parties: an application that names another person (a spouse, a director…) waits for that person's
// own signature before anything about them is fetched, paid or decided; the applicant sees at most whether a register
// found them; the register's reads are in that person's data tracker.
const MARRIAGE = 'kz-marriage-registration';
let t: TestNode;
let applicant: DemoPersona;
let spouse: DemoPersona;
let stranger: DemoPersona;
let officer: DemoPersona;
const tokens = new Map<DemoPersona, string>();

beforeAll(async () => {
  t = await createTestNode();
  [applicant, spouse] = t.personas.filter((p) => p.role === 'citizen' && p.state === 'KZ');
  stranger = t.persona({ role: 'citizen', state: 'AZ' });
  officer = t.personas.find((p) => p.agency === t.node.catalog.get(MARRIAGE)!.agency && !p.permissions.includes('head'))!;
  for (const p of [applicant, spouse, stranger, officer]) tokens.set(p, await t.signIn(p));
}, 60_000);
afterAll(() => t.close());

const as = (p: DemoPersona) => ({ authorization: `Bearer ${tokens.get(p)}`, 'idempotency-key': randomUUID() });
const get = (p: DemoPersona, url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${tokens.get(p)}` } }).then((r) => r.json());
const inbox = async (p: DemoPersona, id: string) => ((await get(p, '/api/v1/notifications')).items as { template: string; applicationId: string }[]).filter((m) => m.applicationId === id).map((m) => m.template);
const consent = async (p: DemoPersona, id: string, signature: string) => t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/consent`, headers: as(p), payload: { signature } });

async function applyForMarriage(to: DemoPersona) {
  const data = { ...t.node.catalog.get(MARRIAGE)!.form.example, spouseIdentifier: to.identifier };
  const res = await t.submit(tokens.get(applicant)!, applicant, MARRIAGE, data);
  expect(res.statusCode, res.body).toBe(201);
  await t.runJobs();
  return { ...(res.json() as { id: string; number: string; status: string; payment: { invoiceId: string } }), data };
}

describe('an application that names another person', () => {
  it('waits for their signature, is not payable or checked before it, and then goes on', async () => {
    const app = await applyForMarriage(spouse);
    expect(app.status).toBe('awaiting_consent');
    expect((await get(applicant, `/api/v1/applications/${app.id}`)).evidence).toEqual([]);
    expect(await inbox(applicant, app.id)).toEqual(['consent_awaited']);
    // the fee is not to be paid yet
    const early = await t.app.inject({ method: 'POST', url: `/api/v1/invoices/${app.payment.invoiceId}/pay`, headers: as(applicant), payload: {} });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('application_not_payable');

    // the spouse is asked, and sees what they are asked to sign
    expect(await inbox(spouse, app.id)).toEqual(['consent_requested']);
    const requests = (await get(spouse, '/api/v1/me/consents')).items;
    expect(requests).toEqual([expect.objectContaining({ applicationId: app.id, field: 'spouseIdentifier', status: 'pending', applicant: expect.any(String), data: app.data })]);
    // nobody else may answer, and a signature over anything else is refused
    expect((await consent(stranger, app.id, await applicationSignature(stranger, MARRIAGE, app.data))).statusCode).toBe(404);
    expect((await consent(officer, app.id, 'x')).statusCode).toBe(403);
    const wrong = await consent(spouse, app.id, await applicationSignature(spouse, MARRIAGE, { ...app.data, preferredDate: '2026-10-01' }));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].field).toBe('/signature');
    expect((await get(applicant, `/api/v1/applications/${app.id}`)).status).toBe('awaiting_consent');

    // their own signature over what the applicant signed: on to the fee
    const given = await consent(spouse, app.id, await applicationSignature(spouse, MARRIAGE, app.data));
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json().status).toBe('awaiting_payment');
    expect(await inbox(applicant, app.id)).toContain('payment_required');
    expect((await consent(spouse, app.id, await applicationSignature(spouse, MARRIAGE, app.data))).statusCode).toBe(409);
    const pay = await t.app.inject({ method: 'POST', url: `/api/v1/invoices/${app.payment.invoiceId}/pay`, headers: as(applicant), payload: {} });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${pay.json().attemptId}`, payload: { cardNumber: '4242424242424242' } })).statusCode).toBe(202);
    await t.runJobs();

    // the registers were asked about both; the applicant learns only whether the spouse was found
    const mine = await get(applicant, `/api/v1/applications/${app.id}`);
    expect(mine.history.map((h: { type: string }) => h.type)).toEqual(expect.arrayContaining(['submit', 'consent', 'consents_complete', 'payment']));
    const aboutSpouse = mine.evidence.find((e: { key: string }) => e.key === 'spouse-identity');
    expect(aboutSpouse.data).toEqual({ found: true });
    expect(JSON.stringify(mine.evidence)).not.toContain(spouse.name.split(' ')[0]);
    const officers = await get(officer, `/api/v1/applications/${app.id}`);
    expect(officers.evidence.find((e: { key: string }) => e.key === 'spouse-identity').data).toMatchObject({ identifier: spouse.identifier, givenName: expect.any(String) });
    // and the spouse's data tracker shows the register's read about them, for this application
    const tracker = (await get(spouse, '/api/v1/me/data-access')).items as { role: string; issue: string | null }[];
    expect(tracker).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'subject', issue: app.number })]));
  });

  it('is closed as declined when they refuse, its fee cancelled and the applicant told', async () => {
    const app = await applyForMarriage(spouse);
    const declined = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${app.id}/decline-consent`, headers: as(spouse), payload: { reason: 'I have not agreed to this.' } });
    expect(declined.statusCode).toBe(200);
    expect(declined.json().status).toBe('declined');
    expect(await inbox(applicant, app.id)).toContain('consent_declined');
    const invoice = ((await get(applicant, '/api/v1/invoices')).items as { id: string; status: string }[]).find((i) => i.id === app.payment.invoiceId);
    expect(invoice?.status).toBe('cancelled');
    // nothing was asked of the registers about anyone
    expect((await get(officer, `/api/v1/applications/${app.id}`)).evidence).toEqual([]);
  });

  it('is closed as declined when they let the term pass', async () => {
    // (an officer of another agency: a person the node knows, without a citizen account to be asked through)
    const silent = t.personas.find((p) => p.role === 'officer' && p.state === 'KZ' && p.agency !== officer.agency)!;
    const app = await applyForMarriage(silent);
    t.clock.advance(11 * 86_400_000);
    for (const p of [applicant, spouse, stranger, officer]) tokens.set(p, await t.signIn(p));
    await t.runJobs();
    const after = await get(applicant, `/api/v1/applications/${app.id}`);
    expect(after.status).toBe('declined');
    expect(after.history.at(-1)).toMatchObject({ type: 'consent_lapsed', actor: { role: 'system' } });
    const requests = await t.node.database.db.selectFrom('application_consents').select('status').where('application_id', '=', app.id).execute();
    expect(requests).toEqual([{ status: 'lapsed' }]);
  });

  it('is never decided automatically on behalf of a director who has not signed', async () => {
    const service = t.node.catalog.get('kz-legal-entity-registration')!;
    const data = { ...service.form.example, applicantIsDirector: false, directorIdentifier: spouse.identifier };
    const res = await t.submit(tokens.get(applicant)!, applicant, service.code, data);
    expect(res.statusCode, res.body).toBe(201);
    await t.runJobs();
    expect((await get(applicant, `/api/v1/applications/${res.json().id}`)).status).toBe('awaiting_consent');
  });

  it('asks nobody when the applicant names themself', async () => {
    const service = t.node.catalog.get('kz-legal-entity-registration')!;
    const data = { ...service.form.example, applicantIsDirector: false, directorIdentifier: applicant.identifier };
    const res = await t.submit(tokens.get(applicant)!, applicant, service.code, data);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().status).not.toBe('awaiting_consent');
  });
});
