import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApplicationNumber, nextApplicationNumber } from '../src/applications/index.js';
import { NUMBER_BLOCK } from '../src/applications/numbers.js';
import { type Database, openDatabase, sql, transaction } from '../src/platform/db/index.js';
import { migrate } from '../src/platform/db/migrate.js';
import { paths } from '../src/platform/paths.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await migrate(test.database, paths.migrations);
});
afterAll(() => test.drop());

const sequenceCalls = async () =>
  Number((await sql<{ n: string }>`SELECT last_value::text AS n FROM application_number_seq`.execute(test.database.db)).rows[0].n);

describe('application numbers', () => {
  it('are handed out from blocks: many at once are all different and cost one sequence call per block', async () => {
    const db = test.database.db;
    const numbers = await Promise.all(Array.from({ length: 250 }, () => nextApplicationNumber(db)));
    expect(new Set(numbers).size).toBe(250);
    // one process's numbers rise without gaps inside its blocks: three blocks for 250
    const sorted = [...numbers].sort((a, b) => a - b);
    const first = sorted[0];
    expect(sorted).toEqual(Array.from({ length: 250 }, (_, i) => first + i));
    expect(await sequenceCalls()).toBe(first + 2 * NUMBER_BLOCK);
  });

  it('never repeat across processes or transactions on the same database', async () => {
    // A second process is a second connection pool over the same database (on PGlite, the one instance again).
    const other: Database | undefined = test.url ? await openDatabase({ url: test.url, poolSize: 2 }) : undefined;
    try {
      const fromOther = other ? await Promise.all(Array.from({ length: 120 }, () => nextApplicationNumber(other.db))) : [];
      const fromThis = await Promise.all(Array.from({ length: 120 }, () => nextApplicationNumber(test.database.db)));
      const inTransaction = await transaction(test.database.db, async (tx) => [await nextApplicationNumber(tx), await nextApplicationNumber(tx)]);
      const all = [...fromOther, ...fromThis, ...inTransaction];
      expect(new Set(all).size).toBe(all.length);
      expect(inTransaction[1]).toBe(inTransaction[0] + 1);
    } finally {
      await other?.close();
    }
  });

  it('read as state, year and at least eight digits', () => {
    expect(formatApplicationNumber('KZ', 2026, 1234)).toBe('KZ-2026-00001234');
    expect(formatApplicationNumber('UZ', '2027', 123_456_789)).toBe('UZ-2027-123456789');
  });
});
