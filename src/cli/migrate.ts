// npm run migrate: apply pending migrations to DATABASE_URL (or the embedded database) and stop.
import { loadConfig } from '../platform/config.js';
import { openDatabaseOrExit } from './database.js';
import { migrate } from '../platform/db/migrate.js';
import { paths } from '../platform/paths.js';

const config = loadConfig();
const database = await openDatabaseOrExit(config);
try {
  const applied = await migrate(database, paths.migrations);
  console.log(applied.length ? `applied: ${applied.map((m) => `${m.version}_${m.name}`).join(', ')}` : 'nothing to apply');
} finally {
  await database.close();
}
