import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInterfaceHandler, type ClientInterface, startClientInterface } from '../src/exchange/index.js';
import { createInternalTlsCertificate } from '../src/exchange/federation-admin.js';
import type { DemoPersona } from '../src/demo/seed.js';
import { createTestNode, type TestNode } from './support/node.js';

// The client interface as information systems meet it: only registered subsystems, each over the connection it was
// registered with (plain HTTP from loopback, TLS, or mutual TLS with its pinned certificate), per-client rate limits,
// and access rights per subsystem, local group or global group and per endpoint.
let t: TestNode;
let citizen: DemoPersona;
let server: ClientInterface;
let operator: Record<string, string>;
const POPULATION = 'KZ/GOV/MVD/REGISTRIES/population';
const systemKey = await createInternalTlsCertificate(['is.example'], new Date());
const strangerKey = await createInternalTlsCertificate(['stranger.example'], new Date());

beforeAll(async () => {
  t = await createTestNode();
  citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  operator = { authorization: `Bearer ${await t.signIn(t.persona({ role: 'operator' }))}` };
  server = await startClientInterface({ host: '127.0.0.1', port: 0, tls: t.node.clientInterfaceTls }, clientInterfaceHandler(t.node.gateway, { maxBodyBytes: 1000 }));
});
afterAll(async () => {
  await server.close();
  await t.close();
});

const operatorApi = (method: 'POST' | 'DELETE' | 'PUT', url: string, payload: object) => t.app.inject({ method, url, headers: operator, payload });
const register = (client: string, more: object = {}) => operatorApi('POST', '/api/v1/exchange/clients', { client, ...more });
const grant = (payload: object) => operatorApi('POST', '/api/v1/exchange/access-rights', { service: POPULATION, ...payload });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
/** One request over a real socket: plain, or TLS trusting the node's client-interface certificate, with or without a client certificate. */
function call(options: { tls?: boolean; cert?: { keyPem: string; certPem: string }; path?: string; method?: string; headers?: Record<string, string | string[]>; body?: string }): Promise<Answer> {
  const path = options.path ?? `/r1/${POPULATION}/persons/${citizen.identifier}`;
  return new Promise((resolve, reject) => {
    const common = { hostname: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: options.headers ?? {} };
    const onAnswer = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    };
    const req = options.tls
      ? httpsRequest({ ...common, ca: t.node.clientInterfaceTls.certPem, key: options.cert?.keyPem, cert: options.cert?.certPem, agent: false }, onAnswer)
      : httpRequest({ ...common, agent: false }, onAnswer);
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the client interface', () => {
  it('serves a registered HTTP system from loopback, and no unregistered one', async () => {
    const ok = await call({ headers: { 'X-Road-Client': 'KZ/GOV/LEGALSTAT/CASES' } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ identifier: citizen.identifier });
    const stranger = await call({ headers: { 'X-Road-Client': 'KZ/GOV/KGD/X' } });
    expect([stranger.status, stranger.headers['x-road-error']]).toEqual([500, 'Server.ClientProxy.UnknownMember']);
    expect(stranger.body).not.toContain(citizen.identifier);
  });

  it('refuses plain HTTP from an address that is neither loopback nor allowed', async () => {
    const from = (remoteAddress: string) => t.exchange({ url: `/r1/${POPULATION}/persons/${citizen.identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' }, remoteAddress });
    const refused = await from('10.20.30.40');
    expect([refused.statusCode, refused.headers['x-road-error']]).toEqual([500, 'Server.ClientProxy.SslAuthenticationFailed']);
    expect((await register('KZ/GOV/LEGALSTAT/CASES', { connectionType: 'HTTP', allowedAddresses: ['10.20.30.0/24'] })).statusCode).toBe(201);
    expect((await from('10.20.30.40')).statusCode).toBe(200);
    // once addresses are listed, only they may connect, loopback included
    expect((await from('127.0.0.1')).headers['x-road-error']).toBe('Server.ClientProxy.SslAuthenticationFailed');
    await register('KZ/GOV/LEGALSTAT/CASES', { connectionType: 'HTTP', allowedAddresses: [] });
  });

  it('authenticates a mutual-TLS system by its pinned certificate, and nothing else', async () => {
    const client = 'KZ/GOV/LEGALSTAT/SECURE';
    const registered = await register(client);
    expect(registered.json()).toMatchObject({ clientId: client, connectionType: 'HTTPS', certificates: [] });
    expect((await grant({ client })).statusCode).toBe(201);
    const headers = { 'X-Road-Client': client };
    // registered, but no certificate pinned yet
    expect((await call({ tls: true, cert: systemKey, headers })).headers['x-road-error']).toBe('Server.ClientProxy.SslAuthenticationFailed');
    const pinned = await operatorApi('POST', '/api/v1/exchange/clients/certificates', { client, certificate: systemKey.certPem });
    expect(pinned.statusCode).toBe(201);
    expect(pinned.json().fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const ok = await call({ tls: true, cert: systemKey, headers });
    expect(ok.status).toBe(200);
    for (const attempt of [call({ tls: true, cert: strangerKey, headers }), call({ tls: true, headers }), call({ headers })]) {
      const refused = await attempt;
      expect([refused.status, refused.headers['x-road-error']]).toEqual([500, 'Server.ClientProxy.SslAuthenticationFailed']);
      expect(refused.body).not.toContain(citizen.identifier);
    }
    // another system's certificate does not authenticate this one
    const other = 'KZ/GOV/LEGALSTAT/OTHER';
    await register(other);
    await operatorApi('POST', '/api/v1/exchange/clients/certificates', { client: other, certificate: strangerKey.certPem });
    expect((await call({ tls: true, cert: strangerKey, headers })).headers['x-road-error']).toBe('Server.ClientProxy.SslAuthenticationFailed');
    // every attempt is in the message log
    const refusals = await t.node.database.db.selectFrom('message_log').select('error_type').where('client_id', '=', client).where('error_type', '=', 'Server.ClientProxy.SslAuthenticationFailed').execute();
    expect(refusals.length).toBeGreaterThanOrEqual(4);
  });

  it('serves an HTTPS_NO_AUTH system over TLS only', async () => {
    const client = 'KZ/GOV/LEGALSTAT/TLSONLY';
    await register(client, { connectionType: 'HTTPS_NO_AUTH' });
    await grant({ client });
    expect((await call({ tls: true, headers: { 'X-Road-Client': client } })).status).toBe(200);
    expect((await call({ headers: { 'X-Road-Client': client } })).headers['x-road-error']).toBe('Server.ClientProxy.SslAuthenticationFailed');
  });

  it('counts the last of several X-Road-Client headers', async () => {
    const res = await call({ headers: { 'X-Road-Client': ['KZ/GOV/KGD/NOBODY', 'KZ/GOV/LEGALSTAT/CASES'] } });
    expect(res.status).toBe(200);
    expect(res.headers['x-road-client']).toBe('KZ/GOV/LEGALSTAT/CASES');
  });

  it('limits each system\'s requests per minute: 429 in X-Road\'s format, with Retry-After', async () => {
    const client = 'KZ/GOV/LEGALSTAT/BURSTY';
    await register(client, { connectionType: 'HTTP', ratePerMinute: 3 });
    await grant({ client });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call({ headers: { 'X-Road-Client': client } }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[3].headers['x-road-error']).toBe('Client.RateLimitExceeded');
    expect(Number(answers[3].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(answers[3].body)).toMatchObject({ type: 'Client.RateLimitExceeded' });
    // another system is not held back by it
    expect((await call({ headers: { 'X-Road-Client': 'KZ/GOV/LEGALSTAT/CASES' } })).status).toBe(200);
  });

  it('refuses headers over the limit, and what is not HTTP, with X-Road errors', async () => {
    const big = await call({ headers: { 'X-Road-Client': 'KZ/GOV/LEGALSTAT/CASES', 'X-Custom': 'x'.repeat(40_000) } });
    expect([big.status, big.headers['x-road-error']]).toEqual([431, 'Client.RequestHeadersTooLarge']);
    const logged = await t.node.database.db.selectFrom('message_log').select('error_type').where('request_id', '=', String(big.headers['x-road-request-id'])).where('direction', '=', 'response').execute();
    expect(logged).toEqual([{ error_type: 'Client.RequestHeadersTooLarge' }]);
    // past what the HTTP parser reads at all: still X-Road's error (there is no request to log then)
    const huge = await call({ headers: { 'X-Road-Client': 'KZ/GOV/LEGALSTAT/CASES', 'X-Custom': 'x'.repeat(100_000) } });
    expect([huge.status, huge.headers['x-road-error']]).toEqual([431, 'Client.RequestHeadersTooLarge']);
    const { connect } = await import('node:net');
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('x-road-error: Client.BadRequest');
    // methods: any the protocol has passes (see test/exchange-external.test.ts); CONNECT is answered, not left hanging
    const connected = await new Promise<string>((resolve) => {
      let text = '';
      const socket = connect(server.port, '127.0.0.1', () => socket.write('CONNECT /r1/KZ/GOV/MVD/REGISTRIES/population HTTP/1.1\r\nHost: x\r\nX-Road-Client: KZ/GOV/LEGALSTAT/CASES\r\n\r\n'));
      socket.on('data', (d) => (text += d));
      socket.on('close', () => resolve(text));
    });
    expect(connected).toContain('x-road-error: Client.InvalidHttpMethod');
    // a request that asks to upgrade the connection is served as the request it is
    const upgraded = await call({ headers: { 'X-Road-Client': 'KZ/GOV/LEGALSTAT/CASES', Connection: 'Upgrade', Upgrade: 'websocket' } });
    expect(upgraded.status).toBe(200);
  });

  it('refuses a body over the limit with an X-Road error, unread, and logs it', async () => {
    const headers = { 'X-Road-Client': 'KZ/GOV/PERINATAL-ALMATY/HIS', 'content-type': 'application/json' };
    const path = '/r1/KZ/GOV/CIVILREG/EVENTS/births';
    const refused = await call({ method: 'POST', path, headers, body: 'x'.repeat(1001) });
    expect([refused.status, refused.headers['x-road-error']]).toEqual([413, 'Client.RequestTooLarge']);
    const logged = await t.node.database.db.selectFrom('message_log').select(['direction', 'error_type']).where('request_id', '=', String(refused.headers['x-road-request-id'])).execute();
    expect(logged.map((m) => `${m.direction}:${m.error_type}`).sort()).toEqual(['request:null', 'response:Client.RequestTooLarge']);
    // one byte less is read and reaches the provider (which refuses it as an invalid event)
    expect((await call({ method: 'POST', path, headers, body: 'x'.repeat(1000) })).headers['x-road-error']).toBeUndefined();
  });
});

describe('access rights as X-Road has them', () => {
  const ask = (client: string, path = `/persons/${citizen.identifier}`, method: 'GET' | 'POST' = 'GET') =>
    t.exchange({ method, url: `/r1/${POPULATION}${path}`, headers: { 'x-road-client': client } });

  it('never name a whole member', async () => {
    const res = await grant({ client: 'KZ/GOV/LEGALSTAT' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'access_subject_not_subsystem' });
    expect((await grant({ client: 'KZ/GOV/LEGALSTAT/CASES', localGroup: 'x' })).json()).toMatchObject({ code: 'access_subject_required' });
  });

  it('cover one endpoint: a method and a path pattern', async () => {
    const client = 'KZ/GOV/LEGALSTAT/NARROW';
    await register(client, { connectionType: 'HTTP' });
    const granted = await grant({ client, method: 'GET', path: '/persons/*' });
    expect(granted.json()).toMatchObject({ subjectType: 'SUBSYSTEM', subject: client, method: 'GET', path: '/persons/*' });
    expect((await ask(client)).statusCode).toBe(200);
    expect((await ask(client, `/persons/${citizen.identifier}`, 'POST')).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    expect((await ask(client, `/persons/${citizen.identifier}/more`)).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    expect((await grant({ client, method: 'get me', path: '/x' })).json()).toMatchObject({ code: 'invalid_endpoint_method' });
    expect((await grant({ client, path: 'persons' })).json()).toMatchObject({ code: 'invalid_endpoint_path' });
    const revoked = await operatorApi('DELETE', '/api/v1/exchange/access-rights', { service: POPULATION, client, method: 'GET', path: '/persons/*' });
    expect(revoked.json()).toEqual({ revoked: true });
    expect((await ask(client)).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
  });

  it('may name a local group of the provider subsystem, whose members then may call', async () => {
    const client = 'KZ/GOV/LEGALSTAT/GROUPED';
    await register(client, { connectionType: 'HTTP' });
    expect((await grant({ localGroup: 'auditors' })).json()).toMatchObject({ code: 'unknown_local_group' });
    const saved = await operatorApi('PUT', '/api/v1/exchange/local-groups', { owner: 'KZ/GOV/MVD/REGISTRIES', code: 'auditors', description: 'Internal audit', members: [client] });
    expect(saved.json()).toMatchObject({ owner: 'KZ/GOV/MVD/REGISTRIES', code: 'auditors', members: [client] });
    expect((await grant({ localGroup: 'auditors' })).statusCode).toBe(201);
    expect((await ask(client)).statusCode).toBe(200);
    await operatorApi('PUT', '/api/v1/exchange/local-groups', { owner: 'KZ/GOV/MVD/REGISTRIES', code: 'auditors', members: [] });
    expect((await ask(client)).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    const removed = await operatorApi('DELETE', '/api/v1/exchange/local-groups', { owner: 'KZ/GOV/MVD/REGISTRIES', code: 'auditors' });
    expect(removed.json()).toEqual({ removed: true });
    const left = await t.node.database.db.selectFrom('access_rights').select('subject_id').where('subject_type', '=', 'LOCALGROUP').execute();
    expect(left).toEqual([]);
  });

  it('may name a global group of the federation', async () => {
    const client = 'KZ/GOV/LEGALSTAT/GLOBAL';
    await register(client, { connectionType: 'HTTP' });
    const gateway = t.node.gateway;
    const before = gateway.globalGroupsOf;
    gateway.globalGroupsOf = (c) => (c === client ? ['KZ/security-agencies'] : []);
    try {
      expect((await ask(client)).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
      expect((await grant({ globalGroup: 'KZ/security-agencies', method: 'GET' })).statusCode).toBe(201);
      expect((await ask(client)).statusCode).toBe(200);
      expect((await grant({ globalGroup: 'security-agencies' })).json()).toMatchObject({ code: 'invalid_global_group' });
    } finally {
      gateway.globalGroupsOf = before;
    }
  });

  it('and their changes are audited', async () => {
    const actions = await t.node.database.db.selectFrom('audit_events').select('action').distinct().where('action', 'like', 'exchange.%').execute();
    expect(actions.map((a) => a.action).sort()).toEqual(
      expect.arrayContaining(['exchange.access_grant', 'exchange.access_revoke', 'exchange.client_certificate_add', 'exchange.client_register', 'exchange.local_group_delete', 'exchange.local_group_save']),
    );
  });
});

describe('X-Road-UserId', () => {
  it('is the client\'s free text, recorded with the system that asserted it; a person\'s tracker shows who said so', async () => {
    const free = await t.exchange({ url: `/r1/${POPULATION}/persons/${citizen.identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES', 'x-road-userid': 'EE:jaan.tamm@example.ee' } });
    expect(free.statusCode).toBe(200);
    const logged = await t.node.database.db.selectFrom('message_log').select(['user_id', 'client_id']).where('request_id', '=', String(free.headers['x-road-request-id'])).execute();
    expect(logged.every((m) => m.user_id === 'EE:jaan.tamm@example.ee' && m.client_id === 'KZ/GOV/LEGALSTAT/CASES')).toBe(true);
    await t.exchange({ url: `/r1/${POPULATION}/persons/${citizen.identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES', 'x-road-userid': `KZ${citizen.identifier}` } });
    const token = await t.signIn(citizen);
    const tracker = (await t.app.inject({ url: '/api/v1/me/data-access', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(tracker).toContainEqual(expect.objectContaining({ role: 'user', client: 'KZ/GOV/LEGALSTAT/CASES', assertedBy: 'KZ/GOV/LEGALSTAT/CASES' }));
    expect(tracker.filter((e: { role: string }) => e.role === 'subject').every((e: { assertedBy: string | null }) => e.assertedBy === null)).toBe(true);
  });
});
