import { randomUUID } from 'node:crypto';
import { PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { createTestNode, type TestNode } from './support/node.js';

const SERVICE = 'kz-criminal-record-certificate';
let t: TestNode;
let citizen: DemoPersona;
let other: DemoPersona;
let officer: DemoPersona;
let stranger: DemoPersona;
const tokens = new Map<string, string>();
let documentId: string;
let pdf: Buffer;

const auth = (p: DemoPersona) => ({ authorization: `Bearer ${tokens.get(p.identifier)}` });

beforeAll(async () => {
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  const agency = t.node.catalog.get(SERVICE)!.agency;
  // Ерлан's certificate goes to an officer (he has a record); Айгерім is the other citizen
  citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  other = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  officer = t.personas.find((p) => p.agency === agency && !p.permissions.includes('head'))!;
  stranger = t.personas.find((p) => p.role === 'officer' && p.agency !== agency)!;
  for (const p of [citizen, other, officer, stranger]) tokens.set(p.identifier, await t.signIn(p));

  const { id } = (await t.submit(tokens.get(citizen.identifier)!, citizen, SERVICE, t.node.catalog.get(SERVICE)!.form.example)).json();
  await t.runJobs();
  const post = (action: string) => t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/${action}`, headers: { ...auth(officer), 'idempotency-key': randomUUID() } });
  expect((await post('assign')).statusCode).toBe(200);
  expect((await post('approve')).statusCode).toBe(200);
  await t.runJobs();
  const mine = (await t.app.inject({ url: '/api/v1/documents', headers: auth(citizen) })).json().items;
  expect(mine).toHaveLength(1);
  documentId = mine[0].id;
  const download = await t.app.inject({ url: `/api/v1/documents/${documentId}/pdf`, headers: auth(citizen) });
  expect(download.statusCode).toBe(200);
  expect(download.headers['content-type']).toBe('application/pdf');
  pdf = download.rawPayload;
});
afterAll(() => t.close());

describe('the result document of an approved application', () => {
  it('is a PDF in the applicant\'s language, and the applicant is told it is ready', async () => {
    const doc = await PDFDocument.load(pdf);
    expect(doc.getTitle()).toBe(t.node.catalog.get(SERVICE)!.result.title.ru);
    expect(doc.catalog.lookup(PDFName.of('Lang'))?.toString()).toBe('(ru)');
    const messages = (await t.app.inject({ url: '/api/v1/notifications', headers: auth(citizen) })).json().items;
    expect(messages.map((m: { template: string }) => m.template)).toContain('document_issued');
  });

  it('is shown to no one else: another citizen and another agency get 404', async () => {
    expect((await t.app.inject({ url: `/api/v1/documents/${documentId}/pdf`, headers: auth(other) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/documents/${documentId}/pdf`, headers: auth(stranger) })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/documents/${documentId}/pdf` })).statusCode).toBe(401);
  });

  it('verifies publicly by its QR link: authentic, valid, issuer, date, holder masked', async () => {
    const res = await t.app.inject({ url: `/verify/${documentId}`, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ documentId, authentic: true, status: 'valid', issuer: { agency: t.node.catalog.get(SERVICE)!.agency } });
    expect(v.holder).toBe('Е*** Ж***');
    expect(JSON.stringify(v)).not.toContain(citizen.identifier);
    const html = await t.app.inject({ url: `/verify/${documentId}?lang=ru`, headers: { accept: 'text/html' } });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<html lang="ru">');
    expect(html.body).toContain(v.sha256);
    expect((await t.app.inject({ url: `/verify/${randomUUID()}`, headers: { accept: 'application/json' } })).statusCode).toBe(404);
  });

  it('says whether PDF bytes are exactly what was issued; one changed byte is not', async () => {
    const verify = (body: Buffer) => t.app.inject({ method: 'POST', url: '/api/v1/documents/verify', headers: { 'content-type': 'application/pdf' }, payload: body });
    const same = (await verify(pdf)).json();
    expect(same).toMatchObject({ match: true, document: { documentId, authentic: true, status: 'valid' } });
    const tampered = Buffer.from(pdf);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    expect((await verify(tampered)).json()).toMatchObject({ match: false, signature: { valid: false } });
  });

  it('can be revoked by the issuing agency with a reason, once; the holder is told and the page says so', async () => {
    const revoke = (p: DemoPersona, payload: object, key = randomUUID()) =>
      t.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/revoke`, headers: { ...auth(p), 'idempotency-key': key }, payload });
    expect((await revoke(stranger, { reason: 'x' })).statusCode).toBe(404);
    expect((await revoke(citizen, { reason: 'x' })).statusCode).toBe(404);
    expect((await revoke(officer, {})).statusCode).toBe(400);
    const res = await revoke(officer, { reason: 'Issued on a forged application.' });
    expect(res.statusCode).toBe(200);
    expect((await revoke(officer, { reason: 'again' })).statusCode).toBe(409);
    const v = (await t.app.inject({ url: `/verify/${documentId}`, headers: { accept: 'application/json' } })).json();
    expect(v).toMatchObject({ status: 'revoked', revocationReason: 'Issued on a forged application.' });
    const messages = (await t.app.inject({ url: '/api/v1/notifications', headers: auth(citizen) })).json().items;
    expect(messages.map((m: { template: string }) => m.template)).toContain('document_revoked');
  });
});
