import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../src/demo/seed.js';
import { createTestNode, type TestNode } from './support/node.js';

// Issue 16, evidence gaps: a rule whose register did not answer is not evaluated; an officer checks instead, and
// the gap is named in the history the applicant and the officer see, and in the operator's catalog.
const CERTIFICATE = 'kz-criminal-record-certificate';
let t: TestNode;
let citizen: DemoPersona;
let officer: DemoPersona;

beforeAll(async () => {
  t = await createTestNode();
  // Айгерім has no conviction: with the register answering, her certificate is approved automatically.
  citizen = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  officer = t.personas.find((p) => p.agency === t.node.catalog.get(CERTIFICATE)!.agency && !p.permissions.includes('head'))!;
}, 60_000);
afterAll(() => t.close());

const get = async (p: DemoPersona, url: string) => (await t.app.inject({ url, headers: { authorization: `Bearer ${await t.signIn(p)}` } })).json();

async function apply() {
  const res = await t.submit(await t.signIn(citizen), citizen, CERTIFICATE, t.node.catalog.get(CERTIFICATE)!.form.example);
  expect(res.statusCode).toBe(201);
  await t.runJobs();
  return res.json().id as string;
}

describe('evidence a register did not give', () => {
  it('sends the application to an officer with the gap named, instead of deciding without it', async () => {
    expect((await get(citizen, `/api/v1/applications/${await apply()}`)).status).toBe('approved');

    // the register stops answering the agency (its access right is withdrawn)
    await t.node.database.db.deleteFrom('access_rights').where('service_id', '=', 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records').execute();
    await new Promise((r) => setTimeout(r, 2100)); // (the gateway keeps access rights for two seconds)
    const id = await apply();
    const seen = await get(citizen, `/api/v1/applications/${id}`);
    expect(seen).toMatchObject({ status: 'in_review', currentStep: 'review' });
    expect(seen.evidence).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'criminal-record', status: 'unavailable' })]));
    const check = seen.history.find((h: { type: string }) => h.type === 'automatic_check');
    expect(check.details).toEqual({ step: 'check-records', passed: false, unavailable: [{ key: 'criminal-record', registry: 'criminal-records' }] });
    // the officer sees the same entry
    const officers = await get(officer, `/api/v1/applications/${id}`);
    expect(officers.history.find((h: { type: string }) => h.type === 'automatic_check').details.unavailable).toHaveLength(1);
  });

  it("lists in the operator's catalog the evidence this node cannot obtain", async () => {
    const catalog = await get(t.persona({ role: 'operator' }), '/api/v1/operator/catalog');
    const marriage = catalog.services.find((s: { code: string }) => s.code === 'kz-marriage-registration');
    expect(marriage.evidenceUnavailable).toEqual([
      { key: 'applicant-marital-status', registry: 'civil-registry' },
      { key: 'spouse-marital-status', registry: 'civil-registry' },
    ]);
    expect(catalog.services.find((s: { code: string }) => s.code === CERTIFICATE).evidenceUnavailable).toEqual([]);
  });
});
