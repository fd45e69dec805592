import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';

let t: TestNode;
beforeAll(async () => {
  t = await createTestNode();
});
afterAll(() => t.close());

const list = async (query: string, headers: Record<string, string> = {}) => {
  const res = await t.app.inject({ url: `/api/v1/services${query}`, headers });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: { code: string; state: string; title: string; agency: { code: string; name: string }; language: string }[]; total: number };
};

describe('GET /api/v1/services', () => {
  it('lists the whole catalog, spread over several states', async () => {
    const all = await list('');
    expect(all.total).toBeGreaterThanOrEqual(8);
    expect(new Set(all.items.map((s) => s.state)).size).toBeGreaterThanOrEqual(3);
  });

  it('filters by state and by agency', async () => {
    const kz = await list('?state=KZ');
    expect(kz.total).toBeGreaterThan(0);
    expect(kz.items.every((s) => s.state === 'KZ')).toBe(true);
    const agency = kz.items[0].agency.code;
    const byAgency = await list(`?agency=${agency}`);
    expect(byAgency.items.every((s) => s.agency.code === agency)).toBe(true);
    expect((await t.app.inject('/api/v1/services?state=XX')).statusCode).toBe(400);
  });

  it('speaks the language asked for by ?lang= or Accept-Language, in three languages and more', async () => {
    const code = 'kz-criminal-record-certificate';
    const title = async (q: string, h: Record<string, string> = {}) => (await list(q, h)).items.find((s) => s.code === code)!.title;
    const def = t.node.catalog.get(code)!;
    expect(await title('?lang=en')).toBe(def.title.en);
    expect(await title('?lang=ru')).toBe(def.title.ru);
    expect(await title('?lang=kk')).toBe(def.title.kk);
    expect(await title('', { 'accept-language': 'kk-KZ,kk;q=0.9' })).toBe(def.title.kk);
    expect(await title('', { 'accept-language': 'de-DE, ru;q=0.8' })).toBe(def.title.ru);
    // ?lang= wins over the header
    expect(await title('?lang=en', { 'accept-language': 'ru' })).toBe(def.title.en);
    // Turkish is not required on a Kazakh service: the state's own language (kk) stands in unless a translation exists
    expect(await title('?lang=tr')).toBe(def.title.tr ?? def.title.kk);
  });

  it('finds services by words in any language', async () => {
    const def = t.node.catalog.get('kz-criminal-record-certificate')!;
    const word = def.title.ru.split(/\s+/).find((w) => w.length > 6)!;
    const found = await list(`?q=${encodeURIComponent(word.toLowerCase())}&lang=en`);
    expect(found.items.map((s) => s.code)).toContain(def.code);
    expect((await list('?q=qqqqzzzz')).total).toBe(0);
  });
});

describe('GET /api/v1/services/{code}', () => {
  it('gives the form schema with its example, evidence, fee, deadline, workflow and result', async () => {
    for (const service of t.node.catalog.services) {
      const res = await t.app.inject(`/api/v1/services/${service.definition.code}?lang=ru`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.form.schema.type).toBe('object');
      expect(body.form.example).toEqual(service.definition.form.example);
      expect(service.validate(body.form.example)).toBe(true);
      expect(body.fee.currency).toMatch(/^(KZT|AZN|KGS|TRY|UZS)$/);
      expect(Number.isInteger(body.fee.amount)).toBe(true);
      expect(['working', 'calendar']).toContain(body.deadline.type);
      expect(body.workflow.length).toBeGreaterThan(0);
      expect(body.title).toBe(service.definition.title.ru);
    }
  });

  it('answers an unknown code with a 404 problem', async () => {
    const res = await t.app.inject('/api/v1/services/kz-nothing');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('service_not_found');
  });
});
