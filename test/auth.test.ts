import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/platform/config.js';
import { startNode } from '../src/start.js';
import { createTestNode, signWith, type TestNode } from './support/node.js';

let t: TestNode;
beforeAll(async () => {
  t = await createTestNode();
});
afterAll(() => t.close());

async function challenge(): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' });
  expect(res.statusCode).toBe(200);
  return res.json().nonce;
}

const signin = (signature: string, role?: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { signature, ...(role ? { role } : {}) } });

describe('sign-in by e-signature', () => {
  it('opens a session for a signed challenge: bearer token and HttpOnly cookie', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
    const res = await signin(await signWith(citizen.keyFile, JSON.stringify({ nonce: await challenge() })));
    expect(res.statusCode).toBe(200);
    const { token, role } = res.json();
    expect(role).toBe('citizen');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/ortak_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const byBearer = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(byBearer.json()).toMatchObject({ role: 'citizen', identifier: citizen.identifier, state: 'KZ' });
    const byCookie = await t.app.inject({ url: '/api/v1/me', cookies: { ortak_session: token } });
    expect(byCookie.json().identifier).toBe(citizen.identifier);
  });

  it('signs an officer in to the officer account', async () => {
    const officer = t.persona({ role: 'officer' });
    const res = await signin(await signWith(officer.keyFile, JSON.stringify({ nonce: await challenge() })), 'officer');
    expect(res.statusCode).toBe(200);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${res.json().token}` } });
    expect(me.json()).toMatchObject({ role: 'officer', agency: officer.agency });
  });

  it('refuses a replayed signature: the challenge is used up', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'TR' });
    const signature = await signWith(citizen.keyFile, JSON.stringify({ nonce: await challenge() }));
    expect((await signin(signature)).statusCode).toBe(200);
    const again = await signin(signature);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('signin_challenge');
  });

  it('refuses an expired challenge', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'AZ' });
    const nonce = await challenge();
    t.clock.advance(6 * 60_000);
    const res = await signin(await signWith(citizen.keyFile, JSON.stringify({ nonce })));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('signin_challenge');
  });

  it('refuses a key whose certificate this node did not issue', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    x509.cryptoProvider.set(webcrypto as never);
    const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Mallory, 2.5.4.5=PNOKZ-870412300416, C=KZ',
      keys: { privateKey: keys.privateKey as never, publicKey: keys.publicKey as never },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify({ nonce: await challenge() })))
      .setProtectedHeader({ alg: 'ES256', x5c: [Buffer.from(selfSigned.rawData).toString('base64')] })
      .sign(keys.privateKey);
    const res = await signin(jws);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('signature_untrusted_certificate');
    expect(await exportJWK(keys.publicKey)).toBeDefined();
  });

  it('refuses a signature made with another key than the certificate in x5c', async () => {
    const a = t.persona({ role: 'citizen', state: 'KG' });
    const b = t.persona({ role: 'citizen', state: 'UZ' });
    const jws = await signWith(a.keyFile, JSON.stringify({ nonce: await challenge() }), { x5c: b.keyFile.x5c });
    const res = await signin(jws);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('signature_signature');
  });

  it('refuses garbage and a missing session with 4xx problems', async () => {
    expect((await signin('not-a-jws')).statusCode).toBe(401);
    const res = await t.app.inject({ url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const wrong = await t.app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('ends a session on sign-out', async () => {
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'ru' }));
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signout', headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });
});

describe('demo mode', () => {
  it('lists seeded citizens of all five states, officers and an operator, each with a key file', async () => {
    const res = await t.app.inject('/api/v1/auth/demo-personas');
    expect(res.statusCode).toBe(200);
    const personas = res.json() as { role: string; state: string; keyFile: { kty: string; crv: string; d: string; x5c: string[] } }[];
    expect(new Set(personas.filter((p) => p.role === 'citizen').map((p) => p.state))).toEqual(new Set(['KZ', 'AZ', 'KG', 'TR', 'UZ']));
    expect(personas.some((p) => p.role === 'officer')).toBe(true);
    expect(personas.some((p) => p.role === 'operator')).toBe(true);
    for (const p of personas) {
      expect(p.keyFile).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(p.keyFile.d).toBeTruthy();
      expect(p.keyFile.x5c).toHaveLength(2);
    }
  });

  it('signs a persona in by identifier', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'UZ' });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: citizen.identifier } });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: '000000000000' } })).statusCode).toBe(401);
  });
});

describe('outside demo mode', () => {
  it('has no demo route, no persona and no demo card provider', async () => {
    const prod = await createTestNode({ env: { ORTAK_DEMO: 'false', ORTAK_PUBLIC_URL: 'https://ortak.example.kz' } });
    try {
      expect((await prod.app.inject('/api/v1/auth/demo-personas')).statusCode).toBe(404);
      expect((await prod.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: '870412300416' } })).statusCode).toBe(404);
      expect(prod.personas).toEqual([]);
      expect(prod.node.config.paymentWebhookSecret).toBeUndefined();
      // the card page and its webhook are not there: a test card pays nothing, a forged webhook finds no door
      const checkout = await prod.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${randomUUID()}`, payload: { cardNumber: '4242424242424242' } });
      expect(checkout.statusCode).toBe(404);
      const webhook = await prod.app.inject({ method: 'POST', url: '/api/v1/payments/webhooks/demo', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(webhook.statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });

  it('does not start on a database seeded for the demo, whose personas\' keys were public', async () => {
    await expect(startNode(loadConfig({ ORTAK_DEMO: 'false', ORTAK_PUBLIC_URL: 'https://ortak.example.kz', LOG_LEVEL: 'silent' }), { database: t.node.database })).rejects.toThrow(/holds demo data/);
  });
});

describe('the session a page asks about on opening', () => {
  it('answers 200 whether signed in or not, naming the person only when signed in', async () => {
    const anonymous = await t.app.inject({ url: '/api/v1/auth/session' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ me: null });
    const citizen = t.persona({ role: 'citizen', state: 'KG' });
    const signedIn = await t.app.inject({ url: '/api/v1/auth/session', headers: { authorization: `Bearer ${await t.signIn(citizen)}` } });
    expect(signedIn.json().me).toMatchObject({ role: 'citizen', identifier: citizen.identifier, state: 'KG' });
    expect((await t.app.inject({ url: '/api/v1/auth/session', headers: { authorization: 'Bearer not-a-session' } })).json()).toEqual({ me: null });
  });
});
