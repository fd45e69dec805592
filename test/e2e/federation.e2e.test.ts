import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../support/run.js';
import { paths } from '../../src/platform/paths.js';
import { freePort } from '../support/ports.js';

// Two nodes as separate processes, each with its own database and ports, in one federation: Kyrgyzstan's work-permit
// system asks Kazakhstan's criminal records register about a Kazakh citizen, through both gateways (mutual TLS,
// signed messages), and the citizen sees it on the Kazakh node.
const dist = (file: string) => join(paths.root, 'dist', 'src', file);
const root = mkdtempSync(join(tmpdir(), 'ortak-federation-'));
const fed = join(root, 'federation');
const nodes: Record<string, { child?: ChildProcess; port: number; gateway: number; client: number; out: string }> = {};
// The federation operator's server, from which the nodes fetch the signed configuration.
const configServer: { child?: ChildProcess; port: number } = { port: 0 };

async function federation(...args: string[]) {
  const r = await run(process.execPath, [dist('cli/federation.js'), ...args]);
  if (r.status !== 0) throw new Error(`federation ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function startConfigServer() {
  // signed afresh every second here (60 s by default), valid for X-Road's default 600 s
  configServer.child = spawn(process.execPath, [dist('cli/federation.js'), 'serve', fed, String(configServer.port), '127.0.0.1', '--interval', '1', '--validity', '600'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => configServer.child!.stdout!.once('data', resolve));
}

async function stopConfigServer() {
  if (!configServer.child || configServer.child.exitCode !== null) return;
  configServer.child.kill('SIGTERM');
  await new Promise((r) => configServer.child!.once('exit', r));
}

async function startNode(id: string, state: string, configSource = `http://127.0.0.1:${configServer.port}/federation/config`) {
  const n = nodes[id];
  n.out = '';
  n.child = spawn(process.execPath, [dist('main.js')], {
    env: {
      ...process.env,
      PORT: String(n.port),
      ORTAK_CLIENT_PORT: String(n.client),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      ORTAK_DATA_DIR: join(root, `data-${id}`),
      ORTAK_STATES: state,
      ORTAK_NODE_ID: id,
      ORTAK_GATEWAY_PORT: String(n.gateway),
      ORTAK_NODE_KEY: join(fed, 'nodes', `${id}.key.pem`),
      ORTAK_NODE_CERT: join(fed, 'nodes', `${id}.cert.pem`),
      ORTAK_FEDERATION_ANCHOR: join(fed, 'anchor.cert.pem'),
      ORTAK_FEDERATION_CONFIG: configSource,
      ORTAK_FEDERATION_REFRESH_SECONDS: '1',
      ORTAK_EXCHANGE_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  n.child.stdout!.on('data', (d) => (n.out += d));
  n.child.stderr!.on('data', (d) => (n.out += d));
  for (let i = 0; i < 600; i++) {
    if (await fetch(`http://127.0.0.1:${n.port}/health`).then((r) => r.ok, () => false)) return;
    if (n.child.exitCode !== null) throw new Error(`${id} exited: ${n.out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${id} did not start: ${n.out}`);
}

async function stopNode(id: string) {
  const child = nodes[id].child;
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const json = async (res: Promise<Response>): Promise<any> => (await res).json();
const api = (id: string, path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${nodes[id].port}${path}`, init);
/** an information system on the node's machine calling its client interface */
const exchange = (id: string, path: string, init: RequestInit = {}) => fetch(`http://127.0.0.1:${nodes[id].client}${path}`, init);

async function signIn(id: string, filter: (p: { role: string; state: string; language: string }) => boolean) {
  const personas = await json(api(id, '/api/v1/auth/demo-personas'));
  const p = personas.find(filter);
  const { token } = await json(api(id, '/api/v1/auth/demo-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: p.qualifiedIdentifier, role: p.role }) }));
  return { token, identifier: p.identifier as string };
}

let kzCitizen: { token: string; identifier: string };
let kgOfficer: { token: string; identifier: string };
const crossBorder = (client = 'KG/GOV/MVD/WORKPERMITS') =>
  exchange('KG', `/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records/records/${kzCitizen.identifier}`, {
    headers: { 'X-Road-Client': client, 'X-Road-UserId': `KG${kgOfficer.identifier}`, 'X-Road-Issue': 'work permit WP-2026-117' },
  });

beforeAll(async () => {
  for (const id of ['KZ', 'KG']) nodes[id] = { port: await freePort(), gateway: await freePort(), client: await freePort(), out: '' };
  await federation('init', fed);
  await federation('add-node', fed, 'KZ', `https://127.0.0.1:${nodes.KZ.gateway}`, 'KZ');
  await federation('add-node', fed, 'KG', `https://127.0.0.1:${nodes.KG.gateway}`, 'KG');
  // a notary's own system behind the Kazakh node (an external service)
  await federation('add-subsystem', fed, 'KZ', 'KZ/GOV/MINJUST/NOTARY');
  await federation('publish', fed, '24');
  copyFileSync(join(fed, 'federation.json'), join(root, 'both-nodes.json'));
  configServer.port = await freePort();
  await startConfigServer();
  await Promise.all([startNode('KZ', 'KZ'), startNode('KG', 'KG')]);
  kzCitizen = await signIn('KZ', (p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'kk');
  // the Kyrgyz officer who works the work-permit application, as the query's user
  kgOfficer = await signIn('KG', (p) => p.role === 'officer' && p.state === 'KG');
  // Access rights belong to the provider: Kazakhstan grants Kyrgyzstan's work-permit system its criminal records.
  const operator = await signIn('KZ', (p) => p.role === 'operator');
  const granted = await api('KZ', '/api/v1/exchange/access-rights', {
    method: 'POST',
    headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', client: 'KG/GOV/MVD/WORKPERMITS' }),
  });
  expect(granted.status).toBe(201);
  // Two more systems registered on the Kyrgyz node: one that Kazakhstan has granted nothing, and one that names a
  // member of the Kazakh node (which the Kyrgyz node does not speak for).
  const kgOperator = await signIn('KG', (p) => p.role === 'operator');
  for (const client of ['KG/GOV/DRNAGS/CIVIL', 'KZ/GOV/MVD/ANYTHING']) {
    const registered = await api('KG', '/api/v1/exchange/clients', {
      method: 'POST',
      headers: { authorization: `Bearer ${kgOperator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client, connectionType: 'HTTP' }),
    });
    expect(registered.status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...Object.keys(nodes).map(stopNode), stopConfigServer()]);
  rmSync(root, { recursive: true, force: true });
});

describe('two nodes of a federation', () => {
  it('answer a cross-border request through both gateways, with X-Road headers', async () => {
    const res = await crossBorder();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ identifier: kzCitizen.identifier, found: false });
    expect(res.headers.get('x-road-service')).toBe('KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records');
    expect(res.headers.get('x-road-request-hash')).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  it('stream a body of the full ORTAK_EXCHANGE_MAX_BODY both ways between nodes, unchanged, and log it on both', async () => {
    // The notary's system: hashes what it receives as it arrives, and answers with 10 MiB of its own.
    const { createServer } = await import('node:http');
    const { createHash, randomBytes } = await import('node:crypto');
    const answerBytes = randomBytes(10 * 1024 * 1024);
    const system = createServer((req, res) => {
      const digest = createHash('sha512');
      let size = 0;
      req.on('data', (c: Buffer) => (digest.update(c), (size += c.length)));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-received': `${size} ${digest.digest('base64')}` });
        res.end(answerBytes);
      });
    });
    await new Promise<void>((r) => system.listen(0, '127.0.0.1', r));
    const operator = await signIn('KZ', (p) => p.role === 'operator');
    const asOperator = (path: string, body: object) => api('KZ', path, { method: 'POST', headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { port } = system.address() as import('node:net').AddressInfo;
    expect((await asOperator('/api/v1/exchange/external-services', { service: 'KZ/GOV/MINJUST/NOTARY/deeds', url: `http://127.0.0.1:${port}/api` })).status).toBe(201);
    expect((await asOperator('/api/v1/exchange/access-rights', { service: 'KZ/GOV/MINJUST/NOTARY/deeds', client: 'KG/GOV/MVD/WORKPERMITS' })).status).toBe(201);
    try {
      const sent = randomBytes(10 * 1024 * 1024);
      const post = (body: Buffer) =>
        exchange('KG', '/r1/KZ/GOV/MINJUST/NOTARY/deeds/archive', { method: 'POST', headers: { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS', 'content-type': 'application/octet-stream' }, body });
      const res = await post(sent);
      expect([res.status, res.status === 200 ? '' : await res.text()]).toEqual([200, '']);
      expect(res.headers.get('x-received')).toBe(`${sent.length} ${createHash('sha512').update(sent).digest('base64')}`);
      expect(res.headers.get('content-length')).toBe(String(answerBytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(answerBytes)).toBe(true);
      // both bodies are in each node's message log (in parts), and each log still verifies
      const requestId = res.headers.get('x-road-request-id')!;
      for (const id of ['KG', 'KZ']) {
        const log = await json(api(id, `/api/v1/exchange/message-log?requestId=${requestId}`, { headers: { authorization: `Bearer ${(await signIn(id, (p) => p.role === 'operator')).token}` } }));
        expect(log.items.length).toBe(2);
      }
      // one byte over the limit: refused by the Kyrgyz client interface, nothing sent on
      const over = await post(Buffer.alloc(10 * 1024 * 1024 + 1));
      expect([over.status, over.headers.get('x-road-error')]).toEqual([413, 'Client.RequestTooLarge']);
    } finally {
      system.closeAllConnections();
      await new Promise((r) => system.close(r));
    }
  });

  it('answer the metaservices across nodes: the provider node lists its methods and what this client may call', async () => {
    const meta = (path: string) => exchange('KG', path, { headers: { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS' } });
    const listed = await json(meta('/r1/KZ/GOV/LEGALSTAT/REGISTRIES/listMethods'));
    expect(listed.service.map((s: { service_code: string }) => s.service_code)).toEqual(['criminal-records']);
    const allowed = await json(meta('/r1/KZ/GOV/LEGALSTAT/REGISTRIES/allowedMethods'));
    expect(allowed.service).toEqual([expect.objectContaining({ xroad_instance: 'KZ', service_code: 'criminal-records', endpoint_list: expect.arrayContaining([{ method: '*', path: '**' }]) })]);
    expect((await json(meta('/r1/KZ/GOV/MVD/REGISTRIES/allowedMethods'))).service).toEqual([]);
    const openapi = await json(meta('/r1/KZ/GOV/LEGALSTAT/REGISTRIES/getOpenAPI?serviceCode=criminal-records'));
    expect(openapi.paths['/records/{id}']).toBeTruthy();
    // and listClients names the federation's members, the other node's included
    const clients = await json(exchange('KG', '/listClients?xRoadInstance=KZ', { headers: { Accept: 'application/json' } }));
    expect(clients.member).toContainEqual(expect.objectContaining({ id: expect.objectContaining({ member_code: 'LEGALSTAT', subsystem_code: 'REGISTRIES', object_type: 'SUBSYSTEM' }) }));
  });

  it('log it on both sides, and show it in the Kazakh citizen\'s data tracker on the Kazakh node', async () => {
    const res = await crossBorder();
    const requestId = res.headers.get('x-road-request-id')!;
    const kg = await signIn('KG', (p) => p.role === 'operator');
    const kz = await signIn('KZ', (p) => p.role === 'operator');
    const kgLog = (await json(api('KG', `/api/v1/exchange/message-log?requestId=${requestId}`, { headers: { authorization: `Bearer ${kg.token}` } }))).items;
    const kzLog = (await json(api('KZ', `/api/v1/exchange/message-log?requestId=${requestId}`, { headers: { authorization: `Bearer ${kz.token}` } }))).items;
    expect(kgLog.map((m: { side: string; direction: string }) => `${m.side}:${m.direction}`).sort()).toEqual(['client:request', 'client:response']);
    expect(kzLog.map((m: { side: string; direction: string }) => `${m.side}:${m.direction}`).sort()).toEqual(['provider:request', 'provider:response']);
    expect(kzLog[0].requestHash).toBe(kgLog[0].requestHash);
    // each message that crossed is logged with the signature it carried, the same on both sides
    const bySide = (log: { side: string; direction: string; signature: string }[], key: string) => log.find((m) => `${m.side}:${m.direction}` === key)!.signature;
    expect(bySide(kgLog, 'client:request')).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(bySide(kzLog, 'provider:request')).toBe(bySide(kgLog, 'client:request'));
    expect(bySide(kzLog, 'provider:response')).toBe(bySide(kgLog, 'client:response'));
    const tracker = (await json(api('KZ', '/api/v1/me/data-access', { headers: { authorization: `Bearer ${kzCitizen.token}` } }))).items;
    expect(tracker).toContainEqual(expect.objectContaining({ role: 'subject', client: 'KG/GOV/MVD/WORKPERMITS', service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', issue: 'work permit WP-2026-117', requestId }));
    // and on the Kyrgyz node, the officer who asked sees the query they made
    const asked = (await json(api('KG', '/api/v1/me/data-access', { headers: { authorization: `Bearer ${kgOfficer.token}` } }))).items;
    expect(asked).toContainEqual(expect.objectContaining({ role: 'user', service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', requestId }));
  });

  it('are closed to strangers: the gateway is not on the public port, and an unregistered system is served nothing', async () => {
    const anonymous = await api('KG', `/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records/records/${kzCitizen.identifier}`, { headers: { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS' } });
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.get('x-road-error')).toBeNull();
  });

  it('answer the caller\'s own mistakes with Client.* errors, each logged', async () => {
    const records = `/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records/records/${kzCitizen.identifier}`;
    const cases: [string, Record<string, string>, string][] = [
      [records, {}, 'Client.InvalidClientIdentifier'],
      [records, { 'X-Road-Client': 'KG/GOV' }, 'Client.InvalidClientIdentifier'],
      ['/r1/KZ/GOV/LEGAL%2FSTAT/REGISTRIES/criminal-records/records/1', { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS' }, 'Client.InvalidServiceIdentifier'],
      [records, { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS', 'X-Road-UserId': 'x'.repeat(10_000) }, 'Client.InvalidUserId'],
      [records, { 'X-Road-Client': 'KG/GOV/MVD/UNREGISTERED' }, 'Server.ClientProxy.UnknownMember'],
      ['/r1/UZ/GOV/NOSUCH/REGISTRIES/population/persons/1', { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS' }, 'Server.ClientProxy.UnknownService'],
    ];
    const kg = await signIn('KG', (p) => p.role === 'operator');
    for (const [path, headers, type] of cases) {
      const res = await exchange('KG', path, { headers });
      expect([res.status, res.headers.get('x-road-error')]).toEqual([type.startsWith('Client.') ? 400 : 500, type]);
      expect(await res.json()).toMatchObject({ type, message: expect.any(String) });
      const log = (await json(api('KG', `/api/v1/exchange/message-log?requestId=${res.headers.get('x-road-request-id')}`, { headers: { authorization: `Bearer ${kg.token}` } }))).items;
      expect(log.map((m: { direction: string; errorType: string | null }) => `${m.direction}:${m.errorType}`).sort()).toEqual(['request:null', `response:${type}`]);
    }
  });

  it('refuse a client without an access right, and a node speaking for another node\'s member', async () => {
    const denied = await crossBorder('KG/GOV/DRNAGS/CIVIL');
    expect(denied.status).toBe(500);
    expect(denied.headers.get('x-road-error')).toBe('Server.ServerProxy.AccessDenied');
    const impostor = await crossBorder('KZ/GOV/MVD/ANYTHING');
    expect(impostor.headers.get('x-road-error')).toBe('Server.ServerProxy.AccessDenied');
    expect((await json(Promise.resolve(impostor))).message).toContain('KG does not speak for');
  });

  it('cut off a node that the operator removes from the configuration, and take it back', async () => {
    await federation('remove-node', fed, 'KG');
    await federation('publish', fed, '24');
    await new Promise((r) => setTimeout(r, 2500));
    const refused = await crossBorder();
    expect(refused.headers.get('x-road-error')).toBe('Server.ServerProxy.SslAuthenticationFailed');
    copyFileSync(join(root, 'both-nodes.json'), join(fed, 'federation.json'));
    await federation('publish', fed, '24');
    await new Promise((r) => setTimeout(r, 2500));
    expect((await crossBorder()).status).toBe(200);
  });

  it('let a provider grant a global group of the configuration, whose members on another node then may call', async () => {
    await federation('add-global-group', fed, 'KG/border-agencies', 'KG/GOV/DRNAGS/CIVIL');
    await federation('publish', fed, '24');
    await new Promise((r) => setTimeout(r, 2500));
    expect((await crossBorder('KG/GOV/DRNAGS/CIVIL')).headers.get('x-road-error')).toBe('Server.ServerProxy.AccessDenied');
    const operator = await signIn('KZ', (p) => p.role === 'operator');
    const grant = (method: string) =>
      api('KZ', '/api/v1/exchange/access-rights', {
        method,
        headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', globalGroup: 'KG/border-agencies', method: 'GET', path: '/records/*' }),
      });
    expect((await grant('POST')).status).toBe(201);
    expect((await crossBorder('KG/GOV/DRNAGS/CIVIL')).status).toBe(200);
    expect((await grant('DELETE')).status).toBe(200);
    expect((await crossBorder('KG/GOV/DRNAGS/CIVIL')).headers.get('x-road-error')).toBe('Server.ServerProxy.AccessDenied');
  });

  it('are served a configuration signed afresh every interval, with its lifetime', async () => {
    const read = async () => JSON.parse(Buffer.from((await (await fetch(`http://127.0.0.1:${configServer.port}/federation/config`)).text()).split('.')[1], 'base64url').toString('utf8'));
    const first = await read();
    await new Promise((r) => setTimeout(r, 1500));
    const second = await read();
    expect(Date.parse(second.issuedAt)).toBeGreaterThan(Date.parse(first.issuedAt));
    expect(Date.parse(second.expiresAt) - Date.parse(second.issuedAt)).toBe(600_000);
    expect(second.instances.map((i: { id: string }) => i.id)).toEqual(['KZ', 'AZ', 'KG', 'TR', 'UZ']);
  });

  it('keep the last good configuration when a new one is not signed under the anchor', async () => {
    // the operator's address answers a forged document for a while
    await stopConfigServer();
    const { createServer } = await import('node:http');
    const forger = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/jose' }).end('eyJhbGciOiJFUzI1NiJ9.e30.forged')).listen(configServer.port, '127.0.0.1');
    try {
      await new Promise((r) => setTimeout(r, 2500));
      expect((await crossBorder()).status).toBe(200);
      expect((await json(api('KG', '/health'))).federation).toMatchObject({ valid: true, problem: expect.stringMatching(/^(malformed|signature)$/) });
    } finally {
      await new Promise((r) => forger.close(r));
      await startConfigServer();
    }
  });

  it('keep the configuration in force while the operator\'s server is down, and take new ones when it is back', async () => {
    await stopConfigServer();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await crossBorder()).status).toBe(200);
    const health = await json(api('KG', '/health'));
    expect(health).toMatchObject({ federation: { valid: true } });
    await startConfigServer();
  });

  it('refuse a message between gateways that is forged or changed in transit', async () => {
    const { readFileSync } = await import('node:fs');
    const { request } = await import('node:https');
    const { createHash } = await import('node:crypto');
    const { CompactSign, importPKCS8, generateKeyPair } = await import('jose');
    const key = readFileSync(join(fed, 'nodes', 'KG.key.pem'), 'utf8');
    const cert = readFileSync(join(fed, 'nodes', 'KG.cert.pem'), 'utf8');
    const ca = readFileSync(join(fed, 'anchor.cert.pem'), 'utf8');
    const message = {
      method: 'GET', serviceId: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', clientId: 'KG/GOV/MVD/WORKPERMITS', path: `/records/${kzCitizen.identifier}`,
      xRoadId: 'x', requestId: 'r', userId: null, issue: null, requestHash: 'h', bodyLength: 0, bodySha512: createHash('sha512').digest('base64'), from: 'KG',
    };
    // a message between gateways: the signed envelope on its first line, then the body's bytes
    const post = (envelope: string, body = '') =>
      new Promise<{ status: number; type: string | undefined; text: string }>((resolve, reject) => {
        const req = request({ hostname: '127.0.0.1', port: nodes.KZ.gateway, path: '/exchange/v1/messages', method: 'POST', key, cert, ca }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['x-road-error'] as string | undefined, text }));
        });
        req.on('error', reject);
        req.end(`${envelope}\n${body}`);
      });
    const sign = async (payload: object, k: Parameters<InstanceType<typeof CompactSign>['sign']>[0]) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256' }).sign(k);
    // not signed at all
    expect(await post(JSON.stringify(message))).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidSignatureValue' });
    // signed with a key that is not KG's, over KG's own TLS connection
    const stranger = (await generateKeyPair('ES256')).privateKey;
    expect(await post(await sign(message, stranger))).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidSignatureValue' });
    // signed by KG, then changed in transit (another person asked about)
    const genuine = await sign(message, await importPKCS8(key, 'ES256'));
    const [h, , sig] = genuine.split('.');
    const altered = Buffer.from(JSON.stringify({ ...message, path: '/records/000000000000' })).toString('base64url');
    expect(await post(`${h}.${altered}.${sig}`)).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidSignatureValue' });
    // signed by KG and well formed, but claiming a request hash of its own: the provider signs the hash it computed
    // from the request it received (PR-REST §4.3, computed here by hand), never the one claimed
    const kgKey = await importPKCS8(key, 'ES256');
    const path = `/records/${kzCitizen.identifier}`;
    const claim = { ...message, requestId: 'claimed-hash-1', path, headers: [['x-road-client', 'KG/GOV/MVD/WORKPERMITS'], ['x-road-request-id', 'claimed-hash-1']], requestHash: 'NOT-A-HASH-OF-ANYTHING', sentAt: new Date().toISOString() };
    const signAsKg = (payload: object) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', typ: 'ortak-message+jws' }).sign(kgKey);
    const signedClaim = await signAsKg(claim);
    const answered = await post(signedClaim);
    expect(answered.status).toBe(200);
    const answer = JSON.parse(Buffer.from(answered.text.split('.')[1], 'base64url').toString('utf8'));
    const lines = ['GET', `/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records${path}`, 'x-road-client:KG/GOV/MVD/WORKPERMITS', 'x-road-request-id:claimed-hash-1'];
    expect(answer.requestHash).toBe(createHash('sha512').update(lines.map((l) => `${l}\r\n`).join('')).digest('base64'));
    // the same signed message again (a replay), and one signed an hour ago, are not served
    expect(await post(signedClaim)).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidMessage' });
    const stale = await signAsKg({ ...claim, requestId: 'stale-1', sentAt: new Date(Date.now() - 3_600_000).toISOString() });
    expect(await post(stale)).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidMessage' });
    // the envelope signs the body's length and SHA-512: a body changed by one byte, or longer than signed, is refused
    const withBody = (requestId: string) => ({ ...claim, method: 'POST', requestId, bodyLength: 5, bodySha512: createHash('sha512').update('hello').digest('base64'), sentAt: new Date().toISOString() });
    expect(await post(await signAsKg(withBody('body-1')), 'hellp')).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidSignatureValue' });
    expect(await post(await signAsKg(withBody('body-2')), 'hello!')).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidSignatureValue' });
    expect(await post(await signAsKg(withBody('body-3')), 'hell')).toMatchObject({ status: 403, type: 'Server.ServerProxy.InvalidSignatureValue' });
    // a client certificate not under the anchor does not get through the handshake at all
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(
      new Promise((resolve, reject) => {
        const req = request({ hostname: '127.0.0.1', port: nodes.KZ.gateway, path: '/exchange/v1/messages', method: 'POST', key: other.privateKey.export({ type: 'pkcs8', format: 'pem' }), ca }, resolve);
        req.on('error', reject);
        req.end('x');
      }),
    ).rejects.toThrow();
  });

  it('run the proactive birth flow over HTTP: the hospital system reports the birth, the mother consents', async () => {
    const { generateIdentifier } = await import('../../src/identity/index.js');
    const { seededRandom } = await import('../../src/demo/names.js');
    const child = generateIdentifier('KZ', 'person', seededRandom(7), { birthDate: '2026-11-20', sex: 'female' });
    const reported = await exchange('KZ', '/r1/KZ/GOV/CIVILREG/EVENTS/births', {
      method: 'POST',
      headers: { 'X-Road-Client': 'KZ/GOV/PERINATAL-ALMATY/HIS', 'content-type': 'application/json' },
      body: JSON.stringify({ mother: kzCitizen.identifier, child: { identifier: child, birthDate: '2026-11-20', sex: 'female' }, hospital: 'Perinatal centre', registryOffice: 'Алматы қаласы Алмалы ауданының АХАТ бөлімі' }),
    });
    expect(reported.status).toBe(201);
    const offers = (await json(api('KZ', '/api/v1/me/offers', { headers: { authorization: `Bearer ${kzCitizen.token}` } }))).items;
    expect(offers[0]).toMatchObject({ kind: 'birth', status: 'offered' });
    const accepted = await api('KZ', `/api/v1/me/offers/${offers[0].id}/accept`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kzCitizen.token}`, 'content-type': 'application/json', 'idempotency-key': 'accept-birth-offer-1' },
      body: JSON.stringify({ childGivenName: 'Айару', iban: 'KZ86125KZT5004100100' }),
    });
    expect(accepted.status).toBe(201);
    expect((await json(Promise.resolve(accepted))).applications.map((a: { service: string }) => a.service)).toEqual(['kz-birth-registration', 'kz-child-birth-allowance']);
  });

  it('answer the documented error, without hanging, when the provider\'s node is down', async () => {
    await stopNode('KZ');
    const started = Date.now();
    const res = await crossBorder();
    expect(res.status).toBe(500);
    expect(res.headers.get('x-road-error')).toBe('Server.ClientProxy.NetworkError');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answer the documented error within the time limit when the provider\'s node accepts but never answers', async () => {
    // A gateway that takes the connection and then stalls (a hung node, a stalled network).
    const { createServer: createTcpServer } = await import('node:net');
    const stalled = createTcpServer(() => {}).listen(nodes.KZ.gateway, '127.0.0.1');
    await new Promise((r) => stalled.once('listening', r));
    try {
      const started = Date.now();
      const res = await crossBorder();
      const took = Date.now() - started;
      expect(res.status).toBe(500);
      expect(res.headers.get('x-road-error')).toBe('Server.ClientProxy.NetworkError');
      // ORTAK_EXCHANGE_TIMEOUT_MS is 3000 for these nodes
      expect(took).toBeGreaterThanOrEqual(2900);
      expect(took).toBeLessThan(6000);
      const log = await json(api('KG', `/api/v1/exchange/message-log?requestId=${res.headers.get('x-road-request-id')}`, { headers: { authorization: `Bearer ${(await signIn('KG', (p) => p.role === 'operator')).token}` } }));
      expect(log.items.map((m: { direction: string; errorType: string | null }) => `${m.direction}:${m.errorType}`).sort()).toEqual(['request:null', 'response:Server.ClientProxy.NetworkError']);
    } finally {
      stalled.close();
    }
  });

  it('refuse every exchange, local ones included, once the configuration has expired', async () => {
    // (a node may read its configuration from a file, too: here one that expired an hour ago)
    await federation('publish', fed, '-1');
    await stopNode('KG');
    await startNode('KG', 'KG', join(fed, 'config.jws'));
    kgOfficer = await signIn('KG', (p) => p.role === 'officer' && p.state === 'KG');
    const res = await crossBorder();
    expect(res.status).toBe(500);
    expect(res.headers.get('x-road-error')).toBe('Server.ClientProxy.OutdatedGlobalConf');
    const local = await exchange('KG', '/r1/KG/GOV/DRNAGS/REGISTRIES/population/persons/1', { headers: { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS' } });
    expect(local.headers.get('x-road-error')).toBe('Server.ClientProxy.OutdatedGlobalConf');
  });
});
