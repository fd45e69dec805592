import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPersons } from '../src/demo/bulk.js';
import { validateIdentifier, type StateCode } from '../src/identity/index.js';
import { migrate } from '../src/platform/db/migrate.js';
import { sql } from '../src/platform/db/index.js';
import { paths } from '../src/platform/paths.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await migrate(test.database, paths.migrations);
});
afterAll(() => test.drop());

describe('bulk persons for benchmarks', () => {
  it('adds persons of all five states with valid identifiers matching their birth date and sex', async () => {
    const result = await seedPersons(test.database.db, 3000, { seed: 7, batch: 1000 });
    expect(result.inserted).toBeGreaterThan(2990);
    const rows = await test.database.db.selectFrom('persons').select(['state', 'national_id', 'birth_date', 'sex']).execute();
    expect(rows).toHaveLength(result.inserted);
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(['KZ', 'AZ', 'KG', 'TR', 'UZ']));
    for (const r of rows) {
      const check = validateIdentifier(r.state as StateCode, 'person', r.national_id);
      expect(check.valid, `${r.state} ${r.national_id}`).toBe(true);
      if (check.birthDate) expect(check.birthDate).toBe(r.birth_date);
      if (check.sex) expect(check.sex).toBe(r.sex);
    }
  });

  it('is deterministic: the same seed again adds nothing', async () => {
    const again = await seedPersons(test.database.db, 3000, { seed: 7, batch: 1000 });
    expect(again.inserted).toBe(0);
    const n = await test.database.db.selectFrom('persons').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBeGreaterThan(2990);
  });
});
