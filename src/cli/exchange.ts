// The node operator's command for the exchange:
//   npm run exchange -- clients list
//   npm run exchange -- clients add CLIENT [HTTP|HTTPS_NO_AUTH|HTTPS] [--address A]... [--rate N]
//   npm run exchange -- clients remove CLIENT
//   npm run exchange -- clients cert-add CLIENT FILE.pem | clients cert-remove CLIENT FINGERPRINT
//   npm run exchange -- access list [SERVICE]
//   npm run exchange -- access grant|revoke SERVICE SUBJECT [METHOD [PATH]]
//        SUBJECT: a subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM, local:CODE (a local group) or global:INSTANCE/CODE
//   npm run exchange -- groups list | groups set OWNER CODE [MEMBER...] | groups delete OWNER CODE
//   npm run exchange -- tls-certificate          the client interface's certificate, for information systems to pin
//   npm run exchange -- verify-log               the message log's hash chains (exit 1 naming the first broken row)
import { readFileSync } from 'node:fs';
import {
  addClientCertificate, deleteLocalGroup, formatClientId, formatServiceId, grantAccess, type Grant, listAccessRights, listClients, listLocalGroups,
  loadInternalTls, registerClient, removeClient, removeClientCertificate, revokeAccess, saveLocalGroup, verifyMessageLog, type ConnectionType,
} from '../exchange/index.js';
import { loadConfig } from '../platform/config.js';
import { systemClock } from '../platform/clock.js';
import { openDatabase } from '../platform/db/index.js';
import { DomainError } from '../platform/errors.js';
import { migrate } from '../platform/db/migrate.js';
import { paths } from '../platform/paths.js';
import { registryServices } from '../registries/index.js';
import { birthEventsService } from '../proactive/index.js';
import { translate } from '../i18n/index.js';

const [command, sub, ...args] = process.argv.slice(2);
const usage = `usage: npm run exchange -- clients list|add|remove|cert-add|cert-remove … | access list|grant|revoke … | groups list|set|delete … | tls-certificate | verify-log
  (see the head of src/cli/exchange.ts, or the README, for the arguments)`;
const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const now = new Date();

/** The services this node provides, as the node itself lists them. */
function providedServices() {
  return [...registryServices(config.states), ...(config.states.includes('KZ') ? [birthEventsService('KZ', 'CIVILREG')] : [])];
}

function subjectOf(text: string): Pick<Grant, 'subjectType' | 'subject'> {
  if (text.startsWith('local:')) return { subjectType: 'LOCALGROUP', subject: text.slice('local:'.length) };
  if (text.startsWith('global:')) return { subjectType: 'GLOBALGROUP', subject: text.slice('global:'.length) };
  return { subjectType: 'SUBSYSTEM', subject: text };
}

function options(list: string[]): { positional: string[]; addresses: string[]; rate?: number } {
  const positional: string[] = [];
  const addresses: string[] = [];
  let rate: number | undefined;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '--address') addresses.push(list[++i]);
    else if (list[i] === '--rate') rate = Number(list[++i]);
    else positional.push(list[i]);
  }
  return { positional, addresses, rate };
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
      const r = await grantAccess(db, providedServices().map((s) => formatServiceId(s.id)), grant, now, null);
      console.log(`granted: ${r.subjectType} ${r.subject} may call ${r.method} ${r.path} of ${r.serviceId}`);
    } else console.log((await revokeAccess(db, grant, now, null)) ? 'revoked' : 'there was no such grant');
  } else if (command === 'groups' && sub === 'list') {
    for (const g of await listLocalGroups(db)) console.log(`${g.owner}\t${g.code}\t${g.members.join(',') || '-'}\t${g.description}`);
  } else if (command === 'groups' && sub === 'set' && args.length >= 2) {
    const providers = [...new Set(providedServices().map((s) => formatClientId(s.id)))];
    const g = await saveLocalGroup(db, providers, { owner: args[0], code: args[1], members: args.slice(2) }, now, null);
    console.log(`local group ${g.code} of ${g.owner}: ${g.members.length} members`);
  } else if (command === 'groups' && sub === 'delete' && args.length === 2) {
    console.log((await deleteLocalGroup(db, args[0], args[1], now, null)) ? 'deleted' : 'there was no such group');
  } else if (command === 'tls-certificate') {
    const c = config.clientInterface;
    process.stdout.write((await loadInternalTls(db, systemClock, { keyFile: c.tlsKeyFile, certFile: c.tlsCertFile }, [c.host])).certPem);
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
