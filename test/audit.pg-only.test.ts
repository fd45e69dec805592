import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, sealAudit, verifyAuditChain } from '../src/audit/index.js';
import { transaction } from '../src/platform/db/index.js';
import { migrate } from '../src/platform/db/migrate.js';
import { paths } from '../src/platform/paths.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

// The audit log's chain is linked by the sealer after the entries commit, so audited changes never wait for each
// other's commits; a row that commits late is still linked, and a removed or edited row is still found.
let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await migrate(test.database, paths.migrations);
});
afterAll(() => test.drop());

const entry = (subjectId: string) => ({ at: new Date(), actorAccountId: null, action: 'test.event', subjectType: 'test', subjectId, details: { subjectId } });

describe('the audit chain, sealed after commit', () => {
  it('lets concurrent writers commit without waiting, and links a row that committed late after the others', async () => {
    const { db } = test.database;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // A writes first and commits last; B and C commit meanwhile without waiting for A.
    const a = transaction(db, async (tx) => {
      await appendAudit(tx, entry('a'));
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    await transaction(db, (tx) => appendAudit(tx, entry('b')));
    await transaction(db, (tx) => appendAudit(tx, entry('c')));
    expect(await sealAudit(db)).toBe(2);
    release();
    await a;
    expect(await sealAudit(db)).toBe(1);
    const order = await db.selectFrom('audit_events').select(['subject_id', 'id', 'chain_seq']).orderBy('chain_seq').execute();
    expect(order.map((r) => r.subject_id)).toEqual(['b', 'c', 'a']);
    // a's id is the smallest: chain order is the order of sealing, not of ids
    expect(Number(order[2].id)).toBeLessThan(Number(order[0].id));
    expect(await verifyAuditChain(db)).toEqual({ ok: true, rows: 3, unsealed: 0 });
  });

  it('lets one process seal at a time, and finds a removed row', async () => {
    const { db } = test.database;
    await transaction(db, async (tx) => {
      for (let i = 0; i < 50; i++) await appendAudit(tx, entry(`x${i}`));
    });
    const sealed = await Promise.all([sealAudit(db), sealAudit(db), sealAudit(db)]);
    expect(sealed.reduce((n, s) => n + s, 0)).toBe(50);
    expect((await verifyAuditChain(db)).rows).toBe(53);
    const victim = await db.selectFrom('audit_events').select(['id', 'chain_seq']).where('subject_id', '=', 'x20').executeTakeFirstOrThrow();
    const next = await db.selectFrom('audit_events').select('id').where('chain_seq', '=', Number(victim.chain_seq) + 1).executeTakeFirstOrThrow();
    await db.deleteFrom('audit_events').where('id', '=', victim.id).execute();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: { id: Number(next.id), reason: 'link' } });
  });
});
