import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/audit/index.js';
import { openDatabase, transaction } from '../../src/platform/db/index.js';
import { migrate } from '../../src/platform/db/migrate.js';
import { paths } from '../../src/platform/paths.js';
import { run } from '../support/run.js';

// `npm run audit:verify` is this command after a build; it reads the node's own database (here PGlite in a folder).
const cli = join(paths.root, 'dist', 'src', 'cli', 'audit-verify.js');
const dataDir = mkdtempSync(join(tmpdir(), 'ortak-audit-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function verify() {
  const ran = await run(process.execPath, [cli], { env: { ...process.env, ORTAK_DATA_DIR: dataDir, DATABASE_URL: '' } });
  return { status: ran.status, out: `${ran.stdout}${ran.stderr}` };
}

describe('npm run audit:verify', () => {
  it('says the chain is intact, then names the first row that was edited', async () => {
    const database = await openDatabase({ dataDir });
    await migrate(database, paths.migrations);
    await transaction(database.db, async (tx) => {
      for (let i = 0; i < 5; i++) {
        await appendAudit(tx, { at: new Date(Date.UTC(2026, 0, 1, 0, i)), actorAccountId: null, action: 'test.event', subjectType: 'test', subjectId: String(i), details: { i } });
      }
    });
    await database.close();
    expect(await verify()).toMatchObject({ status: 0, out: expect.stringContaining('audit chain intact: 5 rows') });

    const again = await openDatabase({ dataDir });
    await again.db.updateTable('audit_events').set({ subject_id: 'changed' }).where('id', '=', 3).execute();
    await again.close();
    const broken = await verify();
    expect(broken.status, broken.out).toBe(1);
    expect(broken.out).toContain('audit chain broken at row 3');
  });
});
