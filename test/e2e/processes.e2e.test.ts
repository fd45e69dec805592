import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { paths } from '../../src/platform/paths.js';
import { adminUrl, postgresReachable, queryOnce } from '../support/database.js';
import { applicationSignature } from '../support/node.js';
import { freePort } from '../support/ports.js';

// ORTAK_PROCESSES=2: two node processes share the port over one PostgreSQL. Submissions are served by both, every
// job (evidence, steps, documents, notifications) runs exactly once, and a process that dies is replaced.
const main = join(paths.root, 'dist', 'src', 'main.js');
const database = `ortak_processes_${process.pid}_${randomBytes(3).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
let child: ChildProcess;
let base = '';
let output = '';

const reachable = await postgresReachable();
const query = queryOnce;

const workers = () =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter(Boolean);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, seconds = 30): Promise<T> {
  for (let i = 0; i < seconds * 10; i++) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen within ${seconds} s\n${output}`);
}

beforeAll(async () => {
  if (!reachable) return;
  await query(adminUrl, `CREATE DATABASE ${database}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), ORTAK_CLIENT_PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, ORTAK_PROCESSES: '2', ORTAK_STATES: 'KZ', ORTAK_DEMO_HISTORY: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await until('/health', async () => (await fetch(`${base}/health`)).ok, 60);
}, 90_000);

afterAll(async () => {
  if (!reachable) return;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await query(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

describe.skipIf(!reachable && !process.env.CI)('ORTAK_PROCESSES=2 over one PostgreSQL', () => {
  it('serves from two processes and runs every job once', async () => {
    expect(workers()).toHaveLength(2);
    const personas = (await (await fetch(`${base}/api/v1/auth/demo-personas`)).json()) as DemoPersona[];
    // Айгерім has no record: each of her certificates runs evidence, the automatic check, the document and messages.
    const aigerim = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'kk')!;
    const { token } = (await (await fetch(`${base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: aigerim.qualifiedIdentifier, role: 'citizen' }) })).json()) as { token: string };
    const data = { usage: 'domestic', paperCopy: false };
    const body = JSON.stringify({ service: 'kz-criminal-record-certificate', data, signature: await applicationSignature(aigerim, 'kz-criminal-record-certificate', data) });
    // new connections each (no keep-alive), so both processes take some
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${base}/api/v1/applications`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), connection: 'close' }, body }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(40).fill(201));

    const documents = await until('40 documents', async () => {
      const rows = await query<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM documents');
      return Number(rows[0].n) === 40 && rows;
    });
    expect(documents).toBeDefined();
    // let any duplicate run show itself before counting
    await new Promise((r) => setTimeout(r, 1500));
    const perApplication = await query<{ application_id: string; documents: string; approvals: string; messages: string }>(
      databaseUrl,
      `SELECT a.id AS application_id,
              (SELECT count(*) FROM documents d WHERE d.application_id = a.id) AS documents,
              (SELECT count(*) FROM application_actions x WHERE x.application_id = a.id AND x.type = 'approve') AS approvals,
              (SELECT count(*) FROM notifications n WHERE n.application_id = a.id AND n.template = 'application_approved') AS messages
       FROM applications a`,
    );
    expect(perApplication).toHaveLength(40);
    expect(perApplication.filter((r) => Number(r.documents) !== 1 || Number(r.approvals) !== 1 || Number(r.messages) !== 1)).toEqual([]);
    // every job ran once: done once, never claimed by both (a job done twice would have two history rows above)
    const jobs = await query<{ queue: string; pending: string; failed: string }>(
      databaseUrl,
      `SELECT queue, count(*) FILTER (WHERE done_at IS NULL AND cancelled_at IS NULL AND run_at <= now()) AS pending, count(*) FILTER (WHERE failed_at IS NOT NULL) AS failed FROM jobs GROUP BY queue`,
    );
    expect(jobs.filter((j) => j.queue !== 'notification.deliver' && (Number(j.pending) !== 0 || Number(j.failed) !== 0))).toEqual([]);
    // both processes wrote to the statistics and the audit log without a conflict
    const stats = (await (await fetch(`${base}/api/v1/stats`)).json()) as { totals: { provided: number } };
    expect(stats.totals.provided).toBe(40);
  }, 90_000);

  it('replaces a process that dies, and keeps serving meanwhile', async () => {
    const [victim, survivor] = workers();
    process.kill(victim, 'SIGKILL');
    // once the supervisor has seen it die (a connection handed over in that instant is reset, as with any crash),
    // the other process answers while the new one starts
    await until('the exit noticed', async () => output.includes(`node process ${victim} exited`));
    for (let i = 0; i < 10; i++) expect((await fetch(`${base}/health`, { headers: { connection: 'close' } })).status).toBe(200);
    const replaced = await until('a new process', async () => {
      const now = workers();
      return now.length === 2 && !now.includes(victim) && now;
    });
    expect(replaced).toContain(survivor);
    expect(output).toContain(`node process ${victim} exited (SIGKILL); starting another`);
    await until('healthy again', async () => (await fetch(`${base}/health`)).ok);
  }, 60_000);

  it('stops with the reason, and starts no process to serve, when the database cannot be prepared', async () => {
    const port = await freePort();
    const unreachable = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: String(port), ORTAK_CLIENT_PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, ORTAK_PROCESSES: '2', ORTAK_STATES: 'KZ', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    unreachable.stdout!.on('data', (d) => (said += d));
    unreachable.stderr!.on('data', (d) => (said += d));
    const code = await new Promise((r) => unreachable.once('exit', r));
    expect(code).toBe(1);
    expect(said).toContain('Ortak could not start');
    expect(said).not.toContain('node processes on port');
  }, 60_000);

  it('stops every process on SIGTERM', async () => {
    const before = workers();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(child.exitCode).toBe(0);
    for (const pid of before) expect(() => process.kill(pid, 0)).toThrow();
  });
});
