import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, isDatabaseUnavailable, openDatabase, sql, transaction } from '../src/platform/db/index.js';
import { createTestDatabase, queryOnce, type TestDatabase } from './support/database.js';

// The node names the statements it repeats (prepared once per connection). A migration that changes what a
// prepared `SELECT *` returns — made by another process, as when a new version migrates while the old one still
// serves — must not leave this process failing until it restarts.
let t: TestDatabase;
let database: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  // one connection, so that the statement runs again where it was prepared
  database = await openDatabase({ url: t.url!, poolSize: 1 });
  await sql`CREATE TABLE probes (id int PRIMARY KEY)`.execute(database.db);
  await sql`INSERT INTO probes VALUES (1)`.execute(database.db);
});
afterAll(async () => {
  await database.close();
  await t.drop();
});

const addColumn = (name: string) => queryOnce(t.url!, `ALTER TABLE probes ADD COLUMN ${name} text NOT NULL DEFAULT '${name}'`);

describe('named statements across a schema change made elsewhere', () => {
  it('runs a statement prepared before the change again, with the new columns, outside a transaction', async () => {
    const read = () => sql<Record<string, unknown>>`SELECT * FROM probes WHERE id = ${1}`.execute(database.db);
    expect((await read()).rows).toEqual([{ id: 1 }]);
    await addColumn('added');
    expect((await read()).rows).toEqual([{ id: 1, added: 'added' }]);
    expect((await read()).rows).toEqual([{ id: 1, added: 'added' }]);
  });

  it('fails a transaction that ran such a statement as "try again", and the next attempt succeeds', async () => {
    const readInTransaction = () => transaction(database.db, async (tx) => (await sql<Record<string, unknown>>`SELECT * FROM probes WHERE id = ${1} AND ${true}`.execute(tx)).rows);
    expect(await readInTransaction()).toEqual([{ id: 1, added: 'added' }]);
    await addColumn('later');
    const failure = await readInTransaction().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: '0A000' });
    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(await readInTransaction()).toEqual([{ id: 1, added: 'added', later: 'later' }]);
  });

  it('leaves other errors as they are', async () => {
    const failure = await sql`SELECT * FROM probes WHERE id = ${'not a number'}`.execute(database.db).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: '22P02' });
    expect(isDatabaseUnavailable(failure)).toBe(false);
  });
});
