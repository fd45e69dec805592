import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/platform/paths.js';
import { applicationSignature } from '../support/node.js';
import { freePort } from '../support/ports.js';
import { run } from '../support/run.js';

// The built node as `npm start` runs it (dist/, embedded PGlite in a data folder of its own), driven over real
// HTTP the way the README's curl session does.
const main = join(paths.root, 'dist', 'src', 'main.js');
let child: ChildProcess;
let base: string;
let clientPort: number;
let dataDir: string;
let output = '';

const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

beforeAll(async () => {
  if (!existsSync(main)) throw new Error('dist/src/main.js is missing: run `npm run build` (npm test does) first');
  const port = await freePort();
  clientPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'ortak-e2e-'));
  child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), ORTAK_CLIENT_PORT: String(clientPort), HOST: '127.0.0.1', ORTAK_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${base}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`node exited: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node did not become healthy: ${output}`);
}, 90_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await new Promise((r) => child?.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a started node, over HTTP', () => {
  it('serves /health, /openapi.json, /docs and the catalog in three languages', async () => {
    expect((await json(fetch(`${base}/health`))).database).toMatchObject({ kind: 'pglite', status: 'up' });
    expect((await json(fetch(`${base}/openapi.json`))).openapi).toBe('3.1.0');
    expect((await fetch(`${base}/docs/`)).status).toBe(200);
    const titles = await Promise.all(
      ['kk', 'ru', 'en'].map(async (lang) => {
        const body = await json(fetch(`${base}/api/v1/services?state=KZ`, { headers: { 'accept-language': lang } }));
        return body.items.find((s: { code: string }) => s.code === 'kz-criminal-record-certificate').title as string;
      }),
    );
    expect(new Set(titles).size).toBe(3);
    expect(titles[0]).toMatch(/[әғқңөұүһі]/i);
  });

  it('lets a demo citizen sign in, submit a signed application, see its history, and repeat it harmlessly', async () => {
    const personas = await json(fetch(`${base}/api/v1/auth/demo-personas`));
    const citizen = personas.find((p: { role: string; state: string }) => p.role === 'citizen' && p.state === 'KZ');
    const login = await fetch(`${base}/api/v1/auth/demo-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: citizen.identifier }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const { token } = await json(login);

    const service = 'kz-criminal-record-certificate';
    const { form } = await json(fetch(`${base}/api/v1/services/${service}`));
    const body = JSON.stringify({ service, data: form.example, signature: await applicationSignature(citizen, service, form.example) });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'e2e-first-try' };
    const first = await fetch(`${base}/api/v1/applications`, { method: 'POST', headers, body });
    expect(first.status).toBe(201);
    const created = await json(first);
    expect(created.number).toMatch(/^KZ-\d{4}-\d{8}$/);
    expect(created.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const repeat = await fetch(`${base}/api/v1/applications`, { method: 'POST', headers, body });
    expect(repeat.status).toBe(201);
    expect(await json(repeat)).toEqual(created);

    const detail = await json(fetch(`${base}/api/v1/applications/${created.id}`, { headers: { authorization: `Bearer ${token}` } }));
    expect(detail.history).toHaveLength(1);
    const mine = await json(fetch(`${base}/api/v1/applications`, { headers: { authorization: `Bearer ${token}` } }));
    expect(mine.items).toHaveLength(1);
  });

  it('is closed to strangers: the exchange is not on the public port, and serves only registered systems on its own', async () => {
    // the request of the security test, with curl itself: anyone who reached the port read a criminal record
    const curl = (url: string, ...headers: string[]) =>
      execFileSync('curl', ['-s', '-i', url, ...headers.flatMap((h) => ['-H', h])], { encoding: 'utf8' }).replace(/\r/g, '');
    const records = '/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records/records/871103379671';
    const publicPort = curl(`${base}${records}`, 'X-Road-Client: KZ/GOV/KGD/X');
    expect(publicPort).toMatch(/^HTTP\/1\.1 404/);
    expect(publicPort).not.toContain('"found"');
    const invented = curl(`http://127.0.0.1:${clientPort}${records}`, 'X-Road-Client: KZ/GOV/KGD/X');
    expect(invented).toMatch(/^HTTP\/1\.1 500/);
    expect(invented).toMatch(/^x-road-error: Server\.ClientProxy\.UnknownMember$/m);
    expect(invented).not.toContain('"found"');
    // a demo system, registered as plain HTTP from loopback, is served
    const registered = curl(`http://127.0.0.1:${clientPort}${records}`, 'X-Road-Client: KZ/GOV/LEGALSTAT/CASES');
    expect(registered).toMatch(/^HTTP\/1\.1 200/);
    expect(registered).toMatch(/^x-road-request-hash: [A-Za-z0-9+/]{86}==$/m);
    // errors in XML when the client asks for XML
    const xml = curl(`http://127.0.0.1:${clientPort}/r1/KZ/GOV`, 'X-Road-Client: KZ/GOV/LEGALSTAT/CASES', 'Accept: application/xml');
    expect(xml).toMatch(/<error><type>Client\.InvalidServiceIdentifier<\/type><message>[^<]+<\/message><detail>[0-9a-f-]{36}<\/detail><\/error>$/);
  });

  it("sends the portal's scripts and styles compressed to browsers that accept it, with no 401 for a visitor", async () => {
    const html = await (await fetch(`${base}/`, { headers: { accept: 'text/html' } })).text();
    const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)![1];
    const headers = (encoding: string) => execFileSync('curl', ['-s', '-D', '-', '-o', '/dev/null', '-H', `Accept-Encoding: ${encoding}`, `${base}${script}`], { encoding: 'utf8' }).toLowerCase();
    expect(headers('br, gzip')).toMatch(/^content-encoding: br\r?$/m);
    expect(headers('gzip')).toMatch(/^content-encoding: gzip\r?$/m);
    expect(headers('identity')).not.toMatch(/^content-encoding:/m);
    // what the portal asks first, for a visitor: an answer, not an error
    const session = await fetch(`${base}/api/v1/auth/session`);
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ me: null });
  });

  it('says loudly, at start, that it is a demo and where it listens', () => {
    expect(output).toContain('!! DEMO MODE. Anyone who reaches this node signs in as any persona');
    expect(output).toContain('!! It listens on 127.0.0.1 only.');
  });

  it('does not open demo mode to the network unless asked by name, nor start a real node without its public address', async () => {
    const start = (env: Record<string, string>) => run(process.execPath, [main], { env: { ...process.env, ORTAK_DATA_DIR: dataDir, DATABASE_URL: '', ...env }, timeout: 30_000 });
    const exposed = await start({ HOST: '0.0.0.0' });
    expect(exposed.status).toBe(1);
    expect(exposed.stderr).toContain('Ortak could not start: HOST=0.0.0.0 would open demo mode');
    const real = await start({ ORTAK_DEMO: 'false' });
    expect(real.status).toBe(1);
    expect(real.stderr).toContain('ORTAK_PUBLIC_URL must be set outside demo mode');
    // nor with a trust list it cannot read: the file is named
    const trust = mkdtempSync(join(tmpdir(), 'ortak-trust-'));
    try {
      mkdirSync(join(trust, 'KZ'));
      writeFileSync(join(trust, 'KZ', 'profile.yaml'), 'state: KZ\n');
      const untrusting = await start({ ORTAK_TRUST_DIR: trust });
      expect(untrusting.status).toBe(1);
      expect(untrusting.stderr).toContain(`Ortak could not start: ${join(trust, 'KZ', 'profile.yaml')}: / must have required property 'person'`);
    } finally {
      rmSync(trust, { recursive: true, force: true });
    }
  });

  it('keeps national identifiers and tokens out of its logs', async () => {
    await fetch(`${base}/api/v1/applications?cursor=870412300416`, { headers: { authorization: 'Bearer secret-token-value' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain('request completed');
    expect(output).not.toContain('870412300416');
    expect(output).not.toContain('secret-token-value');
  });
});
