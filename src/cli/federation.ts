// The federation operator's command:
//   npm run federation -- init DIR                                 trust anchor (DIR/anchor.key.pem stays with the operator)
//   npm run federation -- add-node DIR ID https://HOST:PORT STATES  a node's gateway key and certificate (DIR/nodes/ID.*)
//   npm run federation -- remove-node DIR ID
//   npm run federation -- publish DIR [HOURS]                       signs DIR/federation.json into DIR/config.jws
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogFiles } from '../catalog/index.js';
import { type FederationConfig, type FederationNode, signFederationConfig } from '../exchange/federation.js';
import { createTrustAnchor, issueNodeCertificate } from '../exchange/federation-admin.js';
import { formatClientId } from '../exchange/identifiers.js';
import { paths } from '../platform/paths.js';
import { registryServices } from '../registries/index.js';

const [command, dir, ...args] = process.argv.slice(2);
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
  return usage();
}

function usage(): number {
  console.error('usage: npm run federation -- init DIR | add-node DIR ID https://HOST:PORT STATES | remove-node DIR ID | publish DIR [HOURS]');
  return 2;
}

process.exit(await main());
