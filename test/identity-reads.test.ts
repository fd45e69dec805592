import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSession } from '../src/identity/index.js';
import { keepIdentityReads } from '../src/identity/kept-reads.js';
import { type Database, type Db, openDatabase, sql } from '../src/platform/db/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// Sessions and signing certificates are kept in each node process and dropped on the database's change notices
// (migration 0014). A change made with triggers off (session_replication_role = replica) sends no notice: what a
// process still answers then shows that it answers from what it kept.
let t: TestNode;
beforeAll(async () => {
  t = await createTestNode();
});
afterAll(() => t.close());

const me = (token: string) => t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

/** Runs statements on one connection with triggers off: a change no process hears of. */
async function unannounced(db: Db, statements: ReturnType<typeof sql>[]): Promise<void> {
  await db.connection().execute(async (c) => {
    await sql`SET session_replication_role = replica`.execute(c);
    try {
      for (const s of statements) await s.execute(c);
    } finally {
      await sql`SET session_replication_role = origin`.execute(c);
    }
  });
}

async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe('sessions and certificates kept in the node process', () => {
  it('answers a kept session without reading it again, and drops it when its account changes', async () => {
    const officer = t.persona({ role: 'officer', state: 'KZ' });
    const token = await t.signIn(officer);
    expect((await me(token)).statusCode).toBe(200);
    const db = t.node.database.db;
    const account = officer.accountId;
    // closed with no notice: this process still has the session it read
    await unannounced(db, [sql`UPDATE accounts SET active = false WHERE id = ${account}`]);
    expect((await me(token)).statusCode).toBe(200);
    // any announced change to the account (here a no-op update) drops it, and the account is read as it now is
    await sql`UPDATE accounts SET active = active WHERE id = ${account}`.execute(db);
    expect(await eventually(async () => (await me(token)).statusCode === 401)).toBe(true);
    await sql`UPDATE accounts SET active = true WHERE id = ${account}`.execute(db);
    expect(await eventually(async () => (await me(token)).statusCode === 200)).toBe(true);
  });

  it('refuses a signed-out session at once in this process', async () => {
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'kk' }));
    expect((await me(token)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/signout', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('still checks the expiry of a kept session on every request', async () => {
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'ru' }));
    expect((await me(token)).statusCode).toBe(200);
    const [row] = (await sql<{ expires_at: Date }>`SELECT expires_at FROM sessions WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`.execute(t.node.database.db)).rows;
    const before = t.clock.now();
    t.clock.set(new Date(row.expires_at.getTime() + 1000));
    try {
      expect((await me(token)).statusCode).toBe(401);
    } finally {
      t.clock.set(before);
    }
  });

  it('refuses a signature by a certificate revoked since it was last used', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
    const token = await t.signIn(citizen);
    const service = 'kz-criminal-record-certificate';
    const data = t.node.catalog.get(service)!.form.example;
    expect((await t.submit(token, citizen, service, data)).statusCode).toBe(201);
    const db = t.node.database.db;
    const person = sql`(SELECT person_id FROM accounts WHERE id = ${citizen.accountId})`;
    const revoke = sql`UPDATE person_certificates SET revoked_at = now() WHERE person_id = ${person} AND revoked_at IS NULL`;
    try {
      await unannounced(db, [revoke]);
      expect((await t.submit(token, citizen, service, data)).statusCode).toBe(201);
      await sql`UPDATE person_certificates SET revoked_at = revoked_at WHERE person_id = ${person}`.execute(db);
      expect(
        await eventually(async () => {
          const res = await t.submit(token, citizen, service, data);
          return res.statusCode === 422 && JSON.stringify(res.json()).includes('signature_revoked_certificate');
        }),
      ).toBe(true);
    } finally {
      await sql`UPDATE person_certificates SET revoked_at = NULL WHERE person_id = ${person}`.execute(db);
    }
    expect(await eventually(async () => (await t.submit(token, citizen, service, data)).statusCode === 201)).toBe(true);
  });
});

describe.runIf(process.env.ORTAK_TEST_DB === 'postgres')('kept reads across processes', () => {
  let other: Database;
  beforeAll(async () => {
    // a second node process is a second connection pool over the same database, keeping reads of its own
    other = await openDatabase({ url: await currentUrl(), poolSize: 2 });
    await keepIdentityReads(other);
  });
  afterAll(() => other.close());

  async function currentUrl(): Promise<string> {
    const [{ name }] = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(t.node.database.db)).rows;
    const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${name}`;
    return url.toString();
  }

  it('a sign-out in one process reaches the other', async () => {
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'kk' }));
    expect(await resolveSession(other.db, token, t.clock.now())).toBeDefined();
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/signout', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(204);
    expect(await eventually(async () => (await resolveSession(other.db, token, t.clock.now())) === undefined)).toBe(true);
  });

  it('keeps nothing while it cannot hear the notices, and hears them again after reconnecting', async () => {
    const officer = t.persona({ role: 'officer', state: 'KZ' });
    const token = await t.signIn(officer);
    const listeners = async () =>
      (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`.execute(t.node.database.db)).rows.map((r) => r.pid);
    const before = await listeners();
    expect(before.length).toBe(2); // the node's and the other process's
    expect(await resolveSession(other.db, token, t.clock.now())).toBeDefined();
    // every listening connection is cut; each process reconnects by itself
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`.execute(t.node.database.db);
    expect(await eventually(async () => (await listeners()).filter((pid) => !before.includes(pid)).length === 2, 10_000)).toBe(true);
    // what was kept before the cut is gone: a change made unheard meanwhile is seen
    const account = officer.accountId;
    await unannounced(t.node.database.db, [sql`UPDATE accounts SET active = false WHERE id = ${account}`]);
    try {
      expect(await resolveSession(other.db, token, t.clock.now())).toBeUndefined();
    } finally {
      await sql`UPDATE accounts SET active = true WHERE id = ${account}`.execute(t.node.database.db);
    }
    // and notices are heard again
    expect(await eventually(async () => (await resolveSession(other.db, token, t.clock.now())) !== undefined)).toBe(true);
    await sql`UPDATE sessions SET revoked_at = now() WHERE account_id = ${account}`.execute(t.node.database.db);
    expect(await eventually(async () => (await resolveSession(other.db, token, t.clock.now())) === undefined)).toBe(true);
  });
});
