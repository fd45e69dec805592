import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { paths } from '../../src/platform/paths.js';
import { applicationSignature } from '../support/node.js';
import { freePort } from '../support/ports.js';
import { run } from '../support/run.js';

// Issue 15: one process per embedded database. A second node, or a command, on the folder of a running node is
// refused with the holder named; a holder that died is replaced; no write the running node acknowledged is lost.
const dist = join(paths.root, 'dist', 'src');
const folders: string[] = [];
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ortak-lock-'));
  folders.push(dir);
  return dir;
};
const children: ChildProcess[] = [];
afterAll(() => {
  children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  folders.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

// Another process taking the same lock as the node does: prints "held" (and keeps it a while) or the refusal.
const tryLock = (dir: string, holdMs: number) => `
  const { lockDataFolder } = await import(${JSON.stringify(join(dist, 'platform', 'db', 'data-lock.js'))});
  try {
    const release = await lockDataFolder(${JSON.stringify(dir)});
    console.log('held');
    await new Promise((r) => setTimeout(r, ${holdMs}));
    release();
  } catch (e) { console.log('refused: ' + e.message); }`;
const lockInChild = (dir: string, holdMs = 0) =>
  new Promise<string>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', tryLock(dir, holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => resolve(out));
  });
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('the lock on an embedded database folder', () => {
  it('takes over the lock of a holder that died, one contender of several, and leaves nothing behind', async () => {
    const dir = folder();
    mkdirSync(join(dir, '.ortak-lock'));
    writeFileSync(join(dir, '.ortak-lock', 'holder.json'), JSON.stringify({ pid: deadPid(), host: hostname(), command: 'main.js', since: '2026-12-01T00:00:00Z' }));
    const outputs = await Promise.all(Array.from({ length: 5 }, () => lockInChild(dir, 1500)));
    expect(outputs.filter((o) => o.startsWith('held'))).toHaveLength(1);
    expect(outputs.filter((o) => o.startsWith('refused: the embedded database'))).toHaveLength(4);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});

describe('two processes on one embedded database', () => {
  const dataDir = folder();
  let output = '';
  async function startNode(): Promise<{ child: ChildProcess; base: string }> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [join(dist, 'main.js')], {
      env: { ...process.env, PORT: String(port), ORTAK_CLIENT_PORT: String(await freePort()), HOST: '127.0.0.1', ORTAK_DATA_DIR: dataDir, DATABASE_URL: '', ORTAK_STATES: 'KZ', ORTAK_DEMO_HISTORY: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    for (let i = 0; i < 900; i++) {
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return { child, base };
      if (child.exitCode !== null) return { child, base };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`node did not become healthy: ${output}`);
  }
  const cli = (...args: string[]) => run(process.execPath, [join(dist, 'cli', 'exchange.js'), ...args], { env: { ...process.env, ORTAK_DATA_DIR: dataDir, DATABASE_URL: '' } });

  it('refuses a second node and a command while one runs, loses none of its acknowledged writes, and lets the next in once it is gone', async () => {
    const first = await startNode();
    expect(first.child.exitCode).toBeNull();

    // a second node on the same folder stops at once, naming the first
    const second = await startNode();
    await new Promise((r) => second.child.exitCode === null ? second.child.once('exit', r) : r(null));
    expect(second.child.exitCode).toBe(1);
    expect(output).toContain(`Ortak could not start: the embedded database in ${dataDir} is in use by process ${first.child.pid}`);
    // and so does a command
    const grant = await cli('access', 'grant', 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', 'KZ/GOV/KGD/AUDIT');
    expect(grant.status).toBe(1);
    expect(grant.stderr).toContain(`is in use by process ${first.child.pid}`);

    // twenty submissions, each answered 201 by the first node
    const personas = (await (await fetch(`${first.base}/api/v1/auth/demo-personas`)).json()) as DemoPersona[];
    const citizen = personas.find((p) => p.role === 'citizen' && p.state === 'KZ')!;
    const login = await fetch(`${first.base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: citizen.identifier }) });
    const { token } = (await login.json()) as { token: string };
    const service = 'kz-criminal-record-certificate';
    const data = { usage: 'domestic', paperCopy: false };
    const numbers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${first.base}/api/v1/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `lock-${i}` },
        body: JSON.stringify({ service, data, signature: await applicationSignature(citizen, service, data) }),
      });
      expect(res.status).toBe(201);
      numbers.push(((await res.json()) as { number: string }).number);
    }
    expect(new Set(numbers).size).toBe(20);

    // the first node stops; the next one takes the folder and has every one of them
    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    const third = await startNode();
    expect(third.child.exitCode).toBeNull();
    const login3 = await fetch(`${third.base}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: citizen.identifier }) });
    const mine = (await (await fetch(`${third.base}/api/v1/applications?limit=100`, { headers: { authorization: `Bearer ${((await login3.json()) as { token: string }).token}` } })).json()) as { items: { number: string }[] };
    expect(mine.items.map((a) => a.number).sort()).toEqual([...numbers].sort());

    // killed without letting go, its lock is taken over by the command that comes next
    third.child.kill('SIGKILL');
    await new Promise((r) => third.child.once('exit', r));
    const after = await cli('access', 'grant', 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', 'KZ/GOV/KGD/AUDIT');
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
  }, 240_000);
});
