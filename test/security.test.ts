import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

// Security headers on every answer, and the limit on sign-in attempts per client address.
let t: TestNode;
beforeAll(async () => {
  t = await createTestNode({ env: { ORTAK_SIGNIN_RATE_LIMIT: '3' } });
});
afterAll(() => t.close());

describe('security headers', () => {
  it('are on API answers, errors and the gateway alike', async () => {
    for (const res of [
      await t.app.inject({ url: '/api/v1/services' }),
      await t.app.inject({ url: '/api/v1/me' }),
      // (the exchange is not on this port: /r1 is a 404 here like any unknown path)
      await t.app.inject({ url: '/r1/KZ/GOV/MVD/REGISTRIES/population/persons/1' }),
    ]) {
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin', 'cross-origin-resource-policy': 'same-origin' });
      expect(res.headers['x-powered-by']).toBeUndefined();
      // plain http here: no HSTS (a node whose public URL is https sends it)
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('include HSTS when the node is served over https', async () => {
    const https = await createTestNode({ env: { ORTAK_PUBLIC_URL: 'https://ortak.example.kz' } });
    try {
      expect((await https.app.inject({ url: '/health' })).headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await https.close();
    }
  });
});

describe('sign-in attempts', () => {
  it('are limited per client address: past the limit a problem+json 429 with Retry-After, other routes unaffected', async () => {
    const attempt = (ip: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', remoteAddress: ip });
    for (let i = 0; i < 3; i++) expect((await attempt('10.0.0.7')).statusCode).toBe(200);
    const refused = await attempt('10.0.0.7');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 429, code: 'too_many_requests' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // the demo login has the same limit (counted on its own), another address has its own, the rest of the API none
    const demo = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: 'KZ000000000000', role: 'citizen' }, remoteAddress: '10.0.0.7' });
    for (let i = 0; i < 3; i++) expect((await demo()).statusCode).toBe(401);
    expect((await demo()).statusCode).toBe(429);
    expect((await attempt('10.0.0.8')).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ url: '/api/v1/services', remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
  });
});

describe('behind a reverse proxy', () => {
  it('counts sign-in attempts per client when the proxy is trusted (ORTAK_TRUST_PROXY), and never believes X-Forwarded-For otherwise', async () => {
    const proxied = await createTestNode({ env: { ORTAK_SIGNIN_RATE_LIMIT: '2', ORTAK_TRUST_PROXY: '10.1.0.0/16' } });
    try {
      const via = (remoteAddress: string, client: string) =>
        proxied.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', remoteAddress, headers: { 'x-forwarded-for': client } });
      for (let i = 0; i < 2; i++) expect((await via('10.1.0.5', '203.0.113.1')).statusCode).toBe(200);
      expect((await via('10.1.0.5', '203.0.113.1')).statusCode).toBe(429);
      // another citizen behind the same proxy has a limit of their own
      expect((await via('10.1.0.5', '203.0.113.2')).statusCode).toBe(200);
      // a client outside the trusted range cannot pick the address its attempts count under
      for (let i = 0; i < 2; i++) expect((await via('198.51.100.9', `203.0.113.${10 + i}`)).statusCode).toBe(200);
      expect((await via('198.51.100.9', '203.0.113.99')).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
    // without the setting, the header is ignored the same way
    for (let i = 0; i < 3; i++) expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', remoteAddress: '10.0.0.9', headers: { 'x-forwarded-for': `203.0.113.${i}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', remoteAddress: '10.0.0.9', headers: { 'x-forwarded-for': '203.0.113.50' } })).statusCode).toBe(429);
  });

  it('refuses to trust every client (ORTAK_TRUST_PROXY=true)', async () => {
    await expect(createTestNode({ env: { ORTAK_TRUST_PROXY: 'true' } })).rejects.toThrow(/ORTAK_TRUST_PROXY/);
  });
});

describe('the cookie session against cross-site requests (CSRF)', () => {
  it('refuses a write that carries the cookie from another site, and takes one from the node\'s own pages', async () => {
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'kk' }));
    const signOut = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/auth/signout', cookies: { ortak_session: token }, headers: { host: 'ortak.example.kz', ...headers } });
    const crossSite: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: 'https://sub.ortak.example.kz' }, { origin: 'null' }];
    for (const headers of crossSite) {
      const res = await signOut(headers);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    // reads are not refused, and the session survived every refused write
    expect((await t.app.inject({ url: '/api/v1/me', cookies: { ortak_session: token }, headers: { origin: 'https://evil.example' } })).statusCode).toBe(200);
    // a bearer token is never sent by a browser on its own: no check
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge', headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' } })).statusCode).toBe(200);
    expect((await signOut({ origin: 'http://ortak.example.kz', 'sec-fetch-site': 'same-origin' })).statusCode).toBeLessThan(300);
    expect((await t.app.inject({ url: '/api/v1/me', cookies: { ortak_session: token } })).statusCode).toBe(401);
  });
});
