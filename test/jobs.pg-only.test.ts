import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../src/platform/clock.js';
import { migrate } from '../src/platform/db/migrate.js';
import { sql } from '../src/platform/db/index.js';
import { enqueue, JobRunner } from '../src/platform/jobs.js';
import { paths } from '../src/platform/paths.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  await migrate(test.database, paths.migrations);
  await sql`CREATE TABLE job_effects (job_id bigint, runner text)`.execute(test.database.db);
});
afterAll(() => test.drop());

describe('jobs over one PostgreSQL, several runners', () => {
  it('run each job exactly once while runners race for them', async () => {
    const db = test.database.db;
    const clock = new ManualClock('2026-05-01T00:00:00Z');
    for (let i = 0; i < 200; i++) await enqueue(db, 'test.effect', { i }, clock.now());
    const runners = ['a', 'b', 'c'].map((name) =>
      new JobRunner(db, clock, { batchSize: 7 }).handle('test.effect', async (tx, job) => {
        await sql`INSERT INTO job_effects VALUES (${job.id}, ${name})`.execute(tx);
      }),
    );
    const ran = await Promise.all(runners.map((r) => r.runDue()));
    expect(ran.reduce((a, b) => a + b, 0)).toBe(200);
    const effects = await sql<{ n: number; distinct_jobs: number; runners: number }>`
      SELECT count(*) AS n, count(DISTINCT job_id) AS distinct_jobs, count(DISTINCT runner) AS runners FROM job_effects`.execute(db);
    expect(effects.rows[0]).toMatchObject({ n: 200, distinct_jobs: 200 });
    expect(Number(effects.rows[0].runners)).toBeGreaterThan(1);
  });

  it('run a batch\'s jobs side by side, up to the runner\'s concurrency, each once, and a failing one on its own', async () => {
    const db = test.database.db;
    const clock = new ManualClock('2026-05-01T06:00:00Z');
    for (let i = 0; i < 30; i++) await enqueue(db, 'test.side-by-side', { i }, clock.now(), { maxAttempts: 1 });
    let running = 0;
    let most = 0;
    const runner = new JobRunner(db, clock, { batchSize: 20, concurrency: 8 }).handle('test.side-by-side', async (tx, job) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running -= 1;
      if (job.payload.i === 7) throw new Error('this one fails');
      await sql`INSERT INTO job_effects VALUES (${job.id}, 'side-by-side')`.execute(tx);
    });
    expect(await runner.runDue()).toBe(30);
    expect(most).toBe(8);
    const effects = await sql<{ n: number; distinct_jobs: number }>`
      SELECT count(*)::int AS n, count(DISTINCT job_id)::int AS distinct_jobs FROM job_effects WHERE runner = 'side-by-side'`.execute(db);
    expect(effects.rows[0]).toEqual({ n: 29, distinct_jobs: 29 });
    const jobs = await db.selectFrom('jobs').select(['done_at', 'failed_at', 'payload']).where('queue', '=', 'test.side-by-side').execute();
    expect(jobs.filter((j) => j.done_at).length).toBe(29);
    expect(jobs.filter((j) => j.failed_at).map((j) => j.payload)).toEqual([{ i: 7 }]);
  });

  it('retry a failing job with backoff, then mark it failed', async () => {
    const db = test.database.db;
    const clock = new ManualClock('2026-05-02T00:00:00Z');
    await enqueue(db, 'test.fails', {}, clock.now(), { maxAttempts: 3 });
    const runner = new JobRunner(db, clock).handle('test.fails', async () => {
      throw new Error('provider down');
    });
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runDue()).toBe(0); // backing off
    clock.advance(60_000);
    await runner.runDue();
    clock.advance(3600_000);
    await runner.runDue();
    const job = await db.selectFrom('jobs').selectAll().where('queue', '=', 'test.fails').executeTakeFirstOrThrow();
    expect(job.attempts).toBe(3);
    expect(job.failed_at).not.toBeNull();
    expect(job.last_error).toBe('provider down');
  });

  it('keep the jobs of a batch that outlasts its lease with the runner that claimed them, renewing the claims', async () => {
    const db = test.database.db;
    const started = new Date();
    for (let i = 0; i < 3; i++) await enqueue(db, 'test.slow', { i }, started);
    const calls: Record<string, number> = { slow: 0, other: 0 };
    // One job at a time, each longer than the lease, so the batch holds its last job four leases: without renewal the
    // other runner would claim it. (Renewed every 500 ms, a claim survives a second of a busy machine's delays.)
    const slow = new JobRunner(db, systemClock, { leaseMs: 1500, batchSize: 3 }).handle('test.slow', async () => {
      calls.slow += 1;
      await new Promise((r) => setTimeout(r, 2000));
    });
    const other = new JobRunner(db, systemClock, { leaseMs: 1500 }).handle('test.slow', async () => {
      calls.other += 1;
    });
    let finished = false;
    const batch = slow.runDue().finally(() => (finished = true));
    let tookOver = 0;
    while (!finished) {
      await new Promise((r) => setTimeout(r, 100));
      tookOver += await other.runDue();
    }
    expect(await batch).toBe(3);
    expect(tookOver).toBe(0);
    expect(calls).toEqual({ slow: 3, other: 0 });
    const jobs = await db.selectFrom('jobs').select(['done_at', 'attempts']).where('queue', '=', 'test.slow').execute();
    expect(jobs.map((j) => [j.done_at !== null, j.attempts])).toEqual([[true, 1], [true, 1], [true, 1]]);
  });

  it('take over the jobs of a runner that died once its claim runs out', async () => {
    const db = test.database.db;
    const clock = new ManualClock('2026-05-04T00:00:00Z');
    await enqueue(db, 'test.orphan', {}, clock.now());
    // A runner claimed it and was killed: nobody renews the claim.
    await db.updateTable('jobs').set({ locked_by: 'killed', locked_until: new Date(clock.now().getTime() + 15_000), attempts: 1 }).where('queue', '=', 'test.orphan').execute();
    let ran = 0;
    const runner = new JobRunner(db, clock).handle('test.orphan', async () => {
      ran += 1;
    });
    expect(await runner.runDue()).toBe(0);
    clock.advance(15_001);
    expect(await runner.runDue()).toBe(1);
    expect(ran).toBe(1);
    const job = await db.selectFrom('jobs').select(['done_at', 'attempts']).where('queue', '=', 'test.orphan').executeTakeFirstOrThrow();
    expect(job.done_at).not.toBeNull();
    expect(job.attempts).toBe(2);
  });

  it('ignore a second timer with the same key', async () => {
    const db = test.database.db;
    const now = new Date('2026-05-03T00:00:00Z');
    expect(await enqueue(db, 'test.timer', {}, now, { uniqueKey: 'once' })).toBe(true);
    expect(await enqueue(db, 'test.timer', {}, now, { uniqueKey: 'once' })).toBe(false);
  });
});
