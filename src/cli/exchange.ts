// npm run exchange -- access list [SERVICE] | access grant SERVICE CLIENT | access revoke SERVICE CLIENT | verify-log
// The node operator's command for the exchange: access rights to the services this node provides, and a check of
// the message log's hash chain (exit 1 naming the first broken row).
import { formatServiceId, grantAccess, listAccessRights, revokeAccess, verifyMessageLog } from '../exchange/index.js';
import { loadConfig } from '../platform/config.js';
import { openDatabase } from '../platform/db/index.js';
import { migrate } from '../platform/db/migrate.js';
import { paths } from '../platform/paths.js';
import { registryServices } from '../registries/index.js';

const [command, sub, ...args] = process.argv.slice(2);
const usage = 'usage: npm run exchange -- access list [SERVICE] | access grant SERVICE CLIENT | access revoke SERVICE CLIENT | verify-log';
const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
let exitCode = 0;
try {
  await migrate(database, paths.migrations);
  const db = database.db;
  if (command === 'access' && sub === 'list') {
    for (const r of await listAccessRights(db, args[0])) console.log(`${r.serviceId}\t${r.clientId}\t${r.grantedAt}`);
  } else if (command === 'access' && sub === 'grant' && args.length === 2) {
    const known = registryServices(config.states).map((s) => formatServiceId(s.id));
    const r = await grantAccess(db, known, args[0], args[1], new Date(), null);
    console.log(`granted: ${r.clientId} may call ${r.serviceId}`);
  } else if (command === 'access' && sub === 'revoke' && args.length === 2) {
    console.log((await revokeAccess(db, args[0], args[1])) ? 'revoked' : 'there was no such grant');
  } else if (command === 'verify-log') {
    const check = await verifyMessageLog(db);
    if (check.ok) console.log(`message log intact: ${check.rows} rows`);
    else {
      console.error(`message log broken at row ${check.brokenAt}; ${check.rows - 1} rows before it verify`);
      exitCode = 1;
    }
  } else {
    console.error(usage);
    exitCode = 2;
  }
} catch (error) {
  console.error((error as Error).message === 'errors.unknown_exchange_service' ? `this node provides no service ${args[0]}` : (error as Error).message === 'errors.invalid_client_id' ? `not an X-Road client id: ${args[1]}` : (error as Error).message);
  exitCode = 1;
} finally {
  await database.close();
}
// Explicitly: PGlite's runtime resets process.exitCode when it shuts down.
process.exit(exitCode);
