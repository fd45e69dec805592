// The federation operator's command:
//   npm run federation -- init DIR                                 trust anchor (DIR/anchor.key.pem stays with the operator)
//   npm run federation -- add-node DIR ID https://HOST:PORT STATES  a node's gateway key and certificate (DIR/nodes/ID.*)
//   npm run federation -- remove-node DIR ID
//   npm run federation -- publish DIR [HOURS]                       signs DIR/federation.json into DIR/config.jws
//   npm run federation -- serve DIR [PORT] [HOST]                   serves the published configuration to the nodes
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadCatalogFiles } from '../catalog/index.js';
import { type FederationConfig, type FederationNode, signFederationConfig } from '../exchange/federation.js';
import { createTrustAnchor, issueNodeCertificate } from '../exchange/federation-admin.js';
import { formatClientId } from '../exchange/identifiers.js';
import { paths } from '../platform/paths.js';
import { registryServices } from '../registries/index.js';

const [command, dir, ...args] = process.argv.slice(2);
const CONFIG_PATH = '/federation/config';
const draftFile = () => join(dir, 'federation.json');
const readDraft = (): { nodes: FederationNode[] } => (existsSync(draftFile()) ? JSON.parse(readFileSync(draftFile(), 'utf8')) : { nodes: [] });
const anchor = () => ({ keyPem: readFileSync(join(dir, 'anchor.key.pem'), 'utf8'), certPem: readFileSync(join(dir, 'anchor.cert.pem'), 'utf8') });

async function main(): Promise<number> {
  if (!dir) return usage();
  const now = new Date();
  if (command === 'init') {
    mkdirSync(join(dir, 'nodes'), { recursive: true });
    const a = await createTrustAnchor('Ortak federation trust anchor', now);
    writeFileSync(join(dir, 'anchor.key.pem'), a.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'anchor.cert.pem'), a.certPem);
    writeFileSync(draftFile(), JSON.stringify({ nodes: [] }, null, 2));
    console.log(`trust anchor written to ${join(dir, 'anchor.cert.pem')}`);
    return 0;
  }
  if (command === 'add-node' && args.length === 3) {
    const [id, address, statesArg] = args;
    const states = statesArg.split(',');
    const host = new URL(address).hostname;
    const node = await issueNodeCertificate(anchor(), id, host, now);
    mkdirSync(join(dir, 'nodes'), { recursive: true });
    writeFileSync(join(dir, 'nodes', `${id}.key.pem`), node.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'nodes', `${id}.cert.pem`), node.certPem);
    // The node speaks for the agencies of its states and provides their registers.
    const agencies = loadCatalogFiles(paths.services, states).agencies.map((a) => a.member);
    const services = registryServices(states);
    const members = [...new Set([...agencies, ...services.map((s) => formatClientId({ ...s.id, subsystem: undefined }))])];
    const subsystems = [...new Set(services.map((s) => formatClientId(s.id)))];
    const draft = readDraft();
    draft.nodes = [...draft.nodes.filter((n) => n.id !== id), { id, address, certificate: node.certPem, members, subsystems }];
    writeFileSync(draftFile(), JSON.stringify(draft, null, 2));
    console.log(`node ${id} at ${address}: ${members.length} members, ${subsystems.length} provider subsystems`);
    return 0;
  }
  if (command === 'remove-node' && args.length === 1) {
    const draft = readDraft();
    draft.nodes = draft.nodes.filter((n) => n.id !== args[0]);
    writeFileSync(draftFile(), JSON.stringify(draft, null, 2));
    console.log(`node ${args[0]} removed; publish to make it take effect`);
    return 0;
  }
  if (command === 'publish') {
    const hours = Number(args[0] ?? 24);
    const config: FederationConfig = { version: 1, issuedAt: now.toISOString(), expiresAt: new Date(now.getTime() + hours * 3600_000).toISOString(), nodes: readDraft().nodes };
    const a = anchor();
    writeFileSync(join(dir, 'config.jws'), await signFederationConfig(config, a.keyPem, a.certPem));
    console.log(`published ${config.nodes.length} nodes, valid until ${config.expiresAt}`);
    return 0;
  }
  if (command === 'serve') {
    await serveConfiguration(join(dir, 'config.jws'), Number(args[0] ?? 8600), args[1] ?? '127.0.0.1');
    return await new Promise<number>(() => {});
  }
  return usage();
}

/**
 * The operator's distribution point: GET /federation/config answers the configuration last published (read again on
 * each request, so `publish` takes effect without a restart). Plain HTTP is enough, as for X-Road's global
 * configuration: the document is signed under the trust anchor the nodes already hold, and they check it.
 */
function serveConfiguration(file: string, port: number, host: string): Promise<void> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== CONFIG_PATH) return void res.writeHead(404).end();
    let body: string;
    try {
      body = readFileSync(file, 'utf8');
    } catch {
      return void res.writeHead(503, { 'content-type': 'text/plain' }).end('nothing published yet');
    }
    res.writeHead(200, { 'content-type': 'application/jose', 'cache-control': 'no-cache' }).end(body);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
  return new Promise((resolve) =>
    server.listen(port, host, () => {
      console.log(`federation configuration served at http://${host}:${(server.address() as AddressInfo).port}${CONFIG_PATH}`);
      resolve();
    }),
  );
}

function usage(): number {
  console.error('usage: npm run federation -- init DIR | add-node DIR ID https://HOST:PORT STATES | remove-node DIR ID | publish DIR [HOURS] | serve DIR [PORT] [HOST]');
  return 2;
}

process.exit(await main());
