import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHash, X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalTlsCertificate } from '../src/exchange/federation-admin.js';
import { createTestNode, type TestNode } from './support/node.js';

// An agency's own REST system behind the exchange: registered with its address, time limit and TLS settings, and
// everything passes through — method, path, query, headers (a JWT among them), any content type — both ways.
let t: TestNode;
let operator: Record<string, string>;
const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string; peerCertificate?: string }[] = [];
let plain: Server;
let tls: Server;
const tlsKey = await createInternalTlsCertificate(['127.0.0.1'], new Date());

// The agency's system: echoes what it was sent, answers in its own format, and misbehaves on some paths.
function system(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const peer = 'getPeerCertificate' in req.socket ? (req.socket as import('node:tls').TLSSocket).getPeerCertificate() : undefined;
    seen.push({ method: req.method, url: req.url, headers: req.headers, body, peerCertificate: peer?.raw ? createHash('sha256').update(peer.raw).digest('hex') : undefined });
    if (req.url?.startsWith('/api/slow')) return; // never answers
    if (req.url?.startsWith('/api/redirect')) return void res.writeHead(302, { location: 'https://elsewhere.example/deeds/7' }).end();
    if (req.url?.startsWith('/api/big')) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(3000));
    res.writeHead(201, { 'content-type': 'application/xml; charset=utf-8', 'x-echo': 'yes', 'cache-control': 'max-age=60', etag: '"v7"', 'x-road-error': 'not-from-the-system' });
    res.end(`<echo method="${req.method}">${body}</echo>`);
  });
}

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  t = await createTestNode({ env: { ORTAK_EXCHANGE_MAX_BODY: '2000' } });
  operator = { authorization: `Bearer ${await t.signIn(t.persona({ role: 'operator' }))}` };
  plain = createHttpServer(system);
  tls = createHttpsServer({ key: tlsKey.keyPem, cert: tlsKey.certPem, requestCert: true, rejectUnauthorized: false }, system);
  const [plainPort, tlsPort] = await Promise.all([listen(plain), listen(tls)]);
  const register = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/exchange/external-services', headers: operator, payload });
  expect((await register({ service: 'KZ/GOV/MINJUST/NOTARY/deeds', url: `http://127.0.0.1:${plainPort}/api`, timeoutMs: 500 })).statusCode).toBe(201);
  expect((await register({ service: 'KZ/GOV/MINJUST/NOTARY/secure', url: `https://127.0.0.1:${tlsPort}/api`, tlsCa: tlsKey.certPem })).statusCode).toBe(201);
  expect((await register({ service: 'KZ/GOV/MINJUST/NOTARY/untrusted', url: `https://127.0.0.1:${tlsPort}/api` })).statusCode).toBe(201);
  expect((await register({ service: 'KZ/GOV/MINJUST/NOTARY/gone', url: 'http://127.0.0.1:9/api', timeoutMs: 500 })).statusCode).toBe(201);
  for (const service of ['deeds', 'secure', 'untrusted', 'gone']) {
    await t.app.inject({ method: 'POST', url: '/api/v1/exchange/access-rights', headers: operator, payload: { service: `KZ/GOV/MINJUST/NOTARY/${service}`, client: 'KZ/GOV/LEGALSTAT/CASES' } });
  }
});
afterAll(async () => {
  plain.closeAllConnections();
  tls.closeAllConnections();
  await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => tls.close(r))]);
  await t.close();
});

const call = (method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', url: string, headers: Record<string, string> = {}, payload?: string) =>
  t.exchange({ method, url, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES', ...headers }, payload });

describe("an agency's own system behind the exchange", () => {
  it('receives the method, path, query, headers and body as sent, and its answer comes back as it wrote it', async () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJjbGVyayJ9.c2lnbmF0dXJl';
    const res = await call('PUT', '/r1/KZ/GOV/MINJUST/NOTARY/deeds/items/7?x=1&y=%2F&y=2', {
      'content-type': 'application/xml',
      accept: 'application/xml',
      authorization: `Bearer ${jwt}`,
      'x-custom-header': 'kept',
      'cache-control': 'no-cache',
      'x-road-userid': 'KZ900412473208',
    }, '<deed id="7"/>');
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'PUT', url: '/api/items/7?x=1&y=%2F&y=2', body: '<deed id="7"/>' });
    expect(got.headers).toMatchObject({
      'content-type': 'application/xml', accept: 'application/xml', authorization: `Bearer ${jwt}`, 'x-custom-header': 'kept', 'cache-control': 'no-cache',
      'x-road-client': 'KZ/GOV/LEGALSTAT/CASES', 'x-road-userid': 'KZ900412473208', 'x-road-request-id': res.headers['x-road-request-id'],
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers).toMatchObject({ 'content-type': 'application/xml; charset=utf-8', 'x-echo': 'yes', 'cache-control': 'max-age=60', etag: '"v7"' });
    // X-Road's own headers are the gateway's to set: the system's X-Road-Error does not pass as the exchange's
    expect(res.headers['x-road-error']).toBeUndefined();
    expect(res.body).toBe('<echo method="PUT"><deed id="7"/></echo>');
    expect(res.headers['x-road-request-hash']).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  it('passes any method, and redirects back without following them', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE', 'POST'] as const) {
      expect((await call(method, '/r1/KZ/GOV/MINJUST/NOTARY/deeds/items/7', { 'content-type': 'text/plain' }, method === 'GET' ? undefined : 'x')).statusCode).toBe(201);
      expect(seen.at(-1)!.method).toBe(method);
    }
    const redirected = await call('GET', '/r1/KZ/GOV/MINJUST/NOTARY/deeds/redirect');
    expect([redirected.statusCode, redirected.headers.location]).toEqual([302, 'https://elsewhere.example/deeds/7']);
  });

  it('is called over https with the node\'s client certificate, its own certificate checked', async () => {
    const ok = await call('GET', '/r1/KZ/GOV/MINJUST/NOTARY/secure/items/1');
    expect(ok.statusCode).toBe(201);
    const nodeCertificate = createHash('sha256').update(new X509Certificate(t.node.clientInterfaceTls.certPem).raw).digest('hex');
    expect(seen.at(-1)!.peerCertificate).toBe(nodeCertificate);
    // its certificate is self-signed: without the CA given at registration, it is not trusted
    const untrusted = await call('GET', '/r1/KZ/GOV/MINJUST/NOTARY/untrusted/items/1');
    expect([untrusted.statusCode, untrusted.headers['x-road-error']]).toEqual([500, 'Server.ServerProxy.ServiceFailed']);
  });

  it('answers X-Road\'s errors when the system is slow, unreachable or answers too much', async () => {
    const started = Date.now();
    const slow = await call('GET', '/r1/KZ/GOV/MINJUST/NOTARY/deeds/slow');
    expect([slow.statusCode, slow.headers['x-road-error']]).toEqual([500, 'Server.ServerProxy.ServiceTimeout']);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await call('GET', '/r1/KZ/GOV/MINJUST/NOTARY/gone/x')).headers['x-road-error']).toBe('Server.ServerProxy.ServiceFailed');
    // ORTAK_EXCHANGE_MAX_BODY is 2,000 bytes here, both ways
    expect((await call('GET', '/r1/KZ/GOV/MINJUST/NOTARY/deeds/big')).headers['x-road-error']).toBe('Server.ServerProxy.ServiceFailed');
    const tooLarge = await call('POST', '/r1/KZ/GOV/MINJUST/NOTARY/deeds/items', { 'content-type': 'text/plain' }, 'x'.repeat(2001));
    expect([tooLarge.statusCode, tooLarge.headers['x-road-error']]).toEqual([413, 'Client.RequestTooLarge']);
  });

  it('is refused to clients without the right, like any service', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/exchange/clients', headers: operator, payload: { client: 'KZ/GOV/LEGALSTAT/OTHER', connectionType: 'HTTP' } });
    const before = seen.length;
    const res = await t.exchange({ url: '/r1/KZ/GOV/MINJUST/NOTARY/deeds/items/7', headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/OTHER' } });
    expect(res.headers['x-road-error']).toBe('Server.ServerProxy.AccessDenied');
    expect(seen.length).toBe(before);
  });

  it('is registered only with a proper address, never over a register the node hosts', async () => {
    const register = (payload: object) => t.app.inject({ method: 'POST', url: '/api/v1/exchange/external-services', headers: operator, payload });
    for (const url of ['ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1/x', 'not a url', 'http://127.0.0.1/x?a=1']) {
      expect((await register({ service: 'KZ/GOV/MINJUST/NOTARY/other', url })).json(), url).toMatchObject({ status: 400, code: 'invalid_service_url' });
    }
    expect((await register({ service: 'KZ/GOV/MVD/REGISTRIES/population', url: 'http://127.0.0.1/x' })).json()).toMatchObject({ code: 'service_is_a_register' });
    expect((await register({ service: 'KZ/GOV/MINJUST/deeds', url: 'http://127.0.0.1/x' })).json()).toMatchObject({ code: 'invalid_service_id' });
    const listed = (await t.app.inject({ url: '/api/v1/exchange/services' })).json().items;
    expect(listed).toContainEqual(expect.objectContaining({ id: 'KZ/GOV/MINJUST/NOTARY/deeds', registry: 'external' }));
    expect(JSON.stringify(listed)).not.toContain('127.0.0.1');
  });
});
