// npm run federation:demo — a federation on one machine: the operator publishes a signed configuration, a Kazakh
// and a Kyrgyz node start as separate processes (own databases, own ports on loopback), Kyrgyzstan's work-permit
// system asks Kazakhstan's criminal records register about a Kazakh citizen, and the trail is printed: both message
// logs and the citizen's data tracker. Everything runs under a temporary folder and is stopped at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (f) => join(root, 'dist', 'src', f);
const work = mkdtempSync(join(tmpdir(), 'ortak-federation-demo-'));
const fed = join(work, 'federation');
const children = [];
let configPort;

const port = () => new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const step = (text) => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);
function federation(...args) {
  const r = spawnSync(process.execPath, [dist('cli/federation.js'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  process.stdout.write(`  ${r.stdout}`);
}
async function start(id, state, httpPort, gatewayPort, clientPort) {
  const child = spawn(process.execPath, [dist('main.js')], {
    env: { ...process.env, PORT: String(httpPort), ORTAK_CLIENT_PORT: String(clientPort), HOST: '127.0.0.1', DATABASE_URL: '', ORTAK_DATA_DIR: join(work, `data-${id}`), ORTAK_STATES: state,
      ORTAK_NODE_ID: id, ORTAK_GATEWAY_PORT: String(gatewayPort), ORTAK_NODE_KEY: join(fed, 'nodes', `${id}.key.pem`), ORTAK_NODE_CERT: join(fed, 'nodes', `${id}.cert.pem`),
      ORTAK_FEDERATION_ANCHOR: join(fed, 'anchor.cert.pem'), ORTAK_FEDERATION_CONFIG: `http://127.0.0.1:${configPort}/federation/config`, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  children.push(child);
  for (let i = 0; i < 600; i++) {
    if (await fetch(`http://127.0.0.1:${httpPort}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node ${id} did not start`);
}
const json = async (p) => (await p).json();
async function signIn(base, pick) {
  const p = (await json(fetch(`${base}/api/v1/auth/demo-personas`))).find(pick);
  const { token } = await json(fetch(`${base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: p.qualifiedIdentifier, role: p.role }) }));
  return { token, identifier: p.identifier, name: p.name };
}

try {
  const [kzHttp, kzGw, kzClients, kgHttp, kgGw, kgClients] = await Promise.all([port(), port(), port(), port(), port(), port()]);
  configPort = await port();
  step('Federation operator: trust anchor, two nodes, signed configuration');
  federation('init', fed);
  federation('add-node', fed, 'KZ', `https://127.0.0.1:${kzGw}`, 'KZ');
  federation('add-node', fed, 'KG', `https://127.0.0.1:${kgGw}`, 'KG');
  federation('publish', fed, '24');
  const server = spawn(process.execPath, [dist('cli/federation.js'), 'serve', fed, String(configPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(server);
  process.stdout.write(`  ${await new Promise((resolve) => server.stdout.once('data', resolve))}`);

  step(`Starting the Kazakh node (portal :${kzHttp}, client interface :${kzClients}, gateway :${kzGw}) and the Kyrgyz node (portal :${kgHttp}, client interface :${kgClients}, gateway :${kgGw})`);
  await Promise.all([start('KZ', 'KZ', kzHttp, kzGw, kzClients), start('KG', 'KG', kgHttp, kgGw, kgClients)]);
  const KZ = `http://127.0.0.1:${kzHttp}`;
  const KG = `http://127.0.0.1:${kgHttp}`;

  step('Kazakhstan grants Kyrgyzstan\'s work-permit system its criminal records (access rights belong to the provider)');
  const operator = await signIn(KZ, (p) => p.role === 'operator');
  const grant = await json(fetch(`${KZ}/api/v1/exchange/access-rights`, { method: 'POST', headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', client: 'KG/GOV/MVD/WORKPERMITS' }) }));
  console.log(`  ${grant.subjectType} ${grant.subject} → ${grant.method} ${grant.path} of ${grant.serviceId}`);

  const citizen = await signIn(KZ, (p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'kk');
  // (the demo registers KG/GOV/MVD/WORKPERMITS on the Kyrgyz node's client interface, plain HTTP from loopback)
  const url = `http://127.0.0.1:${kgClients}/r1/KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records/records/${citizen.identifier}`;
  step(`A Kazakh citizen, ${citizen.name}, applies for a work permit in Kyrgyzstan; the permit system asks, through the Kyrgyz gateway:`);
  console.log(`  curl ${url} -H 'X-Road-Client: KG/GOV/MVD/WORKPERMITS' -H 'X-Road-Issue: work permit WP-2026-117'`);
  const res = await fetch(url, { headers: { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS', 'X-Road-Issue': 'work permit WP-2026-117' } });
  console.log(`  ${res.status} ${await res.text()}`);
  for (const h of ['x-road-client', 'x-road-service', 'x-road-id', 'x-road-request-id', 'x-road-request-hash']) console.log(`  ${h}: ${res.headers.get(h)}`);
  const requestId = res.headers.get('x-road-request-id');

  for (const [name, base] of [['Kyrgyz node (client side)', KG], ['Kazakh node (provider side)', KZ]]) {
    step(`Message log of the ${name}`);
    const op = await signIn(base, (p) => p.role === 'operator');
    const log = await json(fetch(`${base}/api/v1/exchange/message-log?requestId=${requestId}`, { headers: { authorization: `Bearer ${op.token}` } }));
    for (const m of log.items.reverse()) console.log(`  #${m.id} ${m.at} ${m.side}/${m.direction} ${m.method} ${m.service}${m.path} ${m.status ?? ''} request-hash=${m.requestHash?.slice(0, 16)}… hash=${m.hash.slice(0, 16)}…`);
  }

  step(`The citizen's data tracker on the Kazakh node (GET /api/v1/me/data-access)`);
  const tracker = await json(fetch(`${KZ}/api/v1/me/data-access`, { headers: { authorization: `Bearer ${citizen.token}` } }));
  for (const e of tracker.items) console.log(`  ${e.at} ${e.client} asked ${e.service} about me (${e.role}), for: ${e.issue}`);

  step('Kazakhstan revokes the grant; the same request is refused');
  await fetch(`${KZ}/api/v1/exchange/access-rights`, { method: 'DELETE', headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ service: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', client: 'KG/GOV/MVD/WORKPERMITS' }) });
  const refused = await fetch(url, { headers: { 'X-Road-Client': 'KG/GOV/MVD/WORKPERMITS' } });
  console.log(`  ${refused.status} X-Road-Error: ${refused.headers.get('x-road-error')}`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(work, { recursive: true, force: true });
}
