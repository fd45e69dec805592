import type { Config } from '../platform/config.js';
import { type Database, DataFolderInUse, openDatabase } from '../platform/db/index.js';

/**
 * The node's database for a command, or the command stops saying why not: on the embedded database, a running node
 * holds the folder, and the command names it rather than write beside it (which would lose the node's writes).
 */
export async function openDatabaseOrExit(config: Config): Promise<Database> {
  try {
    return await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    if (!(error instanceof DataFolderInUse)) throw error;
    console.error(`ortak: ${error.message}`);
    process.exit(1);
  }
}
