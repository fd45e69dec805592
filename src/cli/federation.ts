// The federation operator's command:
//   npm run federation -- init DIR                                 trust anchor (DIR/anchor.key.pem stays with the operator)
//   npm run federation -- add-node DIR ID https://HOST:PORT STATES  a node's gateway key and certificate (DIR/nodes/ID.*)
//   npm run federation -- remove-node DIR ID
//   npm run federation -- add-subsystem DIR NODE SUBSYSTEM          a provider subsystem served by a node (an agency's own system)
//   npm run federation -- add-instance DIR ID CLASSES               an X-Road instance and its member classes (GOV,COM,NGO)
//   npm run federation -- add-global-group DIR INSTANCE/CODE [SUBSYSTEM...]   a global group and its members
//   npm run federation -- publish DIR [HOURS]                       publishes DIR/federation.json (DIR/published.json),
//                                                                   and signs it into DIR/config.jws for nodes that read a file
//   npm run federation -- serve DIR [PORT] [HOST] [--interval 60] [--validity 600]
//                                                                   serves the published configuration, signed afresh every
//                                                                   interval with that lifetime (X-Road's defaults)
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadCatalogFiles } from '../catalog/index.js';
import { type FederationConfig, signFederationConfig } from '../exchange/federation.js';
import { createTrustAnchor, issueNodeCertificate } from '../exchange/federation-admin.js';
import { formatClientId } from '../exchange/identifiers.js';
import { paths } from '../platform/paths.js';
import { registryServices } from '../registries/index.js';

const [command, dir, ...args] = process.argv.slice(2);
const CONFIG_PATH = '/federation/config';
const draftFile = () => join(dir, 'federation.json');
type Draft = Pick<FederationConfig, 'instances' | 'nodes' | 'globalGroups'>;
const readDraft = (): Draft => (existsSync(draftFile()) ? JSON.parse(readFileSync(draftFile(), 'utf8')) : { nodes: [] });
const writeDraft = (draft: Draft) => writeFileSync(draftFile(), JSON.stringify(draft, null, 2));
const publishedFile = () => join(dir, 'published.json');
// The instances a new federation starts with: the five states of the Organization of Turkic States.
const FIRST_INSTANCES = ['KZ', 'AZ', 'KG', 'TR', 'UZ'].map((id) => ({ id, memberClasses: ['GOV', 'COM', 'NGO'] }));
const anchor = () => ({ keyPem: readFileSync(join(dir, 'anchor.key.pem'), 'utf8'), certPem: readFileSync(join(dir, 'anchor.cert.pem'), 'utf8') });

async function main(): Promise<number> {
  if (!dir) return usage();
  const now = new Date();
  if (command === 'init') {
    mkdirSync(join(dir, 'nodes'), { recursive: true });
    const a = await createTrustAnchor('Ortak federation trust anchor', now);
    writeFileSync(join(dir, 'anchor.key.pem'), a.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'anchor.cert.pem'), a.certPem);
    writeDraft({ instances: FIRST_INSTANCES, nodes: [], globalGroups: [] });
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
    writeDraft(draft);
    console.log(`node ${id} at ${address}: ${members.length} members, ${subsystems.length} provider subsystems`);
    return 0;
  }
  if (command === 'remove-node' && args.length === 1) {
    const draft = readDraft();
    draft.nodes = draft.nodes.filter((n) => n.id !== args[0]);
    writeDraft(draft);
    console.log(`node ${args[0]} removed; publish to make it take effect`);
    return 0;
  }
  if (command === 'add-subsystem' && args.length === 2) {
    const [id, subsystem] = args;
    const draft = readDraft();
    const node = draft.nodes.find((n) => n.id === id);
    if (!node || subsystem.split('/').length !== 4) return usage();
    node.subsystems = [...new Set([...node.subsystems, subsystem])];
    const member = subsystem.split('/').slice(0, 3).join('/');
    node.members = [...new Set([...node.members, member])];
    writeDraft(draft);
    console.log(`node ${id} provides ${subsystem}; publish to make it take effect`);
    return 0;
  }
  if (command === 'add-instance' && args.length === 2) {
    const [id, classes] = args;
    const draft = readDraft();
    draft.instances = [...(draft.instances ?? []).filter((i) => i.id !== id), { id, memberClasses: classes.split(',').filter(Boolean) }];
    writeDraft(draft);
    console.log(`instance ${id}: member classes ${classes}; publish to make it take effect`);
    return 0;
  }
  if (command === 'add-global-group' && args.length >= 1) {
    const [id, ...members] = args;
    if (!/^[^/]+\/[^/]+$/.test(id)) return usage();
    const draft = readDraft();
    draft.globalGroups = [...(draft.globalGroups ?? []).filter((g) => g.id !== id), { id, members }];
    writeDraft(draft);
    console.log(`global group ${id}: ${members.length} members; publish to make it take effect`);
    return 0;
  }
  if (command === 'publish') {
    const hours = Number(args[0] ?? 24);
    const { instances, nodes, globalGroups } = readDraft();
    writeFileSync(publishedFile(), JSON.stringify({ instances, nodes, globalGroups }, null, 2));
    const config = await signed(now, hours * 3600_000);
    writeFileSync(join(dir, 'config.jws'), config.jws);
    console.log(`published ${nodes.length} nodes, valid until ${config.expiresAt} in config.jws (served signed afresh by serve)`);
    return 0;
  }
  if (command === 'serve') {
    const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
    const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
    await serveConfiguration(Number(positional[0] ?? 8600), positional[1] ?? '127.0.0.1', option('--interval', 60), option('--validity', 600));
    return await new Promise<number>(() => {});
  }
  return usage();
}

/** The published configuration, signed under the anchor, issued at `issuedAt` and valid for `validityMs` from then. */
async function signed(issuedAt: Date, validityMs: number): Promise<{ jws: string; expiresAt: string }> {
  const published = JSON.parse(readFileSync(publishedFile(), 'utf8')) as Draft;
  const config: FederationConfig = { version: 1, issuedAt: issuedAt.toISOString(), expiresAt: new Date(issuedAt.getTime() + validityMs).toISOString(), ...published };
  const a = anchor();
  return { jws: await signFederationConfig(config, a.keyPem, a.certPem), expiresAt: config.expiresAt };
}

/**
 * The operator's distribution point, as X-Road's central server generates its global configuration: the published
 * configuration is signed afresh every `intervalSeconds` with a lifetime of `validitySeconds` (60 and 600 by
 * default, X-Road's), so that a node cut off from the operator stops exchanging within that lifetime; a new
 * `publish` is signed and served at the next request. GET /federation/config answers it. Plain HTTP is enough, as
 * for X-Road's global configuration: the document is signed under the trust anchor the nodes already hold.
 */
async function serveConfiguration(port: number, host: string, intervalSeconds: number, validitySeconds: number): Promise<void> {
  let current: { jws: string; published: number } | undefined;
  const resign = async () => {
    if (!existsSync(publishedFile())) return;
    const published = statSync(publishedFile()).mtimeMs;
    current = { jws: (await signed(new Date(), validitySeconds * 1000)).jws, published };
  };
  await resign();
  setInterval(() => void resign().catch((e: Error) => console.error(`could not sign the configuration: ${e.message}`)), intervalSeconds * 1000);
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url !== CONFIG_PATH) return void res.writeHead(404).end();
    if (existsSync(publishedFile()) && statSync(publishedFile()).mtimeMs !== current?.published) await resign();
    if (!current) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('nothing published yet');
    res.writeHead(200, { 'content-type': 'application/jose', 'cache-control': 'no-cache' }).end(current.jws);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
  return new Promise((resolve) =>
    server.listen(port, host, () => {
      console.log(`federation configuration served at http://${host}:${(server.address() as AddressInfo).port}${CONFIG_PATH}, signed every ${intervalSeconds} s, valid ${validitySeconds} s`);
      resolve();
    }),
  );
}

function usage(): number {
  console.error(
    'usage: npm run federation -- init DIR | add-node DIR ID https://HOST:PORT STATES | remove-node DIR ID | add-subsystem DIR NODE SUBSYSTEM | add-instance DIR ID CLASSES | add-global-group DIR INSTANCE/CODE [SUBSYSTEM...] | publish DIR [HOURS] | serve DIR [PORT] [HOST] [--interval S] [--validity S]',
  );
  return 2;
}

process.exit(await main());
