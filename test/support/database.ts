import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/platform/db/index.js';

/** Where integration tests find PostgreSQL: DATABASE_URL, else the local server. */
export const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  database: Database;
  url?: string;
  /** closes the connection and opens the same database again, as a restarted node would */
  reopen(): Promise<Database>;
  drop(): Promise<void>;
}

/**
 * A database of this test file's own: on PostgreSQL a new database created now and dropped at the end; on PGlite
 * an in-memory instance. ORTAK_TEST_DB (set per vitest project) chooses.
 */
export async function createTestDatabase(options: { persistent?: boolean } = {}): Promise<TestDatabase> {
  if (process.env.ORTAK_TEST_DB !== 'postgres') {
    // In memory, unless the test restarts the node: then in a folder, as `npm start` keeps it.
    const dataDir = options.persistent ? mkdtempSync(join(tmpdir(), 'ortak-test-')) : 'memory://';
    const test: TestDatabase = {
      database: await openDatabase({ dataDir }),
      reopen: async () => {
        await test.database.close();
        test.database = await openDatabase({ dataDir });
        return test.database;
      },
      drop: async () => {
        await test.database.close();
        if (options.persistent) rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return test;
  }
  const name = `ortak_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const test: TestDatabase = {
    database: await openDatabase({ url: url.toString(), poolSize: 10 }),
    url: url.toString(),
    reopen: async () => {
      await test.database.close();
      test.database = await openDatabase({ url: url.toString(), poolSize: 10 });
      return test.database;
    },
    drop: async () => {
      await test.database.close();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
  return test;
}

/** Whether the PostgreSQL server at `url` accepts connections (tests that need it are skipped without it, outside CI). */
export function postgresReachable(url = adminUrl): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const u = new URL(url);
    const s = connect({ host: u.hostname, port: Number(u.port || 5432) });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** One statement on a connection of its own (for tests that watch a node from outside). */
export async function queryOnce<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}
