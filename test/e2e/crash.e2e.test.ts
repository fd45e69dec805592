import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { paths } from '../../src/platform/paths.js';
import { adminUrl, postgresReachable, queryOnce } from '../support/database.js';
import { applicationSignature } from '../support/node.js';
import { freePort } from '../support/ports.js';

// Crash safety: a node on PostgreSQL is killed with SIGKILL in the middle of a submission load and started again.
// Every application answered 201 must be there exactly once, and clients that retry what they never got an answer
// for, with the same Idempotency-Key, must create no duplicate.
const main = join(paths.root, 'dist', 'src', 'main.js');
const SERVICE = 'kz-criminal-record-certificate';
const DATA = { usage: 'domestic', paperCopy: false };
const database = `ortak_crash_${process.pid}_${randomBytes(3).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
let child: ChildProcess;
let base = '';
let output = '';

const reachable = await postgresReachable();
const admin = (text: string) => queryOnce(adminUrl, text);

const clientPort = await freePort();
async function startNode(port: number) {
  output = '';
  child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), ORTAK_CLIENT_PORT: String(clientPort), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, ORTAK_STATES: 'KZ', ORTAK_DEMO_HISTORY: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return;
    if (child.exitCode !== null) throw new Error(`node exited: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`node did not become healthy: ${output}`);
}

beforeAll(async () => {
  if (!reachable) return;
  await admin(`CREATE DATABASE ${database}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startNode(port);
}, 120_000);

afterAll(async () => {
  if (!reachable) return;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

/** Ерлан (his certificates wait for an officer, so the node's background work is the evidence job) submitting. */
async function citizenSubmitting() {
  const personas = (await (await fetch(`${base}/api/v1/auth/demo-personas`)).json()) as DemoPersona[];
  const erlan = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.language === 'ru')!;
  const { token } = (await (await fetch(`${base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: erlan.qualifiedIdentifier, role: 'citizen' }) })).json()) as { token: string };
  const body = JSON.stringify({ service: SERVICE, data: DATA, signature: await applicationSignature(erlan, SERVICE, DATA) });
  return (key: string) =>
    fetch(`${base}/api/v1/applications`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key }, body, signal: AbortSignal.timeout(10_000) });
}

const storedApplications = () => queryOnce<{ id: string; status: string }>(databaseUrl, 'SELECT id, status FROM applications');

async function waitForHealth(status: number, seconds: number): Promise<{ status: string }> {
  for (let i = 0; i < seconds * 10; i++) {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
    if (res?.status === status) return (await res.json()) as { status: string };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`/health did not answer ${status} within ${seconds} s`);
}

describe.skipIf(!reachable && !process.env.CI)('a node killed with SIGKILL under a submission load', () => {
  it('keeps every application it answered 201 exactly once, and retries with the same Idempotency-Key add none', async () => {
    const submit = await citizenSubmitting();

    const answered = new Map<string, string>(); // Idempotency-Key -> application id answered 201
    const unanswered: string[] = []; // sent, but the node died before answering
    let stop = false;
    let killed = false;
    const client = async () => {
      while (!stop) {
        const key = randomUUID();
        try {
          const res = await submit(key);
          if (res.status === 201) answered.set(key, ((await res.json()) as { id: string }).id);
          else throw new Error(`answered ${res.status}: ${await res.text()}`);
        } catch (error) {
          if (!killed) throw error;
          unanswered.push(key);
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    // Let the load run, then kill the node without warning while requests are in flight.
    await new Promise((r) => setTimeout(r, 2500));
    killed = true;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    stop = true;
    await Promise.all(clients);
    expect(answered.size).toBeGreaterThan(20);
    expect(unanswered.length).toBeGreaterThan(0);

    await startNode(Number(new URL(base).port));
    const count = async () => (await storedApplications()).map((r) => r.id);
    const before = await count();
    // Every 201 is there, exactly once.
    for (const id of answered.values()) expect(before.filter((x) => x === id)).toHaveLength(1);
    // The clients retry what they never heard back about: each key ends with one application, new or the one the
    // node had already stored before it died.
    for (const key of unanswered) {
      const res = await submit(key);
      expect(res.status).toBe(201);
      answered.set(key, ((await res.json()) as { id: string }).id);
    }
    const after = await count();
    expect(new Set(answered.values()).size).toBe(answered.size);
    expect(after.length).toBe(answered.size);
    expect(new Set(after)).toEqual(new Set(answered.values()));
  });

  it('answers 503 while its database is unreachable, recovers by itself, loses nothing answered 201, and resumes its jobs', async () => {
    const submit = await citizenSubmitting();
    const dbName = new URL(databaseUrl).pathname.slice(1);
    const answered = new Map<string, string>();
    const unanswered: string[] = [];
    const statuses = new Set<number>();
    let stop = false;
    const client = async () => {
      while (!stop) {
        const key = randomUUID();
        const res = await submit(key).catch(() => undefined);
        if (res) statuses.add(res.status);
        if (res?.status === 201) answered.set(key, ((await res.json()) as { id: string }).id);
        else {
          unanswered.push(key);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const before = (await storedApplications()).length;
    const clients = Array.from({ length: 8 }, client);
    await new Promise((r) => setTimeout(r, 1500));
    // The outage: the server refuses new connections to this database and drops the ones it has.
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}'`);
    expect(await waitForHealth(503, 10)).toMatchObject({ status: 'degraded' });
    await new Promise((r) => setTimeout(r, 2000));
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    expect(await waitForHealth(200, 20)).toMatchObject({ status: 'ok' });
    await new Promise((r) => setTimeout(r, 1000));
    stop = true;
    await Promise.all(clients);
    // During the outage a submission is refused with 503 (problem+json, Retry-After), never a 500.
    expect([...statuses].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(statuses.has(503)).toBe(true);
    expect(child.exitCode).toBeNull();
    for (const key of unanswered) {
      const res = await submit(key);
      expect(res.status).toBe(201);
      answered.set(key, ((await res.json()) as { id: string }).id);
    }
    const stored = await storedApplications();
    expect(stored.length - before).toBe(answered.size);
    const storedIds = new Set(stored.map((r) => r.id));
    for (const id of answered.values()) expect(storedIds.has(id)).toBe(true);
    // The evidence jobs of every application run: those enqueued before and during the outage once it is over, and
    // those the node killed in the test above had claimed once their claim runs out (15 s, no longer renewed). (A job
    // that failed in the outage is retried after its backoff, 2 s then 4 s; one whose work never settled is given up
    // after the runner's 30 s limit and retried.)
    const waiting = async () => (await storedApplications()).filter((a) => a.status === 'submitted');
    for (let i = 0; i < 500 && (await waiting()).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await waiting()).toEqual([]);
  }, 120_000);
});
