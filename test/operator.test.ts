import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

// What the node's operator sees: the catalog as loaded, agencies with officers and workload, queues and timers.
const SERVICE = 'kz-criminal-record-certificate';
let t: TestNode;
let operator = '';
let application = '';

beforeAll(async () => {
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  operator = await t.signIn(t.persona({ role: 'operator' }));
  // Ерлан has a record: his application waits for an officer, with its deadline timers set
  const erlan = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  const res = await t.submit(await t.signIn(erlan), erlan, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
  application = res.json().id;
  await t.runJobs();
});
afterAll(() => t.close());

const get = (url: string, token = operator) => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

describe("the operator's view of the node", () => {
  it('lists the catalog as loaded, in the language asked for, and no load errors for the shipped files', async () => {
    const res = await get('/api/v1/operator/catalog?lang=ru');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.errors).toEqual([]);
    expect(body.services).toHaveLength(t.node.catalog.services.length);
    const service = body.services.find((s: { code: string }) => s.code === SERVICE);
    expect(service).toMatchObject({ state: 'KZ', title: t.node.catalog.get(SERVICE)!.title.ru, file: 'services/KZ/kz-criminal-record-certificate.yaml', fee: { currency: 'KZT' } });
    expect(service.steps).toBeGreaterThan(0);
    expect(body.agencies.length).toBe(t.node.catalog.agencies.length);
  });

  it("shows every agency's officers and its open, overdue and assigned applications", async () => {
    const agency = t.node.catalog.get(SERVICE)!.agency;
    const officer = t.personas.find((p) => p.agency === agency && !p.permissions.includes('head'))!;
    await t.app.inject({ method: 'POST', url: `/api/v1/applications/${application}/assign`, headers: { authorization: `Bearer ${await t.signIn(officer)}`, 'idempotency-key': 'op-assign' }, payload: {} });
    const items = (await get('/api/v1/operator/agencies')).json().items as any[];
    const mine = items.find((a) => a.code === agency);
    expect(mine).toMatchObject({ openApplications: 1, overdueApplications: 0 });
    expect(mine.officers.find((o: { accountId: string }) => o.accountId === officer.accountId)).toMatchObject({ assignedOpen: 1, active: true, identifier: officer.qualifiedIdentifier });
    expect(mine.officers.some((o: { permissions: string[] }) => o.permissions.includes('head'))).toBe(true);
    expect(items.filter((a) => a.code !== agency).every((a) => a.openApplications === 0)).toBe(true);
  });

  it("shows the job queues: deadline timers scheduled, nothing due or failed once the jobs ran, and the open work", async () => {
    const body = (await get('/api/v1/operator/health')).json();
    expect(body).toMatchObject({ status: 'ok', database: { status: 'up' }, applications: { open: 1, overdue: 0 }, federation: null });
    const remind = body.queues.find((q: { queue: string }) => q.queue === 'deadline.remind');
    expect(remind).toMatchObject({ scheduled: 1, due: 0, running: 0, failed: 0, oldestDueSeconds: null });
    expect(body.queues.find((q: { queue: string }) => q.queue === 'workflow.evidence')).toMatchObject({ due: 0, doneLastHour: 1 });
    // a day after the reminder's time it is due, and has been waiting
    t.clock.set('2026-03-20T06:00:00Z');
    const later = (await get('/api/v1/operator/health', await t.signIn(t.persona({ role: 'operator' })))).json();
    const dueNow = later.queues.find((q: { queue: string }) => q.queue === 'deadline.remind');
    expect(dueNow.due).toBe(1);
    expect(dueNow.oldestDueSeconds).toBeGreaterThan(0);
  });

  it('is for the operator only', async () => {
    const citizen = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'kk' }));
    for (const url of ['/api/v1/operator/catalog', '/api/v1/operator/agencies', '/api/v1/operator/health']) {
      expect((await get(url, citizen)).statusCode).toBe(403);
      expect((await t.app.inject({ url })).statusCode).toBe(401);
    }
  });
});
