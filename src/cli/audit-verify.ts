// npm run audit:verify: seals what is not yet linked, checks the audit log's hash chain and names the first broken row.
import { sealAudit, verifyAuditChain } from '../audit/index.js';
import { loadConfig } from '../platform/config.js';
import { openDatabaseOrExit } from './database.js';

const config = loadConfig();
const database = await openDatabaseOrExit(config);
let exitCode = 0;
try {
  // what the node wrote and had not yet linked (e.g. when it stopped abruptly) is sealed first, as the node would
  while ((await sealAudit(database.db)) > 0);
  const check = await verifyAuditChain(database.db);
  if (check.ok) {
    console.log(`audit chain intact: ${check.rows} rows`);
  } else {
    console.error(`audit chain broken at row ${check.brokenAt!.id} (${check.brokenAt!.reason === 'hash' ? 'its content was changed' : 'the row before it was changed, removed or inserted'}); ${check.rows - 1} rows before it verify`);
    exitCode = 1;
  }
} finally {
  await database.close();
}
// Explicitly: PGlite's runtime resets process.exitCode when it shuts down.
process.exit(exitCode);
