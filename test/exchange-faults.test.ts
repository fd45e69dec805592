import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryService } from '../src/registries/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// Providers that misbehave: one that takes too long, one that throws. The caller gets the documented X-Road error
// within the configured time, and both attempts are logged.
const provider = (service: string, handle: RegistryService['handle']): RegistryService => ({
  registry: 'population',
  state: 'KZ',
  id: { instance: 'KZ', memberClass: 'GOV', memberCode: 'MVD', subsystem: 'TESTS', service },
  pathFor: () => '/',
  openapi: {},
  handle,
});

let t: TestNode;
beforeAll(async () => {
  t = await createTestNode({
    env: { ORTAK_EXCHANGE_TIMEOUT_MS: '300' },
    extraServices: [
      provider('slow', () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: {}, subjects: [] }), 5000).unref())),
      provider('broken', async () => {
        throw new Error('database connection lost');
      }),
    ],
  });
  await t.node.database.db
    .insertInto('access_rights')
    .values(['slow', 'broken'].map((s) => ({ service_id: `KZ/GOV/MVD/TESTS/${s}`, subject_id: 'KZ/GOV/LEGALSTAT/CASES', granted_at: new Date(), granted_by: null })))
    .execute();
});
afterAll(() => t.close());

describe('a provider that misbehaves', () => {
  it('that is slow: Server.ServerProxy.ServiceTimeout within the time limit, nothing hangs', async () => {
    const started = Date.now();
    const res = await t.exchange({ url: '/r1/KZ/GOV/MVD/TESTS/slow', headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.statusCode).toBe(500);
    expect(res.headers['x-road-error']).toBe('Server.ServerProxy.ServiceTimeout');
    const logged = await t.node.database.db.selectFrom('message_log').select(['side', 'direction', 'error_type']).where('request_id', '=', String(res.headers['x-road-request-id'])).execute();
    expect(logged).toHaveLength(4);
    expect(logged.filter((m) => m.direction === 'response').every((m) => m.error_type === 'Server.ServerProxy.ServiceTimeout')).toBe(true);
  });

  it('that fails: Server.ServerProxy.ServiceFailed, without its internals', async () => {
    const res = await t.exchange({ url: '/r1/KZ/GOV/MVD/TESTS/broken', headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });
    expect(res.headers['x-road-error']).toBe('Server.ServerProxy.ServiceFailed');
    expect(res.body).not.toContain('database connection lost');
  });
});
