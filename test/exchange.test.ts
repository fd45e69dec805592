import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { verifyMessageLog } from '../src/exchange/index.js';
import type { DemoPersona } from '../src/demo/seed.js';
import { createTestNode, type TestNode } from './support/node.js';

// The gateway as an integrator uses it: plain HTTP with X-Road's documented headers only.
let t: TestNode;
let citizen: DemoPersona;
const POPULATION = '/r1/KZ/GOV/MVD/REGISTRIES/population';
const RECORDS = '/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records';
const CLIENT = 'KZ/GOV/LEGALSTAT/CASES'; // a subsystem of a member that was granted the registers

beforeAll(async () => {
  t = await createTestNode();
  citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
});
afterAll(() => t.close());

const call = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET') => t.exchange({ method, url, headers });

describe('the exchange gateway (X-Road Message Protocol for REST)', () => {
  it('answers a granted request with the register\'s data and X-Road\'s headers, the request hash included', async () => {
    const headers = { 'x-road-client': CLIENT, 'x-road-id': 'msg-1', 'x-road-userid': `KZ${citizen.identifier}`, 'x-road-issue': 'KZ-2026-00000042' };
    const res = await call(`${POPULATION}/persons/${citizen.identifier}`, headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ identifier: citizen.identifier, givenName: 'Айгерім', familyName: 'Сейітова' });
    expect(res.headers).toMatchObject({ 'x-road-client': CLIENT, 'x-road-service': 'KZ/GOV/MVD/REGISTRIES/population', 'x-road-id': 'msg-1' });
    expect(res.headers['x-road-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-road-error']).toBeUndefined();
    // PR-REST §4.3, computed here by hand: without a body, base64 of SHA-512 of the request's "headers" part — the
    // method, the path, then each header that travels as name:value (the client's, then the exchange's request id),
    // every line ending in CRLF. The request id makes it unique to this exchange.
    const lines = ['GET', `${POPULATION}/persons/${citizen.identifier}`, ...Object.entries(headers).map(([k, v]) => `${k}:${v}`), `x-road-request-id:${res.headers['x-road-request-id']}`];
    const expected = createHash('sha512').update(lines.map((l) => `${l}\r\n`).join('')).digest('base64');
    expect(res.headers['x-road-request-hash']).toBe(expected);
    const again = await call(`${POPULATION}/persons/${citizen.identifier}`, headers);
    expect(again.headers['x-road-request-hash']).not.toBe(expected);
  });

  it('finds a conviction, and none for a person without one', async () => {
    const clean = await call(`${RECORDS}/records/${citizen.identifier}`, { 'x-road-client': CLIENT });
    expect(clean.json()).toMatchObject({ found: false, records: [] });
    const withRecord = await t.node.database.db.selectFrom('persons').innerJoin('criminal_records', 'criminal_records.person_id', 'persons.id').select('national_id').where('state', '=', 'KZ').executeTakeFirstOrThrow();
    const res = await call(`${RECORDS}/records/${withRecord.national_id}`, { 'x-road-client': CLIENT });
    expect(res.json()).toMatchObject({ found: true, records: [expect.objectContaining({ article: expect.stringContaining('188') })] });
  });

  it('passes the provider\'s own error through unchanged, without X-Road-Error', async () => {
    const res = await call(`${POPULATION}/persons/000000000000`, { 'x-road-client': CLIENT });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-road-error']).toBeUndefined();
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers protocol and access faults with the documented X-Road errors', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [`${POPULATION}/persons/${citizen.identifier}`, {}, 400, 'Client.InvalidClientIdentifier'],
      [`${POPULATION}/persons/${citizen.identifier}`, { 'x-road-client': 'KZ/NOPE/X' }, 400, 'Client.InvalidClientIdentifier'],
      [`${POPULATION}/persons/${citizen.identifier}`, { 'x-road-client': 'KZ/GOV/%ZZ' }, 400, 'Client.InvalidClientIdentifier'],
      ['/r1/KZ/GOV', { 'x-road-client': CLIENT }, 400, 'Client.InvalidServiceIdentifier'],
      ['/r2/KZ/GOV/MVD/REGISTRIES/population/persons/1', { 'x-road-client': CLIENT }, 400, 'Client.InvalidProtocolVersion'],
      // instances and member classes come from the configuration: this node's own are its states', GOV, COM and NGO
      [`${POPULATION}/persons/${citizen.identifier}`, { 'x-road-client': 'EE/GOV/70000562/RIHA' }, 400, 'Client.InvalidClientIdentifier'],
      ['/r1/KZ/BIZ/MVD/REGISTRIES/population/persons/1', { 'x-road-client': CLIENT }, 400, 'Client.InvalidServiceIdentifier'],
      // (dot segments are refused by the path parser, see src/exchange/identifiers.test.ts; the in-process HTTP
      // injector used here resolves them before the gateway sees the URL, as curl does without --path-as-is)
      [`${POPULATION}/persons/a%2Fb`, { 'x-road-client': CLIENT }, 400, 'Client.InvalidServiceIdentifier'],
      [`${POPULATION}/persons/${citizen.identifier}`, { 'x-road-client': CLIENT, 'x-road-userid': 'x'.repeat(256) }, 400, 'Client.InvalidUserId'],
      ['/r1/KZ/GOV/MVD/REGISTRIES/nosuchservice/x', { 'x-road-client': CLIENT }, 500, 'Server.ClientProxy.UnknownService'],
      // a system not registered on this node is served nothing, granted or not
      [`${POPULATION}/persons/${citizen.identifier}`, { 'x-road-client': 'TR/COM/12345/APP' }, 500, 'Server.ClientProxy.UnknownMember'],
      // a registered system without the right
      [`${POPULATION}/persons/${citizen.identifier}`, { 'x-road-client': 'KZ/GOV/PERINATAL-ALMATY/HIS' }, 500, 'Server.ServerProxy.AccessDenied'],
    ];
    for (const [url, headers, status, type] of cases) {
      const res = await call(url, headers);
      expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(status);
      expect(res.headers['x-road-error'], `${url} ${res.body}`).toBe(type);
      expect(res.headers['content-type']).toContain('application/json');
      const body = res.json();
      expect(body).toEqual({ type, message: expect.any(String), detail: expect.any(String) });
    }
  });

  it('validates and honours X-Road-Represented-Party and X-Road-Security-Server', async () => {
    const url = `${POPULATION}/persons/${citizen.identifier}`;
    const represented = await call(url, { 'x-road-client': CLIENT, 'x-road-represented-party': 'COM/123456789012' });
    expect(represented.statusCode).toBe(200);
    const logged = await t.node.database.db.selectFrom('message_log').select(['side', 'represented_party']).where('request_id', '=', String(represented.headers['x-road-request-id'])).execute();
    expect(logged.map((r) => r.represented_party)).toEqual(['COM/123456789012', 'COM/123456789012', 'COM/123456789012', 'COM/123456789012']);
    expect((await call(url, { 'x-road-client': CLIENT, 'x-road-represented-party': 'A/B/C' })).headers['x-road-error']).toBe('Client.InvalidRepresentedParty');
    // this node on its own answers to the server code "local"
    expect((await call(url, { 'x-road-client': CLIENT, 'x-road-security-server': 'KZ/GOV/MVD/local' })).statusCode).toBe(200);
    expect((await call(url, { 'x-road-client': CLIENT, 'x-road-security-server': 'KZ/GOV/MVD/SS2' })).headers['x-road-error']).toBe('Server.ClientProxy.InvalidSecurityServer');
    expect((await call(url, { 'x-road-client': CLIENT, 'x-road-security-server': 'KZ/GOV/MVD' })).headers['x-road-error']).toBe('Client.InvalidSecurityServer');
    expect(await verifyMessageLog(t.node.database.db)).toMatchObject({ ok: true });
  });

  it('lets the operator grant and revoke access, and the provider enforces it', async () => {
    const operator = await t.signIn(t.persona({ role: 'operator' }));
    const client = 'UZ/COM/305123456/HRPORTAL';
    const url = `${RECORDS}/records/${citizen.identifier}`;
    expect((await call(url, { 'x-road-client': client })).headers['x-road-error']).toBe('Server.ClientProxy.UnknownMember');
    const registered = await t.app.inject({ method: 'POST', url: '/api/v1/exchange/clients', headers: { authorization: `Bearer ${operator}` }, payload: { client, connectionType: 'HTTP' } });
    expect(registered.statusCode).toBe(201);
    expect((await call(url, { 'x-road-client': client })).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    const body = { service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', client };
    const granted = await t.app.inject({ method: 'POST', url: '/api/v1/exchange/access-rights', headers: { authorization: `Bearer ${operator}` }, payload: body });
    expect(granted.statusCode).toBe(201);
    expect((await call(url, { 'x-road-client': client })).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: '/api/v1/exchange/access-rights', headers: { authorization: `Bearer ${operator}` }, payload: body });
    expect(revoked.json()).toEqual({ revoked: true });
    expect((await call(url, { 'x-road-client': client })).headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    const citizenToken = await t.signIn(citizen);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/exchange/access-rights', headers: { authorization: `Bearer ${citizenToken}` }, payload: body })).statusCode).toBe(403);
  });

  it('shows the person every query that named them, as user or as subject', async () => {
    const token = await t.signIn(citizen);
    const before = (await t.app.inject({ url: '/api/v1/me/data-access', headers: { authorization: `Bearer ${token}` } })).json().items.length;
    await call(`${RECORDS}/records/${citizen.identifier}`, { 'x-road-client': CLIENT, 'x-road-issue': 'employment check' });
    const items = (await t.app.inject({ url: '/api/v1/me/data-access', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(items.length).toBe(before + 1);
    expect(items[0]).toMatchObject({ role: 'subject', client: CLIENT, service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', issue: 'employment check' });
  });

  it('logs both sides of every message in a chain that detects an edited row', async () => {
    const db = t.node.database.db;
    const rows = await db.selectFrom('message_log').select(['side', 'direction', 'request_id', 'error_type']).orderBy('id').execute();
    const sides = new Map<string, string[]>();
    for (const r of rows) sides.set(r.request_id, [...(sides.get(r.request_id) ?? []), `${r.side}:${r.direction}`]);
    // a served request is logged four times: client and provider, request and response
    const served = ['client:request', 'client:response', 'provider:request', 'provider:response'].join(',');
    expect([...sides.values()].some((s) => [...s].sort().join(',') === served)).toBe(true);
    // inside one node too, each message is signed as between nodes: the request by the client's side, the answer
    // by the provider's, each side logging the same signature and request hash
    const signed = await db.selectFrom('message_log').select(['side', 'direction', 'signature', 'request_hash']).where('request_id', '=', [...sides.entries()].find(([, s]) => s.length === 4)![0]).execute();
    const of = (side: string, direction: string) => signed.find((r) => r.side === side && r.direction === direction)!;
    for (const r of signed) expect(r.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(of('client', 'request').signature).toBe(of('provider', 'request').signature);
    expect(of('client', 'response').signature).toBe(of('provider', 'response').signature);
    expect(new Set(signed.map((r) => r.request_hash)).size).toBe(1);
    // a request refused on the client side never reached a provider
    expect([...sides.values()].some((s) => s.join(',') === 'client:request,client:response')).toBe(true);
    expect(await verifyMessageLog(db)).toMatchObject({ ok: true });
    const operator = await t.signIn(t.persona({ role: 'operator' }));
    const listed = (await t.app.inject({ url: `/api/v1/exchange/message-log?requestId=${rows[0].request_id}`, headers: { authorization: `Bearer ${operator}` } })).json().items;
    expect(listed.map((m: { side: string; direction: string }) => `${m.side}:${m.direction}`).sort().join(',')).toBe(served);
    // filtered by client (a member stands for all its subsystems), by service, and to errors only
    const log = async (query: string) => (await t.app.inject({ url: `/api/v1/exchange/message-log?limit=500&${query}`, headers: { authorization: `Bearer ${operator}` } })).json().items as { client: string; service: string; errorType: string | null }[];
    const member = CLIENT.split('/').slice(0, 3).join('/');
    const byMember = await log(`client=${encodeURIComponent(member)}`);
    expect(byMember.length).toBeGreaterThan(0);
    expect(byMember.every((m) => m.client === member || m.client.startsWith(`${member}/`))).toBe(true);
    const byService = await log('service=KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records');
    expect(byService.length).toBeGreaterThan(0);
    expect(byService.every((m) => m.service === 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records')).toBe(true);
    const failed = await log('errors=true');
    expect(failed.length).toBe(rows.filter((r) => r.error_type !== null).length);
    expect((await t.app.inject({ url: '/api/v1/exchange/message-log', headers: { authorization: `Bearer ${await t.signIn(citizen)}` } })).statusCode).toBe(403);
    const victim = rows[3];
    await db.updateTable('message_log').set({ status: 299 }).where('request_id', '=', victim.request_id).where('direction', '=', 'response').where('side', '=', 'client').execute();
    expect((await verifyMessageLog(db)).ok).toBe(false);
  });
});

describe('logging bodies', () => {
  it('keeps every body by default, and only the hashes for a subsystem the operator set to metadata only', async () => {
    const node = await createTestNode({ env: { ORTAK_MESSAGE_LOG_METADATA_ONLY: 'KZ/GOV/LEGALSTAT/PRIVATE' } });
    try {
      const person = node.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
      const operator = { authorization: `Bearer ${await node.signIn(node.persona({ role: 'operator' }))}` };
      await node.app.inject({ method: 'POST', url: '/api/v1/exchange/clients', headers: operator, payload: { client: 'KZ/GOV/LEGALSTAT/PRIVATE', connectionType: 'HTTP' } });
      await node.app.inject({ method: 'POST', url: '/api/v1/exchange/access-rights', headers: operator, payload: { service: 'KZ/GOV/MVD/REGISTRIES/population', client: 'KZ/GOV/LEGALSTAT/PRIVATE' } });
      for (const client of ['KZ/GOV/LEGALSTAT/PRIVATE', CLIENT]) {
        expect((await node.exchange({ url: `${POPULATION}/persons/${person.identifier}`, headers: { 'x-road-client': client } })).statusCode).toBe(200);
      }
      const rows = await node.node.database.db.selectFrom('message_log').select(['client_id', 'direction', 'body', 'body_sha512']).execute();
      for (const r of rows) {
        expect(r.body_sha512).toBeTruthy();
        if (r.client_id === CLIENT && r.direction === 'response') expect(Buffer.from(r.body!).toString()).toContain(person.identifier);
        if (r.client_id === 'KZ/GOV/LEGALSTAT/PRIVATE') expect(r.body).toBeNull();
      }
      expect(await verifyMessageLog(node.node.database.db)).toMatchObject({ ok: true });
    } finally {
      await node.close();
    }
  });
});

describe('pre-filling a form from the registers', () => {
  it('fills what the registers know, says where each value came from, and shows the query in the tracker', async () => {
    const token = await t.signIn(citizen);
    const res = await t.app.inject({ url: '/api/v1/services/kz-marriage-registration/prefill', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const { fields, unavailable } = res.json();
    expect(fields.applicantSurnameAfter).toMatchObject({ value: 'Сейітова', source: 'KZ/GOV/MVD/REGISTRIES/population', registry: 'population' });
    expect(Array.isArray(unavailable)).toBe(true);
    const tracker = (await t.app.inject({ url: '/api/v1/me/data-access', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(tracker[0]).toMatchObject({ issue: 'prefill:kz-marriage-registration', service: 'KZ/GOV/MVD/REGISTRIES/population', client: 'KZ/GOV/CIVILREG/SERVICES' });
    expect((await t.app.inject({ url: '/api/v1/services/kz-marriage-registration/prefill' })).statusCode).toBe(401);
  });
});

describe('the address register', () => {
  const ADDRESSES = '/r1/KZ/GOV/MCRIAP/REGISTRIES/addresses';
  it('gives a person\'s registered address, written out, and an address by its code', async () => {
    const res = await call(`${ADDRESSES}/persons/${citizen.identifier}/address`, { 'x-road-client': CLIENT, 'x-road-issue': 'address check' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ identifier: citizen.identifier, found: true, code: expect.stringMatching(/^\d{16}$/), region: 'Алматы қаласы' });
    expect(body.fullAddress).toContain('Абай даңғылы 52');
    expect(body.registeredOn).toMatch(/^\d{4}-\d{2}-01$/);
    expect((await call(`${ADDRESSES}/addresses/${body.code}`, { 'x-road-client': CLIENT })).json()).toMatchObject({ code: body.code, street: 'Абай даңғылы' });
    expect((await call(`${ADDRESSES}/addresses/0000000000000000`, { 'x-road-client': CLIENT })).statusCode).toBe(404);
    expect((await call(`${ADDRESSES}/persons/000000000000/address`, { 'x-road-client': CLIENT })).json()).toEqual({ identifier: '000000000000', found: false, registeredOn: null });
    const token = await t.signIn(citizen);
    const tracker = (await t.app.inject({ url: '/api/v1/me/data-access', headers: { authorization: `Bearer ${token}` } })).json().items;
    expect(tracker[0]).toMatchObject({ role: 'subject', service: 'KZ/GOV/MCRIAP/REGISTRIES/addresses', issue: 'address check' });
  });

  it('pre-fills a form\'s address with its source', async () => {
    const token = await t.signIn(citizen);
    const res = await t.app.inject({ url: '/api/v1/services/kz-individual-entrepreneur-registration/prefill', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json().fields.businessAddress).toMatchObject({ source: 'KZ/GOV/MCRIAP/REGISTRIES/addresses', registry: 'addresses', value: expect.stringContaining('Алматы қаласы') });
  });
});

describe('the business register', () => {
  it('finds an entity by its number and the businesses a person heads, with the person\'s age in the population register', async () => {
    const headers = { 'x-road-client': 'KZ/GOV/KGD/TAXES' };
    const org = await t.node.database.db.selectFrom('organizations').select(['business_id']).where('state', '=', 'KZ').executeTakeFirstOrThrow();
    const byId = await t.exchange({ url: `/r1/KZ/GOV/MINJUST/REGISTRIES/businesses/businesses/${org.business_id}`, headers });
    expect(byId.statusCode).toBe(200);
    expect(byId.json()).toMatchObject({ businessId: org.business_id, head: citizen.identifier });
    const heads = await t.exchange({ url: `/r1/KZ/GOV/MINJUST/REGISTRIES/businesses/persons/${citizen.identifier}/businesses`, headers });
    expect(heads.json()).toMatchObject({ found: true, businesses: [expect.objectContaining({ businessId: org.business_id })] });
    const person = await t.exchange({ url: `${POPULATION}/persons/${citizen.identifier}`, headers });
    // born 1990-04-12; the test node's clock stands at 2026-03-02
    expect(person.json().age).toBe(35);
  });
});

describe('the message log under load and across restarts', () => {
  it('logs every one of many concurrent round trips, in one chain per process that follows the one before it', async () => {
    const node = await createTestNode({ persistent: true });
    try {
      const person = node.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
      const burst = () => Promise.all(Array.from({ length: 40 }, () => node.exchange({ url: `${POPULATION}/persons/${person.identifier}`, headers: { 'x-road-client': CLIENT } })));
      expect((await burst()).map((r) => r.statusCode)).toEqual(Array(40).fill(200));
      await node.restart();
      expect((await burst()).map((r) => r.statusCode)).toEqual(Array(40).fill(200));
      const db = node.node.database.db;
      const rows = await db.selectFrom('message_log').select(['id', 'chain', 'prev_hash', 'hash']).orderBy('id').execute();
      expect(rows).toHaveLength(80 * 4);
      const chains = [...new Set(rows.map((r) => r.chain))];
      expect(chains).toHaveLength(2);
      const firstOfSecond = rows.find((r) => r.chain === chains[1])!;
      expect(firstOfSecond.prev_hash).toBe(rows.filter((r) => r.chain === chains[0]).at(-1)!.hash);
      expect(await verifyMessageLog(db)).toEqual({ ok: true, rows: 320 });
      // Cutting the first process's last row breaks the link the second chain starts from.
      await db.deleteFrom('message_log').where('hash', '=', firstOfSecond.prev_hash!).execute();
      expect(await verifyMessageLog(db)).toMatchObject({ ok: false, brokenAt: Number(firstOfSecond.id) });
    } finally {
      await node.close();
    }
  });
});
