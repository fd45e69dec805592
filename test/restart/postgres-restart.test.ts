import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { createTestNode, type TestNode } from '../support/node.js';

// The PostgreSQL server itself stopped and started again (pg_ctlcluster) under a submission load, with the node's
// job runner polling and deadline timers falling due while the server is down. This restarts the server every
// other test uses, so scripts/test.mjs runs it on its own, after the rest (vitest project "restart").
const version = readdirSync('/etc/postgresql')[0];
const cluster = (action: 'stop' | 'start') => execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'pipe' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SERVICE = 'kz-criminal-record-certificate';

let t: TestNode;
let erlan: DemoPersona;
let token = '';

beforeAll(async () => {
  // Monday 2 March 2026, 11:00 in Astana
  // sessions long enough to outlast the test clock's jump past the deadlines
  t = await createTestNode({ start: '2026-03-02T06:00:00Z', env: { ORTAK_SESSION_HOURS: '1000' } });
  erlan = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  token = await t.signIn(erlan);
}, 60_000);
afterAll(async () => {
  await t?.node.jobs.stop();
  await t?.close();
});

async function until(what: string, probe: () => Promise<boolean>, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

describe('PostgreSQL restarted under load', () => {
  it('turns /health degraded, answers 503 (never 500), recovers by itself, loses nothing answered 201, and fires the timers due during the outage once', async () => {
    // Five applications waiting for an officer (Ерлан has a record), each with its reminder and escalation timers.
    const waiting: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.submit(token, erlan, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
      expect(res.statusCode).toBe(201);
      waiting.push(res.json().id);
    }
    await t.runJobs();
    t.node.jobs.start();

    // Four clients submit without pause; every answer is recorded.
    const answers: { status: number; id?: string }[] = [];
    let loading = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (loading) {
        const res = await t.submit(token, erlan, SERVICE, t.node.catalog.get(SERVICE)!.form.example, randomUUID());
        answers.push({ status: res.statusCode, id: res.statusCode === 201 ? res.json().id : undefined });
        if (res.statusCode !== 201) await sleep(50);
      }
    });
    await sleep(1000);

    cluster('stop');
    // While the server is down, the deadlines pass: the reminders and escalations fall due.
    t.clock.set('2026-03-20T06:00:00Z');
    await until('/health 503', async () => (await t.app.inject({ url: '/health' })).statusCode === 503, 10);
    const degraded = (await t.app.inject({ url: '/health' })).json();
    expect(degraded).toMatchObject({ status: 'degraded', database: { status: 'down' } });
    await sleep(2000);
    cluster('start');

    await until('/health 200', async () => (await t.app.inject({ url: '/health' })).statusCode === 200, 30);
    await sleep(1500);
    loading = false;
    await Promise.all(clients);

    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    expect(statuses.every((s) => s === 201 || s === 503), `statuses ${statuses.join(', ')}`).toBe(true);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    const accepted = answers.filter((a) => a.status === 201).map((a) => a.id!);
    expect(accepted.length).toBeGreaterThan(0);
    const stored = await t.node.database.db.selectFrom('applications').select('id').where('id', 'in', accepted).execute();
    expect(stored.length).toBe(accepted.length);

    // The timers that fell due during the outage fire once each, by the runner on its own.
    const { db } = t.node.database;
    const timersDone = async () => {
      const mine = await db
        .selectFrom('jobs')
        .select(['done_at'])
        .where((eb) => eb.or(waiting.map((id) => eb('unique_key', 'like', `deadline:${id}:%`))))
        .execute();
      return mine.length === 10 && mine.every((j) => j.done_at !== null);
    };
    await until('the ten timers done', timersDone, 30);
    const escalations = await db.selectFrom('application_actions').select(['application_id']).where('type', '=', 'escalate').where('application_id', 'in', waiting).execute();
    expect(escalations.map((e) => e.application_id).sort()).toEqual([...waiting].sort());
    const messages = await db
      .selectFrom('notifications')
      .select(['application_id', 'recipient_account_id', 'template'])
      .where('application_id', 'in', waiting)
      .where('template', 'in', ['deadline_reminder', 'deadline_escalation'])
      .execute();
    const keys = messages.map((m) => `${m.application_id} ${m.recipient_account_id} ${m.template}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const id of waiting) {
      expect(messages.filter((m) => m.application_id === id && m.template === 'deadline_reminder').length).toBeGreaterThan(0);
      expect(messages.filter((m) => m.application_id === id && m.template === 'deadline_escalation').length).toBeGreaterThan(0);
    }
  }, 90_000);
});
