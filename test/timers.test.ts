import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/workflow/index.js';
import { createTestNode, type TestNode } from './support/node.js';

const SERVICE = 'kz-criminal-record-certificate';
let t: TestNode;

beforeAll(async () => {
  t = await createTestNode({ start: '2026-03-02T06:00:00Z', persistent: true });
});
afterAll(() => t.close());

describe('deadline timers', () => {
  it('fire once after a restart that moved the clock past the deadline: one reminder, one escalation', async () => {
    const citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
    const res = await t.submit(await t.signIn(citizen), citizen, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
    const { id, deadline } = res.json();
    await t.runJobs();
    const agency = t.node.catalog.get(SERVICE)!.agency;
    const head = t.personas.find((p) => p.agency === agency && p.permissions.includes('head'))!;

    // Nothing is due yet.
    expect(await t.runJobs()).toBe(0);

    // Stop the node, move the clock past the deadline, start it again.
    const calendar = t.node.calendars.get('KZ')!;
    t.clock.set(new Date(calendar.startOfDay(addDays(deadline, 1)).getTime() + 3600_000));
    await t.restart();
    expect(await t.runJobs()).toBeGreaterThanOrEqual(2);
    const timers = await t.node.database.db.selectFrom('jobs').select(['queue', 'done_at', 'attempts']).where('unique_key', 'like', `deadline:${id}:%`).orderBy('queue').execute();
    expect(timers).toEqual([
      { queue: 'deadline.escalate', done_at: expect.any(Date), attempts: 1 },
      { queue: 'deadline.remind', done_at: expect.any(Date), attempts: 1 },
    ]);

    // …and again: nothing fires twice.
    await t.restart();
    expect(await t.runJobs()).toBe(0);

    const headToken = await t.signIn(head);
    const app = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${headToken}` } })).json();
    expect(app.overdue).toBe(true);
    expect(app.history.filter((h: { type: string }) => h.type === 'escalate')).toHaveLength(1);
    const messages = (await t.app.inject({ url: '/api/v1/notifications', headers: { authorization: `Bearer ${headToken}` } })).json().items.filter((m: { applicationId: string }) => m.applicationId === id);
    expect(messages.map((m: { template: string }) => m.template).sort()).toEqual(['deadline_escalation', 'deadline_reminder']);

    const overdue = (await t.app.inject({ url: '/api/v1/officer/queue?overdue=true', headers: { authorization: `Bearer ${headToken}` } })).json().items;
    expect(overdue).toEqual([expect.objectContaining({ id, urgency: 'overdue' })]);
  });

  it('are not left behind by a decision: a decided application is not escalated', async () => {
    t.clock.set('2026-04-06T06:00:00Z');
    const citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
    const res = await t.submit(await t.signIn(citizen), citizen, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
    const { id, deadline } = res.json();
    await t.runJobs();
    const agency = t.node.catalog.get(SERVICE)!.agency;
    const officer = t.personas.find((p) => p.agency === agency && !p.permissions.includes('head'))!;
    const token = await t.signIn(officer);
    const headers = { authorization: `Bearer ${token}` };
    await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/assign`, headers: { ...headers, 'idempotency-key': 'a1' } });
    const approved = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/approve`, headers: { ...headers, 'idempotency-key': 'a2' } });
    expect(approved.statusCode, approved.body).toBe(200);
    t.clock.set(addDays(deadline, 3) + 'T06:00:00Z');
    await t.runJobs();
    const history = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${await t.signIn(officer)}` } })).json().history;
    expect(history.map((h: { type: string }) => h.type)).not.toContain('escalate');
  });
});
