import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInterfaceHandler, type ClientInterface, startClientInterface } from '../src/exchange/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// The cases of X-Road's own RestProxyTest (src/service/proxy/proxy-core/…/RestProxyTest.java), one by one, against the
// client interface over a real socket, with an agency's echo system behind it in place of X-Road's test service.
// Where Ortak answers otherwise, the test says so and why.
let t: TestNode;
let ci: ClientInterface;
let echo: Server;
let seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
const CONSUMER = 'KZ/COM/consumer/sub';
const PREFIX = '/r1/KZ/COM/producer/sub';

beforeAll(async () => {
  t = await createTestNode({ env: { ORTAK_EXCHANGE_MAX_BODY: String(16 * 1024 * 1024) } });
  echo = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const url = new URL(req.url!, 'http://echo');
      if (url.pathname.endsWith('/redirect')) return void res.writeHead(302, { location: `${PREFIX}/echo/notexists` }).end();
      if (url.searchParams.has('bytes')) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(Number(url.searchParams.get('bytes')), 7));
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', date: new Date().toUTCString() }).end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  const operator = { authorization: `Bearer ${await t.signIn(t.persona({ role: 'operator' }))}` };
  const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  for (const [service, method] of [['echo', undefined], ['test', undefined], ['service', 'GET']] as const) {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/exchange/external-services', headers: operator, payload: { service: `KZ/COM/producer/sub/${service}`, url } })).statusCode).toBe(201);
    await t.app.inject({ method: 'POST', url: '/api/v1/exchange/access-rights', headers: operator, payload: { service: `KZ/COM/producer/sub/${service}`, client: CONSUMER, ...(method ? { method } : {}) } });
  }
  await t.app.inject({ method: 'POST', url: '/api/v1/exchange/clients', headers: operator, payload: { client: CONSUMER, connectionType: 'HTTP' } });
  ci = await startClientInterface({ host: '127.0.0.1', port: 0, tls: t.node.clientInterfaceTls }, clientInterfaceHandler(t.node.gateway, { maxBodyBytes: t.node.config.exchangeMaxBodyBytes }));
});
afterAll(async () => {
  await ci.close();
  echo.closeAllConnections();
  await new Promise((r) => echo.close(r));
  await t.close();
});

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: Buffer;
}
function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  seen = [];
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ci.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe("X-Road's RestProxyTest cases", () => {
  it('shouldFailIfClientHeaderMissing (400 here: PR-REST §4.6 makes a protocol error category 3; X-Road answers 500)', async () => {
    const res = await call('GET', `${PREFIX}/echo`, { 'content-type': 'application/json' });
    expect([res.status, res.headers['x-road-error']]).toEqual([400, 'Client.InvalidClientIdentifier']);
  });

  it('shouldFailIfMalformedRequestURI', async () => {
    const res = await call('GET', '/r1/invalid', { 'content-type': 'application/json', 'x-road-client': CONSUMER });
    expect(res.headers['x-road-error']).toBe('Client.InvalidServiceIdentifier');
  });

  it('shouldHandleSimplePost, shouldHaveContentLengthHeader, shouldKeepQueryId, shouldHaveOnlyOneDateHeader', async () => {
    const body = '{"value" : 42}';
    const res = await call('POST', `${PREFIX}/echo`, { 'content-type': 'application/json', 'x-road-client': CONSUMER, 'x-road-id': 'query-id-1' }, body);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ value: 42 });
    expect(seen[0].headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen[0].headers['x-road-id']).toBe('query-id-1');
    expect(res.headers['x-road-id']).toBe('query-id-1');
    expect(res.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'date')).toHaveLength(1);
  });

  it('requestHashShouldBeUnique', async () => {
    const headers = { 'content-type': 'application/json', 'x-road-client': CONSUMER, 'x-road-id': 'queryid' };
    const first = (await call('POST', `${PREFIX}/echo`, headers)).headers['x-road-request-hash'];
    expect(first).toBeTruthy();
    expect((await call('POST', `${PREFIX}/echo`, headers)).headers['x-road-request-hash']).not.toBe(first);
  });

  it('shouldAcceptPercentEncodedIdentifiers: the provider\'s path is passed as sent; identifiers keep to PR-REST §4.8', async () => {
    const res = await call('GET', `${PREFIX}/echo/path%3B/`, { 'x-road-client': CONSUMER });
    expect(res.status).toBe(200);
    expect(seen[0].url).toBe('/path%3B/');
    // X-Road's implementation also takes "sub%2Fsystem" and "%C3%B6%C3%A4%C3%A5" in identifiers; §4.8 allows neither
    const strict = await call('GET', `${PREFIX}/echo/`, { 'x-road-client': 'KZ/COM/consumer/sub%2Fsystem' });
    expect(strict.headers['x-road-error']).toBe('Client.InvalidClientIdentifier');
    expect((await call('GET', '/r1/KZ/COM/producer/sub/%C3%B6%C3%A4%C3%A5/x', { 'x-road-client': CONSUMER })).headers['x-road-error']).toBe('Client.InvalidServiceIdentifier');
  });

  it('shouldAcceptEmptyPath', async () => {
    expect((await call('GET', `${PREFIX}/echo/`, { 'x-road-client': CONSUMER })).status).toBe(200);
    expect(seen[0].url).toBe('/');
  });

  it('shouldGetLargeBinaryMessage (13 MiB and 104,729 bytes, under an ORTAK_EXCHANGE_MAX_BODY of 16 MiB)', async () => {
    const bytes = 13 * 1024 * 1024 + 104_729;
    const res = await call('GET', `${PREFIX}/test?bytes=${bytes}`, { 'content-type': 'application/json', 'x-road-client': CONSUMER });
    expect([res.status, res.body.length, res.body.every((b) => b === 7)]).toEqual([200, bytes, true]);
  });

  it('shouldNotFollow302Redirects', async () => {
    const res = await call('GET', `${PREFIX}/echo/redirect`, { 'x-road-client': CONSUMER });
    expect([res.status, res.headers.location]).toEqual([302, `${PREFIX}/echo/notexists`]);
  });

  it('shouldNotAllowPATCH (a right to GET only)', async () => {
    expect((await call('GET', `${PREFIX}/service`, { 'x-road-client': CONSUMER })).status).toBe(200);
    const patch = await call('PATCH', `${PREFIX}/service`, { 'x-road-client': CONSUMER });
    expect([patch.status, patch.headers['x-road-error']]).toEqual([500, 'Server.ServerProxy.AccessDenied']);
  });

  it('shouldRespectAcceptHeaderInErrorResponse', async () => {
    const json = await call('GET', `${PREFIX}/nothing`, { 'content-type': 'application/json', accept: 'application/json;charset=utf-8', 'x-road-client': CONSUMER });
    expect([json.status, json.headers['x-road-error'], json.headers['content-type']]).toEqual([500, 'Server.ClientProxy.UnknownService', 'application/json; charset=utf-8']);
    const xml = await call('GET', `${PREFIX}/nothing`, { 'content-type': 'application/json', accept: 'text/xml', 'x-road-client': CONSUMER });
    expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(xml.body.toString()).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><error><type>Server\.ClientProxy\.UnknownService<\/type><message>[^<]*<\/message><detail>[^<]+<\/detail><\/error>$/);
  });
});
