// The node operator's command for the exchange:
//   npm run exchange -- clients list
//   npm run exchange -- clients add CLIENT [HTTP|HTTPS_NO_AUTH|HTTPS] [--address A]... [--rate N]
//   npm run exchange -- clients remove CLIENT
//   npm run exchange -- clients cert-add CLIENT FILE.pem | clients cert-remove CLIENT FINGERPRINT
//   npm run exchange -- access list [SERVICE]
//   npm run exchange -- access grant|revoke SERVICE SUBJECT [METHOD [PATH]]
//        SUBJECT: a subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM, local:CODE (a local group) or global:INSTANCE/CODE
//   npm run exchange -- groups list | groups set OWNER CODE [MEMBER...] | groups delete OWNER CODE
//   npm run exchange -- services list | services add SERVICE URL [--timeout MS] [--ca FILE.pem] [--no-verify] [--openapi FILE.json]
//                       | services remove SERVICE      (a service provided from an agency's own REST system)
//   npm run exchange -- tls-certificate          the client interface's certificate, for information systems to pin
//   npm run exchange -- verify-log               the message log's hash chains (exit 1 naming the first broken row)
//   npm run exchange -- archive FILE [--after ID]  the time-stamped message log rows (after row ID) into a signed ASiC-E file
//   npm run exchange -- verify-archive FILE CERT.pem   checks an archive offline against the certificate that signed it
//                                                      (or its CA: the node's CA, or the federation's trust anchor)
import { readFileSync, writeFileSync } from 'node:fs';
import {
  addClientCertificate, deleteLocalGroup, listExternalServices, registerExternalService, removeExternalService, formatServiceId, grantAccess, type Grant, listAccessRights, listClients, listLocalGroups,
  archiveMessageLog, loadGatewaySigner, loadInternalTls, loadOwnTsa, verifyArchive, registerClient, removeClient, removeClientCertificate, revokeAccess, saveLocalGroup, verifyMessageLog, type ConnectionType,
} from '../exchange/index.js';
import { loadConfig } from '../platform/config.js';
import { systemClock } from '../platform/clock.js';
import { openDatabaseOrExit } from './database.js';
import { DomainError } from '../platform/errors.js';
import { migrate } from '../platform/db/migrate.js';
import { paths } from '../platform/paths.js';
import { registryServices } from '../registries/index.js';
import { birthEventsService } from '../proactive/index.js';
import { loadNodeCa } from '../pki/index.js';
import { translate } from '../i18n/index.js';

const [command, sub, ...args] = process.argv.slice(2);
const usage = `usage: npm run exchange -- clients list|add|remove|cert-add|cert-remove … | access list|grant|revoke … | groups list|set|delete … | services list|add|remove … | tls-certificate | verify-log | archive FILE [--after ID] | verify-archive FILE CERT.pem
  (see the head of src/cli/exchange.ts, or the README, for the arguments)`;
// An archive is verified offline: with the file and the certificate to trust, and no node or database.
if (command === 'verify-archive') {
  if (!sub || args.length !== 1) {
    console.error(usage);
    process.exit(2);
  }
  const check = await verifyArchive(readFileSync(sub), readFileSync(args[0], 'utf8')).catch((error: Error) => ({ ok: false, rows: 0, stamps: 0, problem: error.message }));
  if (check.ok) console.log(`archive verifies: ${check.rows} rows, ${check.stamps} time-stamps`);
  else console.error(`archive does not verify: ${check.problem}`);
  process.exit(check.ok ? 0 : 1);
}

const config = loadConfig();
const database = await openDatabaseOrExit(config);
const now = new Date();

/** The services this node hosts itself, as the node lists them. */
function builtInServices() {
  return [...registryServices(config.states), ...(config.states.includes('KZ') ? [birthEventsService('KZ', 'CIVILREG')] : [])].map((s) => formatServiceId(s.id));
}

/** Every service this node provides: its own, and those of agencies' systems registered on it. */
async function providedServices(db: Parameters<typeof listExternalServices>[0]) {
  return [...builtInServices(), ...(await listExternalServices(db)).map((s) => s.serviceId)];
}

function subjectOf(text: string): Pick<Grant, 'subjectType' | 'subject'> {
  if (text.startsWith('local:')) return { subjectType: 'LOCALGROUP', subject: text.slice('local:'.length) };
  if (text.startsWith('global:')) return { subjectType: 'GLOBALGROUP', subject: text.slice('global:'.length) };
  return { subjectType: 'SUBSYSTEM', subject: text };
}

function options(list: string[]) {
  const o: { positional: string[]; addresses: string[]; rate?: number; timeout?: number; ca?: string; noVerify?: boolean; openapi?: string } = { positional: [], addresses: [] };
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '--address') o.addresses.push(list[++i]);
    else if (list[i] === '--rate') o.rate = Number(list[++i]);
    else if (list[i] === '--timeout') o.timeout = Number(list[++i]);
    else if (list[i] === '--ca') o.ca = list[++i];
    else if (list[i] === '--openapi') o.openapi = list[++i];
    else if (list[i] === '--no-verify') o.noVerify = true;
    else o.positional.push(list[i]);
  }
  return o;
}

async function run(): Promise<number> {
  await migrate(database, paths.migrations);
  const db = database.db;
  if (command === 'clients' && sub === 'list') {
    for (const c of await listClients(db)) {
      console.log(`${c.clientId}\t${c.connectionType}\t${c.allowedAddresses.join(',') || '-'}\t${c.ratePerMinute ?? 'default'}/min\t${c.certificates.map((x) => x.fingerprint).join(',') || '-'}`);
    }
  } else if (command === 'clients' && sub === 'add' && args.length >= 1) {
    const o = options(args);
    const c = await registerClient(db, { client: o.positional[0], connectionType: (o.positional[1] ?? 'HTTPS') as ConnectionType, allowedAddresses: o.addresses, ratePerMinute: o.rate ?? null }, now, null);
    console.log(`registered: ${c.clientId} (${c.connectionType}${c.allowedAddresses.length ? ` from ${c.allowedAddresses.join(', ')}` : ''})`);
  } else if (command === 'clients' && sub === 'remove' && args.length === 1) {
    console.log((await removeClient(db, args[0], now, null)) ? 'removed' : 'there was no such client');
  } else if (command === 'clients' && sub === 'cert-add' && args.length === 2) {
    const c = await addClientCertificate(db, args[0], readFileSync(args[1], 'utf8'), now, null);
    console.log(`pinned to ${args[0]}: ${c.fingerprint} (${c.subject}, until ${c.notAfter})`);
  } else if (command === 'clients' && sub === 'cert-remove' && args.length === 2) {
    console.log((await removeClientCertificate(db, args[0], args[1], now, null)) ? 'removed' : 'there was no such certificate');
  } else if (command === 'access' && sub === 'list') {
    for (const r of await listAccessRights(db, { service: args[0] })) console.log(`${r.serviceId}\t${r.subjectType}\t${r.subject}\t${r.method} ${r.path}\t${r.grantedAt}`);
  } else if (command === 'access' && (sub === 'grant' || sub === 'revoke') && args.length >= 2 && args.length <= 4) {
    const grant: Grant = { service: args[0], ...subjectOf(args[1]), method: args[2], path: args[3] };
    if (sub === 'grant') {
      const r = await grantAccess(db, await providedServices(db), grant, now, null);
      console.log(`granted: ${r.subjectType} ${r.subject} may call ${r.method} ${r.path} of ${r.serviceId}`);
    } else console.log((await revokeAccess(db, grant, now, null)) ? 'revoked' : 'there was no such grant');
  } else if (command === 'groups' && sub === 'list') {
    for (const g of await listLocalGroups(db)) console.log(`${g.owner}\t${g.code}\t${g.members.join(',') || '-'}\t${g.description}`);
  } else if (command === 'groups' && sub === 'set' && args.length >= 2) {
    const providers = [...new Set((await providedServices(db)).map((s) => s.split('/').slice(0, 4).join('/')))];
    const g = await saveLocalGroup(db, providers, { owner: args[0], code: args[1], members: args.slice(2) }, now, null);
    console.log(`local group ${g.code} of ${g.owner}: ${g.members.length} members`);
  } else if (command === 'groups' && sub === 'delete' && args.length === 2) {
    console.log((await deleteLocalGroup(db, args[0], args[1], now, null)) ? 'deleted' : 'there was no such group');
  } else if (command === 'services' && sub === 'list') {
    for (const x of await listExternalServices(db)) console.log(`${x.serviceId}\t${x.url}\t${x.timeoutMs} ms\t${x.tlsVerify ? 'verify' : 'no-verify'}${x.tlsCa ? ' (own CA)' : ''}`);
  } else if (command === 'services' && sub === 'add' && args.length >= 2) {
    const o = options(args);
    const x = await registerExternalService(
      db,
      { service: o.positional[0], url: o.positional[1], timeoutMs: o.timeout, tlsVerify: !o.noVerify, tlsCa: o.ca ? readFileSync(o.ca, 'utf8') : null, openapi: o.openapi ? JSON.parse(readFileSync(o.openapi, 'utf8')) : null },
      builtInServices(),
      now,
      null,
    );
    console.log(`provided: ${x.serviceId} from ${x.url} (${x.timeoutMs} ms)`);
  } else if (command === 'services' && sub === 'remove' && args.length === 1) {
    console.log((await removeExternalService(db, args[0], now, null)) ? 'removed' : 'there was no such service');
  } else if (command === 'tls-certificate') {
    const c = config.clientInterface;
    process.stdout.write((await loadInternalTls(db, systemClock, { keyFile: c.tlsKeyFile, certFile: c.tlsCertFile }, [c.host])).certPem);
  } else if (command === 'archive' && args.length === 0 && sub) {
    const after = process.argv.includes('--after') ? Number(process.argv[process.argv.indexOf('--after') + 1]) : 0;
    const ca = await loadNodeCa(db, systemClock, 'Ortak Node CA');
    const f = config.federation;
    const signer = f ? { keyPem: readFileSync(f.keyFile, 'utf8'), certPem: readFileSync(f.certFile, 'utf8') } : await loadGatewaySigner(db, ca, systemClock);
    const tsaCert = config.timestamps.tsaCertFile ? readFileSync(config.timestamps.tsaCertFile, 'utf8') : (await loadOwnTsa(db, ca, systemClock)).certPem;
    const archive = await archiveMessageLog(db, signer, tsaCert, now, after);
    writeFileSync(sub, archive.file);
    console.log(`archived ${archive.rows} rows (to row ${archive.lastId}) and ${archive.stamps} time-stamps into ${sub}`);
  } else if (command === 'verify-log') {
    const check = await verifyMessageLog(db);
    if (!check.ok) {
      console.error(`message log broken at row ${check.brokenAt}; ${check.rows - 1} rows before it verify`);
      return 1;
    }
    console.log(`message log intact: ${check.rows} rows`);
  } else {
    console.error(usage);
    return 2;
  }
  return 0;
}

let exitCode = 0;
try {
  exitCode = await run();
} catch (error) {
  // Domain errors carry an i18n key: say it in words.
  console.error(error instanceof DomainError ? translate('en', error.code, error.params) : (error as Error).message);
  exitCode = 1;
} finally {
  await database.close();
}
// Explicitly: PGlite's runtime resets process.exitCode when it shuts down.
process.exit(exitCode);
