import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPayload } from '../src/applications/index.js';
import type { DemoPersona } from '../src/demo/seed.js';
import { verifyPersonSignature } from '../src/identity/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// Public statistics: every decision counted in its month (in the state's time), on time or late, with the days it
// took; the dashboard's figures and the open data (JSON, CSV) agree.
const SERVICE = 'kz-criminal-record-certificate';
let t: TestNode;
let erlan: DemoPersona;
let aigerim: DemoPersona;
let officer: DemoPersona;
const tokens = new Map<string, string>();

beforeAll(async () => {
  // Monday 2 March 2026, 11:00 in Astana
  t = await createTestNode({ start: '2026-03-02T06:00:00Z' });
  erlan = t.persona({ role: 'citizen', state: 'KZ', language: 'ru' });
  aigerim = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  officer = t.personas.find((p) => p.agency === t.node.catalog.get(SERVICE)!.agency && !p.permissions.includes('head'))!;
  await signInAll();
});
afterAll(() => t.close());

async function signInAll() {
  for (const p of [erlan, aigerim, officer]) tokens.set(p.identifier, await t.signIn(p));
}
const auth = (p: DemoPersona) => ({ authorization: `Bearer ${tokens.get(p.identifier)}` });
const act = (p: DemoPersona, id: string, action: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/${action}`, headers: { ...auth(p), 'idempotency-key': randomUUID() }, payload });
const stats = (query = '') => t.app.inject({ url: `/api/v1/stats${query}` });

async function submit(p: DemoPersona): Promise<string> {
  const res = await t.submit(tokens.get(p.identifier)!, p, SERVICE, t.node.catalog.get(SERVICE)!.form.example);
  expect(res.statusCode).toBe(201);
  await t.runJobs();
  return res.json().id;
}

describe('public statistics', () => {
  it('count each decision in its month: automatic approval, rejection on time, approval after the deadline', async () => {
    // Айгерім has no record: approved by the automatic check at once. Ерлан has one: an officer decides.
    await submit(aigerim);
    const rejected = await submit(erlan);
    await act(officer, rejected, 'assign');
    expect((await act(officer, rejected, 'reject', { reason: 'Record found.', legalBasis: 'Order No 66' })).statusCode).toBe(200);
    const late = await submit(erlan);
    // five weeks later, well past the five working days
    t.clock.set('2026-04-06T06:00:00Z');
    await signInAll();
    await t.runJobs();
    await act(officer, late, 'assign');
    expect((await act(officer, late, 'approve')).statusCode).toBe(200);

    const res = await stats('?from=2026-01&to=2026-04&lang=en');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ from: '2026-01', to: '2026-04', state: null });
    expect(body.totals).toMatchObject({ provided: 3, approved: 2, rejected: 1, onTime: 2 });
    expect(body.totals.onTimeShare).toBeCloseTo(2 / 3);
    // 0 days, 0 days and 35 days: 11.7 on average
    expect(body.totals.averageDays).toBeCloseTo(35 / 3, 1);
    expect(body.byMonth.map((m: { month: string; provided: number }) => [m.month, m.provided])).toEqual([
      ['2026-01', 0],
      ['2026-02', 0],
      ['2026-03', 2],
      ['2026-04', 1],
    ]);
    expect(body.byMonth[3]).toMatchObject({ approved: 1, onTime: 0, onTimeShare: 0, averageDays: 35 });
    expect(body.byMonth[0]).toMatchObject({ onTimeShare: null, averageDays: null });
    expect(body.byState).toEqual([expect.objectContaining({ state: 'KZ', provided: 3 })]);
    const agency = t.node.catalog.agency(t.node.catalog.get(SERVICE)!.agency)!;
    expect(body.byAgency).toEqual([expect.objectContaining({ agency: agency.code, state: 'KZ', name: agency.name.en, provided: 3 })]);
    expect(body.byService).toEqual([expect.objectContaining({ service: SERVICE, title: t.node.catalog.get(SERVICE)!.title.en, provided: 3 })]);
    // in Russian, names in Russian
    expect((await stats('?from=2026-01&to=2026-04&lang=ru')).json().byAgency[0].name).toBe(agency.name.ru);
  });

  it('filter by state and period, and publish the same figures as open data in JSON and CSV', async () => {
    expect((await stats('?state=TR&from=2026-01&to=2026-04')).json().totals.provided).toBe(0);
    expect((await stats('?from=2026-04&to=2026-04')).json().totals.provided).toBe(1);
    // by default, the twelve months up to now
    const recent = (await stats()).json();
    expect(recent.byMonth).toHaveLength(12);
    expect(recent.to).toBe('2026-04');

    const json = await t.app.inject({ url: '/api/v1/stats/open-data.json?from=2026-01&to=2026-04' });
    expect(json.statusCode).toBe(200);
    const rows = json.json().rows as { month: string; provided: number; decided_on_time: number }[];
    expect(rows.map((r) => [r.month, r.provided, r.decided_on_time])).toEqual([
      ['2026-03', 2, 2],
      ['2026-04', 1, 0],
    ]);
    expect(json.json().licence).toMatch(/open data/i);

    const csv = await t.app.inject({ url: '/api/v1/stats/open-data.csv?from=2026-01&to=2026-04' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="ortak-statistics-all-2026-01-2026-04.csv"/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('month,state,agency,service,provided,approved,rejected,decided_on_time,average_days_to_decision');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 1).concat(l.split(',').slice(4, 8)))).toEqual([
      ['2026-03', '2', '1', '1', '2'],
      ['2026-04', '1', '1', '0', '0'],
    ]);
  });

  it('refuses a period backwards, too long or not a month, with problem details', async () => {
    for (const query of ['?from=2026-05&to=2026-01', '?from=2010-01&to=2026-01', '?from=2026-13', '?to=March', '?state=XX']) {
      const res = await stats(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type'], query).toMatch(/application\/problem\+json/);
    }
  });
});

describe("the demo's year of decided applications", () => {
  it('are signed by their applicants, carry their history, and are counted in the statistics exactly', async () => {
    const demo = await createTestNode({ env: { ORTAK_DEMO_HISTORY: '40' } });
    try {
      const { db } = demo.node.database;
      const apps = await db.selectFrom('applications').selectAll().execute();
      expect(apps).toHaveLength(40);
      for (const a of apps.slice(0, 10)) {
        const signer = await verifyPersonSignature(db, demo.node.ca, a.signature, signedPayload(a.service_code, a.data), a.submitted_at, a.applicant_person_id);
        expect(signer.problem, a.number).toBeUndefined();
      }
      const actions = await db.selectFrom('application_actions').select(['application_id', 'type']).execute();
      expect(actions.filter((x) => x.type === 'submit')).toHaveLength(40);
      expect(actions.filter((x) => x.type === 'approve' || x.type === 'reject')).toHaveLength(40);
      // none of them is a persona's: the personas start with no applications
      const personaAccounts = demo.personas.map((p) => p.accountId);
      expect(apps.filter((a) => personaAccounts.includes(a.applicant_account_id))).toEqual([]);
      const first = apps.map((a) => a.submitted_at.toISOString().slice(0, 7)).sort()[0];
      const body = (await demo.app.inject({ url: `/api/v1/stats?from=${first}` })).json();
      expect(body.totals.provided).toBe(40);
      expect(body.totals.approved).toBe(apps.filter((a) => a.status === 'approved').length);
      const late = apps.filter((a) => a.closed_at && demo.node.calendars.get(a.state)!.localDate(a.closed_at) > a.deadline).length;
      expect(body.totals.onTime).toBe(40 - late);
    } finally {
      await demo.close();
    }
  });
});
