import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { createTestNode, type TestNode } from './support/node.js';

// Whole journeys, as people make them: submit, pay where there is a fee, the agency decides through every human
// step of the definition, the applicant is told, and the document verifies.
let t: TestNode;
beforeAll(async () => {
  t = await createTestNode({ start: '2026-04-06T05:00:00Z' });
});
afterAll(() => t.close());

async function journey(service: string, applicantFilter: Partial<DemoPersona>) {
  const def = t.node.catalog.get(service)!;
  const citizen = t.persona({ role: 'citizen', ...applicantFilter } as never);
  const officer = t.personas.find((p) => p.agency === def.agency && !p.permissions.includes('head'))!;
  const citizenToken = await t.signIn(citizen);
  const officerToken = await t.signIn(officer);
  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() });

  // Each person the form names (a spouse, the other parent, a seller) is another demo persona of the state, who signs.
  const others = t.personas.filter((p) => p.state === def.state && p.identifier !== citizen.identifier && p.role !== 'operator');
  const data = { ...def.form.example, ...Object.fromEntries((def.consents ?? []).map((field, i) => [field, others[i].identifier])) };
  const submitted = await t.submit(citizenToken, citizen, service, data);
  expect(submitted.statusCode).toBe(201);
  const { id, payment } = submitted.json();
  // the persons the application names sign it too
  await t.consentAll(id);

  if (def.fee.amount > 0) {
    expect(payment).toMatchObject({ amount: def.fee.amount, currency: def.fee.currency });
    // the application itself says what is owed, to its applicant and to the agency's officers
    expect((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${citizenToken}` } })).json().payment).toMatchObject({ amount: def.fee.amount, currency: def.fee.currency, status: 'open' });
    const { attemptId } = (await t.app.inject({ method: 'POST', url: `/api/v1/invoices/${payment.invoiceId}/pay`, headers: as(citizenToken), payload: {} })).json();
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${attemptId}`, payload: { cardNumber: '4242424242424242' } })).statusCode).toBe(202);
  }
  await t.runJobs();

  // The officer works every human step the definition has, until the application is decided (an automatic check
  // that the registers' evidence passes may already have decided it).
  let status = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${citizenToken}` } })).json().status;
  for (let step = 0; step < 5 && status !== 'approved'; step++) {
    const queue = (await t.app.inject({ url: '/api/v1/officer/queue', headers: { authorization: `Bearer ${officerToken}` } })).json().items;
    expect(queue.map((i: { id: string }) => i.id)).toContain(id);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/assign`, headers: as(officerToken) })).statusCode).toBe(200);
    const approved = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/approve`, headers: as(officerToken), payload: { note: 'Checked against the registers.' } });
    expect(approved.statusCode).toBe(200);
    status = approved.json().status;
  }
  expect(status).toBe('approved');
  await t.runJobs();
  const seenByOfficer = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${officerToken}` } })).json();
  if (def.fee.amount > 0) expect(seenByOfficer.payment).toMatchObject({ amount: def.fee.amount, currency: def.fee.currency, status: 'paid' });
  else expect(seenByOfficer.payment).toBeUndefined();

  const messages = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${citizenToken}` } })).json().items;
  const templates = messages.filter((m: { applicationId: string }) => m.applicationId === id).map((m: { template: string }) => m.template);
  expect(templates).toEqual(expect.arrayContaining(['application_approved', 'document_issued', ...(def.fee.amount > 0 ? ['payment_received'] : ['application_submitted'])]));

  const documents = (await t.app.inject({ url: '/api/v1/documents', headers: { authorization: `Bearer ${citizenToken}` } })).json().items;
  const document = documents.find((d: { applicationId: string }) => d.applicationId === id);
  expect(document).toBeDefined();
  const pdf = (await t.app.inject({ url: `/api/v1/documents/${document.id}/pdf`, headers: { authorization: `Bearer ${citizenToken}` } })).rawPayload;
  const check = (await t.app.inject({ method: 'POST', url: '/api/v1/documents/verify', headers: { 'content-type': 'application/pdf' }, payload: pdf })).json();
  expect(check).toMatchObject({ match: true, document: { documentId: document.id, authentic: true, status: 'valid' } });
  const page = (await t.app.inject({ url: new URL(document.verifyUrl).pathname, headers: { accept: 'application/json' } })).json();
  expect(page).toMatchObject({ authentic: true, status: 'valid', issuer: { agency: def.agency } });

  const history = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${citizenToken}` } })).json().history;
  return { types: history.map((h: { type: string }) => h.type) as string[], history, pdf, documentId: document.id as string, citizen, data, officer, id: id as string };
}

describe('journeys from submission to a document that verifies', () => {
  it('Kazakhstan: certificate of no criminal record, decided by the registers (free, no officer)', async () => {
    const { types } = await journey('kz-criminal-record-certificate', { state: 'KZ', language: 'kk' });
    expect(types).toEqual(['submit', 'automatic_check', 'approve']);
  });

  it('Kazakhstan: certificate of no criminal record for someone with a record (an officer decides)', async () => {
    const { types } = await journey('kz-criminal-record-certificate', { state: 'KZ', language: 'ru' });
    expect(types).toEqual(['submit', 'automatic_check', 'step', 'assign', 'approve']);
  });

  it('Kazakhstan: marriage registration (both spouses sign, fee paid by card, two human steps); the certificate names both spouses', async () => {
    const { types, history, pdf, documentId, citizen, data, officer, id } = await journey('kz-marriage-registration', { state: 'KZ', language: 'ru' });
    expect(types.slice(0, 4)).toEqual(['submit', 'consent', 'consents_complete', 'payment']);
    expect(types.at(-1)).toBe('approve');
    // the registrar who completed the first human step keeps the application for the second: taken once, not twice
    expect(types.filter((type) => type === 'assign')).toHaveLength(1);
    const afterCompleting = history[types.indexOf('complete_step') + 1];
    expect(afterCompleting.type).toBe('step');
    expect(afterCompleting.details.assignedTo).toBe(officer.accountId);
    // both spouses, as the population register knows them, read back from the PDF by poppler
    const spouse = t.personas.find((p) => p.state === 'KZ' && p.identifier === data.spouseIdentifier)!;
    const file = join(mkdtempSync(join(tmpdir(), 'ortak-marriage-')), 'certificate.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Удостоверяется');
    for (const person of [citizen, spouse]) {
      const row = await t.node.database.db.selectFrom('persons').select(['family_name', 'given_name']).where('state', '=', 'KZ').where('national_id', '=', person.identifier).executeTakeFirstOrThrow();
      expect(text).toContain(`Супруг(а) ${row.family_name} ${row.given_name}`);
      expect(text).toContain(`KZ ${person.identifier}`);
    }
    expect(text).toContain(String(data.registryOffice));
    // the spouse, who signed the application, gets the certificate too: their own copy, number and message
    const spouseToken = await t.signIn(spouse);
    const spouseDocs = (await t.app.inject({ url: '/api/v1/documents', headers: { authorization: `Bearer ${spouseToken}` } })).json().items;
    const copy = spouseDocs.find((d: { applicationId: string }) => d.applicationId === id);
    expect(copy).toBeDefined();
    expect(copy.id).not.toBe(documentId);
    expect((await t.app.inject({ url: `/api/v1/documents/${copy.id}/pdf`, headers: { authorization: `Bearer ${spouseToken}` } })).statusCode).toBe(200);
    const spouseMessages = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${spouseToken}` } })).json().items;
    expect(spouseMessages.some((m: { template: string; applicationId: string }) => m.template === 'document_issued' && m.applicationId === copy.applicationId)).toBe(true);
    // the application's number finds the applicant's copy (its status only: the number can be guessed)
    const number = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${await t.signIn(citizen)}` } })).json().number;
    const applicantCopy = (await t.app.inject({ url: `/verify/${documentId}`, headers: { accept: 'application/json' } })).json().number;
    expect((await t.app.inject({ url: `/verify/${number}`, headers: { accept: 'application/json' } })).json()).toMatchObject({ number: applicantCopy, disclosure: 'status' });
    expect(applicantCopy).not.toBe(copy.number);
    // the applicant's application lists their own copy only; the spouse's is not theirs to open
    expect((await t.app.inject({ url: `/api/v1/documents/${copy.id}/pdf`, headers: { authorization: `Bearer ${await t.signIn(citizen)}` } })).statusCode).toBe(404);
    // the public verification names them by their initials only
    const v = (await t.app.inject({ url: `/verify/${documentId}`, headers: { accept: 'application/json' } })).json();
    expect(v.certified.map((s: { kind: string; person: { name: string } }) => [s.kind, /^\S\*\*\* \S\*\*\*/.test(s.person.name)])).toEqual([['person', true], ['person', true]]);
    expect(JSON.stringify(v)).not.toContain(spouse.identifier);
    // the spouse follows it as a party: in their own list, with its whole history and their own copy; what the
    // registers said about the applicant only as "answered"; no action of the applicant's is theirs to take
    const asSpouse = { authorization: `Bearer ${spouseToken}` };
    const listed = (await t.app.inject({ url: '/api/v1/applications?limit=100', headers: asSpouse })).json().items;
    expect(listed.find((a: { id: string }) => a.id === id)).toMatchObject({ number, party: true });
    const seen = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: asSpouse })).json();
    expect(seen.viewer).toEqual({ role: 'party', field: 'spouseIdentifier' });
    expect(seen.history.map((h: { type: string }) => h.type)).toEqual(types);
    expect(seen.documents.map((d: { id: string }) => d.id)).toEqual([copy.id]);
    const evidence = (key: string) => seen.evidence.find((e: { key: string }) => e.key === key);
    expect(evidence('applicant-identity').data).toEqual({ found: true });
    expect(Object.keys(evidence('spouse-identity').data)).toEqual(expect.arrayContaining(['givenName', 'familyName']));
    // and their data tracker shows the registers asked about them for it
    const tracked = (await t.app.inject({ url: '/api/v1/me/data-access', headers: asSpouse })).json().items.filter((e: { issue: string | null }) => e.issue === number);
    expect(tracked.map((e: { role: string; service: string }) => `${e.role} ${e.service.split('/').at(-1)}`).sort()).toEqual(expect.arrayContaining(['subject population']));
    const applicantView = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${await t.signIn(citizen)}` } })).json();
    expect(applicantView.viewer).toEqual({ role: 'applicant' });
    const withdraw = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/withdraw`, headers: { ...asSpouse, 'idempotency-key': `spouse-withdraw-${id}` }, payload: {} });
    expect(withdraw.statusCode).toBe(403);
    // revoked, the certificate is revoked for both spouses, and each is told
    const revoke = await t.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/revoke`, headers: { authorization: `Bearer ${await t.signIn(officer)}`, 'idempotency-key': `revoke-${id}` }, payload: { reason: 'Registered in error.' } });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().copies).toEqual([documentId, copy.id]);
    for (const [doc, token] of [[documentId, await t.signIn(citizen)], [copy.id, spouseToken]] as const) {
      expect((await t.app.inject({ url: `/verify/${doc}`, headers: { accept: 'application/json' } })).json()).toMatchObject({ status: 'revoked', revocationReason: 'Registered in error.' });
      const told = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${token}` } })).json().items;
      expect(told.filter((m: { template: string; applicationId: string }) => m.template === 'document_revoked' && m.applicationId === id)).toHaveLength(1);
    }
  });

  it('Kazakhstan: vehicle registration (fee)', async () => {
    const { types } = await journey('kz-vehicle-registration', { state: 'KZ', language: 'kk' });
    expect(types).toContain('payment');
  });

  it('Türkiye: criminal record certificate (adli sicil)', async () => {
    await journey('tr-criminal-record-certificate', { state: 'TR' });
  });

  it('Uzbekistan: birth registration', async () => {
    await journey('uz-birth-registration', { state: 'UZ' });
  });
});
