import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/platform/db/index.js';
import { createTestNode, signWith, type TestNode } from './support/node.js';

// Issue 15: bad input is the caller's 400, never a 5xx; and the smaller holes the security test found.
let t: TestNode;
let officer: string;
let citizen: string;
beforeAll(async () => {
  t = await createTestNode();
  officer = await t.signIn(t.persona({ role: 'officer', state: 'KZ', agency: 'kz-legal-statistics' }));
  citizen = await t.signIn(t.persona({ role: 'citizen', state: 'KZ' }));
}, 60_000);
afterAll(() => t.close());

const count = async (table: 'applications' | 'idempotency_keys' | 'audit_events') =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.node.database.db)).rows[0].n);

describe('no 5xx from bad input', () => {
  it('refuses an application id that is no UUID on every action, as the caller’s 400 naming the parameter', async () => {
    const actions = ['assign', 'unassign', 'approve', 'reject', 'request-info', 'answer-info', 'withdraw'];
    for (const action of actions) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/applications/not-a-uuid/${action}`, headers: { authorization: `Bearer ${officer}`, 'idempotency-key': randomUUID() }, payload: {} });
      expect(res.statusCode, action).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors.map((e: { field: string }) => e.field), action).toContain('/params/id');
    }
    const read = await t.app.inject({ url: '/api/v1/applications/1%27%20OR%201=1', headers: { authorization: `Bearer ${citizen}` } });
    expect(read.statusCode).toBe(400);
  });

  it('refuses NUL and unpaired surrogates in bodies, also anonymous ones', async () => {
    for (const [identifier, code] of [['87\u00000412300416', 'nul_character'], ['\ud800', 'unpaired_surrogate'], ['a\udc00b', 'unpaired_surrogate']]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier, role: 'citizen' } });
      expect(res.statusCode, JSON.stringify(identifier)).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ field: '/identifier', code })]);
    }
    // a pair is text, and passes on to the route (which finds no such persona)
    const paired = await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: '😀', role: 'citizen' } });
    expect(paired.statusCode).toBe(401);
  });

  it('refuses them in property names, the query string and the path too', async () => {
    const persona = t.persona({ role: 'citizen', state: 'KZ' });
    const data = { 'a\u0000b': 1 };
    const res = await t.submit(citizen, persona, 'kz-criminal-record-certificate', data);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: '/data/a\u0000b', code: 'nul_character' });
    const query = await t.app.inject({ url: '/api/v1/services?q=%00', headers: { authorization: `Bearer ${citizen}` } });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0]).toMatchObject({ field: '/querystring/q', code: 'nul_character' });
    const path = await t.app.inject({ url: '/api/v1/services/kz-%00' });
    expect(path.statusCode).toBe(400);
    expect(path.json().errors[0]).toMatchObject({ field: '/params/code', code: 'nul_character' });
  });

  it('refuses JSON nested deeper than 64 levels before any processing, and writes nothing', async () => {
    const before = [await count('applications'), await count('idempotency_keys'), await count('audit_events')];
    const deep = `{"service":"kz-criminal-record-certificate","signature":"x","data":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { authorization: `Bearer ${citizen}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' }, payload: deep });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: 'too_deep' });
    // 64 levels are still JSON a form may hold (and then fail its own schema, as the caller's 4xx)
    const ok = `{"identifier":${'['.repeat(63)}${']'.repeat(63)},"role":"citizen"}`;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', headers: { 'content-type': 'application/json' }, payload: ok })).statusCode).toBe(400);
    expect([await count('applications'), await count('idempotency_keys'), await count('audit_events')]).toEqual(before);
  });
});

describe('sessions', () => {
  it('refuses a cross-site write with the session cookie whatever other Authorization header comes with it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signout',
      headers: { authorization: 'Basic Zm9vOmJhcg==', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      cookies: { ortak_session: citizen },
    });
    expect(res.statusCode).toBe(403);
    // the session is still there
    expect((await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${citizen}` } })).statusCode).toBe(200);
  });

  it('clears the cookie on sign-out with the same HttpOnly, SameSite=Strict attributes it was set with', async () => {
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KG' }));
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signout', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(204);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/ortak_session=;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('ends a session when the certificate that opened it is revoked', async () => {
    const persona = t.persona({ role: 'citizen', state: 'UZ' });
    const nonce = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json().nonce;
    const signedIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { signature: await signWith(persona.keyFile, JSON.stringify({ nonce })) } });
    expect(signedIn.statusCode).toBe(200);
    const token = signedIn.json().token as string;
    expect((await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);

    const serial = (await t.node.database.db.selectFrom('sessions').select('certificate_serial').where('certificate_serial', 'is not', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).certificate_serial!;
    await t.node.database.db.updateTable('person_certificates').set({ revoked_at: t.clock.now() }).where('serial', '=', serial).execute();
    // (the change notice reaches this process's kept reads a moment after the commit)
    await expect.poll(async () => (await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, { timeout: 5000 }).toBe(401);
  });
});
