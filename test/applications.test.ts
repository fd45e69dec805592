import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/platform/db/index.js';
import { applicationSignature, createTestNode, signWith, type TestNode } from './support/node.js';

const SERVICE = 'kz-criminal-record-certificate';
let t: TestNode;
let example: Record<string, unknown>;
let aigerim: ReturnType<TestNode['persona']>;
let erlan: ReturnType<TestNode['persona']>;
let aigerimToken: string;
let erlanToken: string;

beforeAll(async () => {
  // Monday 2 March 2026, 11:00 in Astana
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  example = t.node.catalog.get(SERVICE)!.form.example;
  aigerim = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  erlan = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  aigerimToken = await t.signIn(aigerim);
  erlanToken = await t.signIn(erlan);
});
afterAll(() => t.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function counts() {
  const db = t.node.database.db;
  const one = async (table: 'applications' | 'application_actions' | 'idempotency_keys' | 'audit_events') =>
    Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  return { applications: await one('applications'), actions: await one('application_actions'), keys: await one('idempotency_keys'), audit: await one('audit_events') };
}

describe('submitting an application', () => {
  it('stores a signed, valid application and answers 201 with its number and legal deadline', async () => {
    const res = await t.submit(aigerimToken, aigerim, SERVICE, example);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ service: SERVICE, status: 'submitted', state: 'KZ' });
    expect(body.number).toMatch(/^KZ-2026-\d{8}$/);
    const def = t.node.catalog.get(SERVICE)!;
    expect(body.deadline).toBe(t.node.calendars.get('KZ')!.deadline(t.clock.now(), def.deadline.days, def.deadline.type));
    expect(body.deadline >= '2026-03-02').toBe(true);
    expect(res.headers.location).toBe(`/api/v1/applications/${body.id}`);

    const detail = await t.app.inject({ url: `/api/v1/applications/${body.id}`, headers: auth(aigerimToken) });
    expect(detail.statusCode).toBe(200);
    const d = detail.json();
    expect(d.data).toEqual(example);
    expect(d.history).toHaveLength(1);
    expect(d.history[0]).toMatchObject({ seq: 1, type: 'submit', status: 'submitted', actor: { role: 'citizen' } });
    expect(d.history[0].idempotencyKey).toBeTruthy();
  });

  it('returns the first answer for a repeated Idempotency-Key and writes nothing', async () => {
    const key = randomUUID();
    const first = await t.submit(aigerimToken, aigerim, SERVICE, example, key);
    expect(first.statusCode).toBe(201);
    const before = await counts();
    const again = await t.submit(aigerimToken, aigerim, SERVICE, example, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await counts()).toEqual(before);
  });

  it('creates exactly one application when the same key races', async () => {
    const key = randomUUID();
    const before = await counts();
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.submit(aigerimToken, aigerim, SERVICE, example, key)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    const after = await counts();
    expect(after.applications - before.applications).toBe(1);
    expect(after.actions - before.actions).toBe(1);
  });

  it('refuses the same key with a different body', async () => {
    const key = randomUUID();
    expect((await t.submit(aigerimToken, aigerim, SERVICE, example, key)).statusCode).toBe(201);
    const other = { ...example };
    const [field] = Object.keys(other);
    const schema = t.node.catalog.get(SERVICE)!.form.schema as { properties: Record<string, { enum?: unknown[] }> };
    const alternatives = schema.properties[field].enum?.filter((v) => v !== other[field]);
    other[field] = alternatives?.[0] ?? `${String(other[field])}x`;
    const res = await t.submit(aigerimToken, aigerim, SERVICE, other, key);
    expect([409, 422]).toContain(res.statusCode);
    expect(res.json().code).toBe('idempotency_key_reused');
  });

  it('lists each failing field with a message in the caller\'s language and writes nothing', async () => {
    const before = await counts();
    const bad = { ...example, unexpected: true } as Record<string, unknown>;
    const required = (t.node.catalog.get(SERVICE)!.form.schema as { required?: string[] }).required ?? [];
    for (const r of required) delete bad[r];
    const res = await t.submit(aigerimToken, aigerim, SERVICE, bad, randomUUID(), 'ru');
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('/data/unexpected');
    for (const r of required) expect(fields).toContain(`/data/${r}`);
    for (const e of body.errors) expect(e.message).toMatch(/[а-яА-Я]/);
    const kk = (await t.submit(aigerimToken, aigerim, SERVICE, bad, randomUUID(), 'kk')).json();
    expect(kk.errors[0].message).not.toBe(body.errors[0].message);
    expect(await counts()).toEqual(before);
  });

  it('checks a national identifier in the form exactly, check digit included', async () => {
    const marriage = t.node.catalog.get('kz-marriage-registration')!;
    const data = { ...marriage.form.example } as Record<string, string>;
    const good = data.spouseIdentifier;
    // the same number with its check digit changed: the right length and digits, but mistyped
    data.spouseIdentifier = good.slice(0, 11) + String((Number(good[11]) + 1) % 10);
    const res = await t.submit(aigerimToken, aigerim, marriage.code, data, randomUUID(), 'ru');
    expect(res.statusCode).toBe(422);
    const [error] = res.json().errors;
    expect(error).toMatchObject({ field: '/data/spouseIdentifier', code: 'identifier' });
    expect(error.message).toContain(marriage.form.schema.properties && (marriage.form.schema.properties as Record<string, { 'x-labels': Record<string, string> }>).spouseIdentifier['x-labels'].ru);
    expect(error.message).toMatch(/контрольн/i);
  });

  it('takes a country from the closed list only, named in every language (x-choice: country)', async () => {
    const schema = t.node.catalog.get(SERVICE)!.form.schema.properties as Record<string, { enum?: string[]; 'x-enum-labels'?: Record<string, Record<string, string>> }>;
    expect(schema.destinationCountry.enum).toHaveLength(249);
    expect(schema.destinationCountry['x-enum-labels']!.TR).toMatchObject({ kk: 'Түркия', ru: 'Турция', tr: 'Türkiye', en: 'Türkiye' });
    const before = await counts();
    const res = await t.submit(aigerimToken, aigerim, SERVICE, { ...example, usage: 'abroad', destinationCountry: 'XX' }, randomUUID(), 'ru');
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: '/data/destinationCountry' })]);
    expect(await counts()).toEqual(before);
  });

  it('refuses text the result document could not print, naming the field and the characters', async () => {
    const before = await counts();
    const res = await t.submit(aigerimToken, aigerim, SERVICE, { ...example, paperCopy: true, pickupOffice: 'ЦОН 漢 Астана' }, randomUUID(), 'ru');
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { field: '/data/pickupOffice', code: 'characters', message: expect.stringMatching(/^Поле «Отделение центра обслуживания населения для получения бумажной справки» содержит символы, .*: 漢 \(U\+6F22\)\.$/) },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses an unknown service, a tampered payload and someone else\'s key', async () => {
    const before = await counts();
    const unknown = await t.submit(aigerimToken, aigerim, 'kz-no-such-service', example);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors[0]).toMatchObject({ field: '/service', code: 'unknown_service' });

    // Signed one thing, sent another
    const signature = await applicationSignature(aigerim, SERVICE, { ...example, tampered: 1 });
    const tampered = await t.app.inject({
      method: 'POST', url: '/api/v1/applications', headers: { ...auth(aigerimToken), 'idempotency-key': randomUUID() },
      payload: { service: SERVICE, data: example, signature },
    });
    expect(tampered.statusCode).toBe(422);
    expect(tampered.json().errors[0]).toMatchObject({ field: '/signature', code: 'signature_payload' });

    // Signed by Erlan's key, sent in Aigerim's session
    const foreign = await t.submit(aigerimToken, erlan, SERVICE, example);
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors[0]).toMatchObject({ field: '/signature', code: 'signature_foreign_certificate' });

    const garbage = await t.app.inject({
      method: 'POST', url: '/api/v1/applications', headers: { ...auth(aigerimToken), 'idempotency-key': randomUUID() },
      payload: { service: SERVICE, data: example, signature: 'abc' },
    });
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().errors[0].code).toBe('signature_malformed');
    expect(await counts()).toEqual(before);
  });

  it('accepts a detached-payload JWS over the canonical JSON', async () => {
    const { canonicalJson } = await import('../src/platform/canonical-json.js');
    const attached = await signWith(aigerim.keyFile, canonicalJson({ service: SERVICE, data: example }));
    const [h, , s] = attached.split('.');
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/applications', headers: { ...auth(aigerimToken), 'idempotency-key': randomUUID() },
      payload: { service: SERVICE, data: example, signature: `${h}..${s}` },
    });
    expect(res.statusCode).toBe(201);
  });

  it('needs a session, a citizen account, an Idempotency-Key and a well-formed body', async () => {
    const officer = t.persona({ role: 'officer' });
    const officerToken = await t.signIn(officer);
    const before = await counts();
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { 'idempotency-key': 'k1' }, payload: { service: SERVICE, data: example, signature: 'x' } });
    expect(anonymous.statusCode).toBe(401);
    const noKey = await t.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(aigerimToken), payload: { service: SERVICE, data: example, signature: 'x' } });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().code).toBe('idempotency_key_missing');
    const wrongTypes = await t.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { ...auth(aigerimToken), 'idempotency-key': 'k2' }, payload: { service: 7, data: 'no', signature: [] } });
    expect(wrongTypes.statusCode).toBe(400);
    expect(wrongTypes.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/service', '/data', '/signature']));
    const byOfficer = await t.submit(officerToken, officer, SERVICE, example);
    expect(byOfficer.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe('reading applications', () => {
  let id: string;
  beforeAll(async () => {
    id = (await t.submit(erlanToken, erlan, SERVICE, example)).json().id;
  });

  it('lists only my own applications, newest first, in pages', async () => {
    for (let i = 0; i < 3; i++) {
      t.clock.advance(60_000);
      expect((await t.submit(erlanToken, erlan, SERVICE, example)).statusCode).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t.app.inject({ url: `/api/v1/applications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: auth(erlanToken) });
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a: { id: string }) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect(seen).toContain(id);
    const aigerims = (await t.app.inject({ url: '/api/v1/applications?limit=100', headers: auth(aigerimToken) })).json().items;
    expect(aigerims.some((a: { id: string }) => seen.includes(a.id))).toBe(false);
    expect((await t.app.inject({ url: '/api/v1/applications?cursor=bm9wZQ', headers: auth(erlanToken) })).statusCode).toBe(400);
  });

  it('hides another citizen\'s application behind a 404', async () => {
    const res = await t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(aigerimToken) });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('application_not_found');
    // (an id that is no UUID is the caller's malformed request, whoever's it could be)
    expect((await t.app.inject({ url: '/api/v1/applications/not-a-uuid', headers: auth(erlanToken) })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/api/v1/applications/${id}` })).statusCode).toBe(401);
  });

  it('shows it to an officer of the agency that handles it, not to one of another agency', async () => {
    const agency = t.node.catalog.get(SERVICE)!.agency;
    const own = t.persona({ role: 'officer', agency });
    const other = t.personas.find((p) => p.role === 'officer' && p.agency !== agency)!;
    expect((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(await t.signIn(own)) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(await t.signIn(other)) })).statusCode).toBe(404);
  });
});

describe('withdrawing an application', () => {
  it('withdraws before a decision, records it in the history, and refuses a second withdrawal', async () => {
    const { id } = (await t.submit(erlanToken, erlan, SERVICE, example)).json();
    const key = randomUUID();
    const withdraw = (k: string, token = erlanToken) =>
      t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/withdraw`, headers: { ...auth(token), 'idempotency-key': k }, payload: { reason: 'applied by mistake' } });

    expect((await withdraw(key, aigerimToken)).statusCode).toBe(404);
    const res = await withdraw(key);
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('withdrawn');
    const replay = await withdraw(key);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const again = await withdraw(randomUUID());
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('cannot_withdraw');

    const detail = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(erlanToken) })).json();
    expect(detail.status).toBe('withdrawn');
    expect(detail.history.map((h: { type: string }) => h.type)).toEqual(['submit', 'withdraw']);
    expect(detail.history[1]).toMatchObject({ seq: 2, status: 'withdrawn', idempotencyKey: key, details: { reason: 'applied by mistake' } });
  });
});
