import { mkdtempSync, cpSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../src/platform/db/migrate.js';
import { paths } from '../src/platform/paths.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.drop());

describe('migrations', () => {
  it('apply every file once, in order, and then nothing', async () => {
    const all = readMigrations(paths.migrations);
    expect((await migrate(test.database, paths.migrations)).map((m) => m.version)).toEqual(all.map((m) => m.version));
    expect(await migrate(test.database, paths.migrations)).toEqual([]);
    const rows = await test.database.db.selectFrom('schema_migrations').select(['version', 'checksum']).orderBy('version').execute();
    expect(rows).toEqual(all.map((m) => ({ version: m.version, checksum: m.checksum })));
  });

  it('refuse to run when an applied migration was edited', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ortak-migrations-'));
    cpSync(paths.migrations, folder, { recursive: true });
    appendFileSync(join(folder, '0001_foundation.sql'), '\n-- edited\n');
    await expect(migrate(test.database, folder)).rejects.toThrow(/was changed after it was applied/);
  });

  it('roll back a failing migration whole', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ortak-migrations-'));
    cpSync(paths.migrations, folder, { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(folder, '9999_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    await expect(migrate(test.database, folder)).rejects.toThrow(/9999_broken failed/);
    const exists = await test.database.db
      .selectFrom('information_schema.tables' as never)
      .select('table_name' as never)
      .where('table_name' as never, '=', 'half_done' as never)
      .execute();
    expect(exists).toEqual([]);
    // and the node still works afterwards
    expect(await migrate(test.database, paths.migrations)).toEqual([]);
  });
});
