import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ping, sql, transaction } from '../src/platform/db/index.js';
import { adminUrl, createTestDatabase, type TestDatabase } from './support/database.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the PostgreSQL pool when the server drops its connections (a restart)', () => {
  it('fails only the work in flight, does not crash the process, and serves the next query', async () => {
    const db = test.database.db;
    // A transaction holds its connection between two statements when the server terminates every backend.
    const inFlight = transaction(db, async (tx) => {
      await sql`SELECT 1`.execute(tx);
      await sleep(400);
      await sql`SELECT 1`.execute(tx);
    }).then(
      () => 'committed',
      (error: Error) => error.message,
    );
    await sleep(100);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const database = new URL(test.url!).pathname.slice(1);
    const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
    await admin.end();
    expect(rowCount).toBeGreaterThan(0);
    expect(await inFlight).not.toBe('committed');
    await sleep(100);
    expect(await ping(db)).toBeGreaterThanOrEqual(0);
    expect((await sql<{ n: number }>`SELECT 41 + 1 AS n`.execute(db)).rows[0].n).toBe(42);
  });
});
