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
