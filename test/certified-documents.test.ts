import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate, type Language } from '../src/i18n/index.js';
import { sql } from '../src/platform/db/index.js';
import { paths } from '../src/platform/paths.js';
import { createTestNode, type TestNode } from './support/node.js';

// A criminal-record certificate states the register's answer — no record, or each conviction — with its date and
// source, in the holder's language; read back from the PDF by poppler's pdftotext, and shown on the verification page.
let t: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'ortak-certified-'));

beforeAll(async () => {
  t = await createTestNode();
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Applies as the persona; an officer of the agency decides when the register's answer needs one; the document. */
async function certificateOf(filter: { state: string; language: Language; identifier?: string }) {
  const persona = t.personas.find((p) => p.role === 'citizen' && p.state === filter.state && p.language === filter.language && (!filter.identifier || p.identifier === filter.identifier))!;
  const service = `${filter.state.toLowerCase()}-criminal-record-certificate`;
  const token = await t.signIn(persona);
  const submitted = await t.submit(token, persona, service, t.node.catalog.get(service)!.form.example);
  expect(submitted.statusCode).toBe(201);
  const id = submitted.json().id;
  await t.runJobs();
  const as = (tok: string) => ({ authorization: `Bearer ${tok}` });
  let app = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: as(token) })).json();
  if (app.status === 'in_review') {
    const officer = await t.signIn(t.persona({ role: 'officer', agency: app.agency }));
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/assign`, headers: { ...as(officer), 'idempotency-key': `take-${id}` } })).statusCode).toBe(200);
    const approved = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/approve`, headers: { ...as(officer), 'idempotency-key': `approve-${id}` }, payload: { note: 'The certificate states the conviction.' } });
    expect(approved.statusCode).toBe(200);
    await t.runJobs();
    app = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: as(token) })).json();
  }
  expect(app.status).toBe('approved');
  const document = (await t.app.inject({ url: '/api/v1/documents', headers: as(token) })).json().items.find((d: { applicationId: string }) => d.applicationId === id);
  const pdf = await t.app.inject({ url: `/api/v1/documents/${document.id}/pdf`, headers: as(token) });
  const file = join(dir, `${document.id}.pdf`);
  writeFileSync(file, pdf.rawPayload);
  // (pdftotext breaks a long value over lines where the page wraps it: spaces for the comparison)
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const records = await t.node.database.db
    .selectFrom('criminal_records')
    .innerJoin('persons', 'persons.id', 'criminal_records.person_id')
    .select(['article', 'court'])
    .where('persons.state', '=', filter.state)
    .where('persons.national_id', '=', persona.identifier)
    .where('expunged_on', 'is', null)
    .execute();
  return { persona, document, text, records, application: app };
}

describe('a criminal-record certificate', () => {
  it('says "no record" in the holder\'s language for a person the register has no conviction of (kk)', async () => {
    const { text, records, document } = await certificateOf({ state: 'KZ', language: 'kk' });
    expect(records).toEqual([]);
    expect(text).toContain(translate('kk', 'document.certified'));
    expect(text).toContain(`${translate('kk', 'document.criminalRecord.label')} ${translate('kk', 'document.criminalRecord.none')}`);
    // the register's answer: its source (the Committee on Legal Statistics, in Kazakh) and date
    expect(text).toContain(translate('kk', 'document.source'));
    const v = (await t.app.inject({ url: `/verify/${document.id}`, headers: { accept: 'application/json' } })).json();
    expect(v.certified).toEqual([expect.objectContaining({ kind: 'criminal-record', status: 'received', source: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', records: [] })]);
  });

  it('lists each conviction (article, court, date) of a person who has one (ru), and the verification page states it in the verifier\'s language', async () => {
    const { text, records, document } = await certificateOf({ state: 'KZ', language: 'ru' });
    expect(records.length).toBeGreaterThan(0);
    expect(text).toContain(translate('ru', 'document.criminalRecord.some', { count: records.length }));
    expect(text).not.toContain(translate('ru', 'document.criminalRecord.none'));
    for (const r of records) expect(text).toContain(r.court.replace(/\s+/g, ' '));
    expect(text).toContain(`статья: ${records[0].article}`);
    const json = (await t.app.inject({ url: `/verify/${document.id}?lang=tr`, headers: { accept: 'application/json' } })).json();
    expect(json.statements[0]).toEqual({ label: translate('tr', 'document.criminalRecord.label'), value: translate('tr', 'document.criminalRecord.some', { count: records.length }) });
    const page = (await t.app.inject({ url: `/verify/${document.id}?lang=tr` })).body;
    // the page is the portal's, in the language chosen, with the other six a link away
    expect(page).toContain('<html lang="tr">');
    expect(page).toContain(`<a class="home" href="/">Ortak · ${translate('tr', 'verify.portal')}</a>`);
    expect([...page.matchAll(/<a href="\?lang=(\w+)" hreflang="\w+" lang="\w+"( aria-current="true")?>/g)].map((m) => [m[1], !!m[2]])).toEqual(
      ['kk', 'ru', 'en', 'tr', 'az', 'ky', 'uz'].map((l) => [l, l === 'tr']),
    );
    expect(page).toContain(`<a href="/check">${translate('tr', 'verify.checkAnother')}</a>`);
    expect(page).toContain(translate('tr', 'document.certified'));
    expect(page).toContain(translate('tr', 'document.criminalRecord.some', { count: records.length }));
  });

  it('states the register\'s answer in Turkish on a Turkish certificate (tr)', async () => {
    const { text, records } = await certificateOf({ state: 'TR', language: 'tr' });
    expect(text).toContain(translate('tr', 'document.criminalRecord.label'));
    expect(text).toContain(records.length ? translate('tr', 'document.criminalRecord.some', { count: records.length }) : translate('tr', 'document.criminalRecord.none'));
  });
});

describe("a register's answer on the application page", () => {
  it('comes with the labels the register publishes for its fields, in the reader\'s language', async () => {
    const { application } = await certificateOf({ state: 'KZ', language: 'ru' });
    const officer = await t.signIn(t.persona({ role: 'officer', agency: 'kz-legal-statistics' }));
    const read = async (lang: string) =>
      (await t.app.inject({ url: `/api/v1/applications/${application.id}?lang=${lang}`, headers: { authorization: `Bearer ${officer}` } })).json().evidence.find((e: { key: string }) => e.key === 'criminal-record');
    const ru = await read('ru');
    expect(ru.data.records.length).toBeGreaterThan(0);
    expect(ru.labels).toMatchObject({ found: 'Найдено в реестре', records: 'Судимости', article: 'Статья', court: 'Суд', sentencedOn: 'Дата приговора' });
    expect((await read('tr')).labels).toMatchObject({ court: 'Mahkeme', sentencedOn: 'Hüküm tarihi' });
    // every field of every answer is labelled (the population register's too)
    const all = (await t.app.inject({ url: `/api/v1/applications/${application.id}?lang=kk`, headers: { authorization: `Bearer ${officer}` } })).json().evidence;
    for (const e of all) {
      const keys = new Set([...Object.keys(e.data ?? {}), ...(e.data?.records ?? []).flatMap((r: object) => Object.keys(r))]);
      expect([...keys].filter((k) => !e.labels[k])).toEqual([]);
    }
    expect(all.find((e: { key: string }) => e.key === 'identity').labels).toMatchObject({ birthDate: 'Туған күні', patronymic: 'Әкесінің аты' });
  });
});

describe('a document\'s number', () => {
  it('is short, printed on it, and finds it at /verify as typed (any case), as does its application\'s number', async () => {
    const { document, text, application } = await certificateOf({ state: 'KZ', language: 'kk' });
    expect(document.number).toMatch(/^KZ-CRC-2026-\d{6}$/);
    expect(text).toContain(document.number);
    const byKey = async (key: string) => (await t.app.inject({ url: `/verify/${encodeURIComponent(key)}`, headers: { accept: 'application/json' } })).json();
    for (const key of [document.number, document.number.toLowerCase(), application.number]) {
      expect(await byKey(key)).toMatchObject({ number: document.number, disclosure: 'status', authentic: true, status: 'valid' });
    }
    expect(await byKey(document.id)).toMatchObject({ number: document.number, disclosure: 'full', documentId: document.id });
    expect((await t.app.inject({ url: '/verify/KZ-CRC-2026-999999', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    // the download says what it is
    const token = await t.signIn(t.persona({ role: 'citizen', state: 'KZ', language: 'kk' }));
    const pdf = await t.app.inject({ url: `/api/v1/documents/${document.id}/pdf`, headers: { authorization: `Bearer ${token}` } });
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="certificate-${document.number}.pdf"`);
  });

  it('tells whoever steps through the numbers only that a document is authentic and valid: not whose, not what it certifies', async () => {
    const { document, application, records, persona } = await certificateOf({ state: 'KZ', language: 'ru' });
    expect(records.length).toBeGreaterThan(0);
    const full = (await t.app.inject({ url: `/verify/${document.id}?lang=ru`, headers: { accept: 'application/json' } })).json();
    expect(full.holder).toMatch(/^\S\*\*\* \S\*\*\*/);
    expect(full.statements.length).toBeGreaterThan(0);
    for (const key of [document.number, application.number]) {
      const json = (await t.app.inject({ url: `/verify/${encodeURIComponent(key)}?lang=ru`, headers: { accept: 'application/json' } })).json();
      expect(json).toMatchObject({ disclosure: 'status', authentic: true, status: 'valid', certified: [], statements: [] });
      expect(json).not.toHaveProperty('holder');
      // (nor the id that opens the full verification)
      expect(JSON.stringify(json)).not.toContain(document.id);
      const page = (await t.app.inject({ url: `/verify/${encodeURIComponent(key)}?lang=ru` })).body;
      expect(page).toContain(translate('ru', 'verify.statusOnly'));
      expect(page).toContain(document.number);
      for (const hidden of [full.holder, translate('ru', 'document.certified'), ...full.statements.map((s: { value: string }) => s.value), ...records.map((r) => r.court), document.id, persona.identifier]) {
        expect(page).not.toContain(hidden);
      }
    }
    // the QR code's id and the PDF itself show it all
    const page = (await t.app.inject({ url: `/verify/${document.id}?lang=ru` })).body;
    expect(page).not.toContain(translate('ru', 'verify.statusOnly'));
    expect(page).toContain(full.holder);
    expect(page).toContain(translate('ru', 'document.certified'));
  });

  it('is given by the migration to documents issued before numbers, in the order they were issued', async () => {
    const db = t.node.database.db;
    const before = await db.selectFrom('documents').select(['id', 'number']).orderBy('issued_at').orderBy('id').execute();
    // the table as it was before migration 0023, with the same documents
    await sql`DROP INDEX documents_number_idx; ALTER TABLE documents DROP COLUMN number; DROP SEQUENCE document_number_seq`.execute(db);
    const migration = readFileSync(join(paths.root, 'migrations', '0023_document_numbers.sql'), 'utf8');
    await sql.raw(migration).execute(db);
    const after = await db.selectFrom('documents').select(['id', 'number']).orderBy('issued_at').orderBy('id').execute();
    expect(after.map((d) => d.id)).toEqual(before.map((d) => d.id));
    expect(after.map((d) => d.number.replace(/-\d{6}$/, ''))).toEqual(before.map((d) => d.number.replace(/-\d{6}$/, '')));
    expect(after.map((d) => Number(d.number.slice(-6)))).toEqual(after.map((_, i) => i + 1));
  });
});
