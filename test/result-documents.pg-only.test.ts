import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDefinition } from '../src/catalog/index.js';
import { particulars } from '../src/documents/particulars.js';
import { pickText, translate, type Language } from '../src/i18n/index.js';
import { createTestNode, type TestNode } from './support/node.js';
import { output } from './support/run.js';

// Every service that issues a document, in Kazakh, Russian and Turkish: the issued PDF, read back by poppler's
// pdftotext, states the document's title, its holder, what the definition says it states of the form (under the
// document's labels) and the registers' answers it certifies — and nothing else of the form. (On PostgreSQL only:
// 57 whole journeys; the embedded database runs the same code in the other suites.)
let t: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'ortak-results-'));
beforeAll(async () => {
  t = await createTestNode({ start: '2026-04-06T05:00:00Z' });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const LANGUAGES: Language[] = ['kk', 'ru', 'tr'];
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Applies as the state's first citizen (in `language`), the parties sign, the fee is paid, officers approve every step. */
async function issued(def: ServiceDefinition, language: Language) {
  const citizen = t.persona({ role: 'citizen', state: def.state } as never);
  await t.node.database.db.updateTable('persons').set({ language }).where('state', '=', def.state).where('national_id', '=', citizen.identifier).execute();
  const officer = t.personas.find((p) => p.agency === def.agency && !p.permissions.includes('head'))!;
  const [citizenToken, officerToken] = [await t.signIn(citizen), await t.signIn(officer)];
  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() });
  const others = t.personas.filter((p) => p.state === def.state && p.identifier !== citizen.identifier && p.role === 'citizen');
  // Each person the form names is another citizen persona, who signs; a state with one citizen persona leaves the
  // (optional) field empty: a child of one parent, a company the applicant directs.
  const data: Record<string, unknown> = { ...def.form.example };
  for (const [i, field] of (def.consents ?? []).entries()) {
    if (others[i]) data[field] = others[i].identifier;
    else {
      delete data[field];
      if (field === 'directorIdentifier') data.applicantIsDirector = true;
    }
  }
  const submitted = await t.submit(citizenToken, citizen, def.code, data);
  expect(submitted.statusCode, submitted.body).toBe(201);
  const { id, payment } = submitted.json();
  await t.consentAll(id);
  if (def.fee.amount > 0) {
    const { attemptId } = (await t.app.inject({ method: 'POST', url: `/api/v1/invoices/${payment.invoiceId}/pay`, headers: as(citizenToken), payload: {} })).json();
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/payments/demo/checkout/${attemptId}`, payload: { cardNumber: '4242424242424242' } })).statusCode).toBe(202);
  }
  await t.runJobs();
  let status = (await t.app.inject({ url: `/api/v1/applications/${id}`, headers: { authorization: `Bearer ${citizenToken}` } })).json().status;
  for (let step = 0; step < 5 && status !== 'approved'; step++) {
    const taken = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/assign`, headers: as(officerToken) });
    expect(taken.statusCode, `${def.code}: ${taken.body}`).toBe(200);
    const approved = await t.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/approve`, headers: as(officerToken), payload: { note: 'Checked.' } });
    expect(approved.statusCode, approved.body).toBe(200);
    status = approved.json().status;
  }
  expect(status).toBe('approved');
  await t.runJobs();
  const document = (await t.app.inject({ url: '/api/v1/documents', headers: { authorization: `Bearer ${citizenToken}` } })).json().items.find((d: { applicationId: string }) => d.applicationId === id);
  const pdf = (await t.app.inject({ url: `/api/v1/documents/${document.id}/pdf`, headers: { authorization: `Bearer ${citizenToken}` } })).rawPayload;
  const file = join(dir, `${document.id}.pdf`);
  writeFileSync(file, pdf);
  const text = flat(await output('pdftotext', ['-enc', 'UTF-8', file, '-']));
  const verification = (await t.app.inject({ url: `/verify/${document.id}?lang=${language}`, headers: { accept: 'application/json' } })).json();
  return { text, data, citizen, verification };
}

describe('every result document states what it certifies, in the holder\'s language', () => {
  const services = () => t.node.catalog.services.map((s) => s.definition);

  it('covers every service of the catalog', () => {
    expect(services().length).toBeGreaterThanOrEqual(19);
  });

  for (const language of LANGUAGES) {
    it(`${language}: the title, the holder, the stated fields and the registers' answers; the rest of the form not`, { timeout: 300_000 }, async () => {
      for (const def of services()) {
        const { text, data, citizen, verification } = await issued(def, language);
        const where = `${def.code} (${language})`;
        expect(text, where).toContain(flat(pickText(def.result.title, language)));
        expect(text, where).toContain(citizen.identifier);
        // what the definition states of the form, as the PDF lays it out (label, then value)
        const stated = particulars(def, data, language);
        expect(stated.length, where).toBeGreaterThanOrEqual(def.result.states.length ? 1 : 0);
        for (const [label, value] of stated) {
          expect(text, `${where}: ${label}`).toContain(flat(label));
          for (const line of value.split('\n')) expect(text, `${where}: ${label}`).toContain(flat(line));
        }
        // the form's other fields are the application's, not the document's
        const statedTop = new Set(def.result.states.map((s) => s.field.split('.')[0]));
        for (const [name, field] of Object.entries(def.form.schema.properties as Record<string, { 'x-labels'?: Record<string, string> }>)) {
          const label = flat(pickText(field['x-labels'], language));
          if (statedTop.has(name) || label.length < 12 || def.result.states.some((s) => s.label && flat(pickText(s.label, language)).includes(label))) continue;
          expect(text, `${where}: ${name} is not stated`).not.toContain(label);
        }
        // each register's answer it certifies, as the verification page words it too
        if ((def.result.certifies ?? []).length) expect(text, where).toContain(flat(translate(language, 'document.certified')));
        // (the verification names persons by their initials; the holder's PDF in full)
        for (const s of verification.statements as { label: string; value: string }[]) {
          expect(text, `${where}: ${s.label}`).toContain(flat(s.label));
          if (!s.value.includes('***')) expect(text, `${where}: ${s.label}`).toContain(flat(s.value));
        }
      }
    });
  }
});
