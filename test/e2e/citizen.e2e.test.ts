import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { generateIdentifier } from '../../src/identity/index.js';
import { seededRandom } from '../../src/demo/names.js';
import { applicationSignature } from '../support/node.js';
import { audit, h1, htmlLang, scrollWidth, startPortalNode, type PortalNode } from '../support/portal.js';
import enCommon from '../../web/src/locales/en.json' with { type: 'json' };
import kkCommon from '../../web/src/locales/kk.json' with { type: 'json' };
import ruCommon from '../../web/src/locales/ru.json' with { type: 'json' };
import enCitizen from '../../web/src/locales/citizen/en.json' with { type: 'json' };
import kkCitizen from '../../web/src/locales/citizen/kk.json' with { type: 'json' };
import ruCitizen from '../../web/src/locales/citizen/ru.json' with { type: 'json' };
import enOfficer from '../../web/src/locales/officer/en.json' with { type: 'json' };
import ruOfficer from '../../web/src/locales/officer/ru.json' with { type: 'json' };

// The citizen's side of the portal in Debian's Chromium (harness: test/support/portal.ts): signing in with the
// persona chooser (the persona's key file signs the node's challenge), applying for a service with a fee and human
// steps through the form generated from its schema (a field prefilled from the population register, with its
// source), reviewing, signing in the browser, paying with the demo card, answering the agency's request, the
// document, messages, who looked at my data, withdrawing, and the proactive offer. The officer works through the API
// in another browser context, through the API, except the decision: the officer takes the application and approves
// it in the officer's screens, as the whole journey (citizen, officer, verifier) runs in two languages. Every page is checked with axe-core and photographed as <lang>-citizen-<page>.
const MARRIAGE = 'kz-marriage-registration'; // fee 3,450 KZT; steps: automatic check, registrar (review), registration (decide)
const VEHICLE = 'kz-vehicle-registration';
const CRIMINAL_RECORD = 'kz-criminal-record-certificate';
const KG_CRIMINAL_RECORD = 'kg-criminal-record-certificate';
const OFFICER = '650413499570'; // kz-civil-registry, review and decide
const LEGAL_STATISTICS_OFFICER = '860113323785'; // kz-legal-statistics (criminal record certificates)

type Common = typeof enCommon;
type Citizen = typeof enCitizen;
const LOCALES: Record<string, { common: Common; citizen: Citizen; locale: string }> = {
  en: { common: enCommon, citizen: enCitizen, locale: 'en-GB' },
  ru: { common: ruCommon as unknown as Common, citizen: ruCitizen as unknown as Citizen, locale: 'ru-RU' },
  kk: { common: kkCommon as unknown as Common, citizen: kkCitizen as unknown as Citizen, locale: 'kk-KZ' },
};

let node: PortalNode;
let personas: DemoPersona[];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  node = await startPortalNode();
  personas = await node.json('/api/v1/auth/demo-personas');
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await node?.stop();
});

const fill = (text: string, params: Record<string, unknown>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k]));
const plural = (forms: Record<string, string>, lang: string, count: number, params: Record<string, unknown> = {}) =>
  fill(forms[new Intl.PluralRules(lang).select(count)] ?? forms.other, { count, n: count, ...params });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const citizen = (name: string) => personas.find((p) => p.role === 'citizen' && p.name.startsWith(name))!;

async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function open(lang: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await node.newContext(LOCALES[lang].locale, viewport);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${lang}] page error: ${e.message}`));
  return { context, page };
}

/** An officer of the agency, signed in through the API in a browser context of their own. */
async function officer(identifier = OFFICER) {
  const context = await node.browser.newContext({ baseURL: node.base });
  contexts.push(context);
  expect((await context.request.post('/api/v1/auth/demo-login', { data: { identifier, role: 'officer' } })).status()).toBe(200);
  let n = 0;
  return {
    get: async (id: string) => (await context.request.get(`/api/v1/applications/${id}`)).json(),
    act: async (id: string, action: string, data: Record<string, unknown> = {}) => {
      const res = await context.request.post(`/api/v1/applications/${id}/${action}`, { headers: { 'idempotency-key': `officer-${id}-${action}-${n++}` }, data });
      expect(res.status(), await res.text()).toBe(200);
      return res.json();
    },
  };
}

/**
 * The officer decides in the portal's officer screens, in the same language: opens the application from the queue,
 * takes it when nobody has it, completes each human step and approves, confirming each decision in its dialog.
 */
async function officerApprovesInPortal(lang: 'ru' | 'en', id: string, number: string) {
  const O = (lang === 'ru' ? ruOfficer : enOfficer) as typeof enOfficer;
  const context = await node.newContext(LOCALES[lang].locale);
  contexts.push(context);
  expect((await context.request.post('/api/v1/auth/demo-login', { data: { identifier: OFFICER, role: 'officer' } })).status()).toBe(200);
  const page = await context.newPage();
  await page.goto('/officer');
  await page.getByRole('main').getByRole('link', { name: number }).click();
  await page.waitForURL(`**/officer/applications/${id}`);
  const main = page.getByRole('main');
  const state = async () => (await (await context.request.get(`/api/v1/applications/${id}`)).json()) as { status: string; assignedTo: string | null; currentStep: string | null };
  for (let round = 0; round < 4 && (await state()).status !== 'approved'; round++) {
    const before = await state();
    // the actions once the page has loaded: take it when nobody has it, then complete the step or approve
    const take = main.getByRole('button', { name: O.actions.take, exact: true });
    const decide = main.getByRole('button', { name: new RegExp(`^(?:${escape(O.actions.completeStep)}|${escape(O.actions.approve)})$`) });
    await take.or(decide).first().waitFor();
    if ((await take.count()) > 0) {
      await take.click();
      await page.getByRole('status').filter({ hasText: fill(O.actions.done.assign, { number }) }).waitFor();
    }
    await decide.waitFor();
    const lastStep = (await decide.innerText()).trim() === O.actions.approve;
    await decide.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await audit(page, `${lang}-citizen-officer-${lastStep ? 'approve' : 'step'}`);
    await dialog.getByRole('button', { name: lastStep ? O.actions.confirmApproveButton : O.actions.confirmCompleteButton }).click();
    await until(async () => JSON.stringify(await state()) !== JSON.stringify(before), 'the decision recorded');
    await page.reload();
  }
  expect((await state()).status).toBe('approved');
  await context.close();
}

async function service(code: string, lang: string) {
  const s = await node.json(`/api/v1/services/${code}?lang=${lang}`);
  return {
    ...s,
    label: (field: string) => s.form.schema.properties[field]['x-labels'][lang] ?? s.form.schema.properties[field]['x-labels'].en,
    option: (field: string, value: string) => s.form.schema.properties[field]['x-enum-labels'][value][lang] ?? s.form.schema.properties[field]['x-enum-labels'][value].en,
  };
}

/**
 * The main journey: sign in with the persona chooser, apply for the marriage registration (fee, human steps), pay,
 * answer the agency, receive and check the document, read the messages and the data-access log, withdraw another.
 */
async function journey(lang: 'ru' | 'en', who: string, viaHeader: boolean, decline: boolean) {
  const { common: C, citizen: L } = LOCALES[lang];
  const shot = (page: Page, name: string) => audit(page, `${lang}-citizen-${name}`);
  const { context, page } = await open(lang);
  const persona = citizen(who);
  // the future spouse is the other demo citizen of Kazakhstan, who signs the application too
  const spousePersona = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.identifier !== persona.identifier)!;
  const surname = persona.name.split(' ').at(-1)!;
  const s = await service(MARRIAGE, lang);

  // Signing in from the service page: through its "sign in to apply" link, or the header's link and back.
  await page.goto(`/services/${MARRIAGE}`);
  await h1(page, s.title);
  expect(await htmlLang(page)).toBe(lang);
  if (viaHeader) {
    await page.getByRole('banner').getByRole('link', { name: C.layout.signIn }).click();
  } else {
    await page.getByRole('main').getByRole('link', { name: C.service.signInToApply }).click();
  }
  await h1(page, C.signin.title);
  await page.getByRole('heading', { name: C.signin.demo.officers }).waitFor();
  await shot(page, 'signin');
  // The persona signs in through the key-file path: a challenge signed in the browser, not the demo login.
  const signin = page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/signin') && r.method() === 'POST');
  await page.getByRole('button', { name: new RegExp(escape(persona.name)) }).click();
  const signature = (await signin).postDataJSON().signature as string;
  expect(JSON.parse(Buffer.from(signature.split('.')[0], 'base64url').toString())).toEqual({ alg: 'ES256', x5c: persona.keyFile.x5c });
  if (viaHeader) {
    await page.waitForURL(`**/services/${MARRIAGE}`);
    await page.getByRole('main').getByRole('link', { name: C.service.apply }).click();
  }
  await page.waitForURL(`**/services/${MARRIAGE}/apply`);

  // The form, from the service's schema: the applicant's surname comes from the population register, with its source.
  await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
  const surnameField = page.getByLabel(s.label('applicantSurnameAfter'));
  await expect.poll(() => surnameField.inputValue()).toBe(surname);
  const source = page.locator('#field-applicantSurnameAfter-source');
  expect(await source.innerText()).toContain(fill(L.form.prefilled, { registry: C.registry.population }));
  expect(await source.innerText()).toContain('KZ/GOV/MVD/REGISTRIES/population');
  expect(await surnameField.getAttribute('aria-describedby')).toContain('field-applicantSurnameAfter-source');
  await shot(page, 'apply');

  // A field's error shows once the citizen leaves it: not while typing, not at fields not reached yet.
  const spouse = page.getByLabel(s.label('spouseIdentifier'));
  await spouse.fill('123');
  expect(await spouse.getAttribute('aria-invalid')).toBeNull();
  await spouse.press('Tab');
  await page.locator('#field-spouseIdentifier-error').waitFor();
  expect(await spouse.getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel(s.label('registryOffice')).getAttribute('aria-invalid')).toBeNull();
  await spouse.fill('');

  // Continuing with the required fields empty: an error summary, focused, whose links lead to the fields.
  await page.getByRole('button', { name: L.apply.continue }).click();
  const summary = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: L.form.errorTitle }) });
  await summary.waitFor();
  expect(await page.evaluate(`document.activeElement?.classList.contains('error-summary')`)).toBe(true);
  await summary.getByRole('link', { name: new RegExp(escape(s.label('spouseIdentifier'))) }).click();
  expect(await page.evaluate('document.activeElement?.id')).toBe('field-spouseIdentifier');
  expect(await spouse.getAttribute('aria-invalid')).toBe('true');
  expect(await spouse.getAttribute('aria-describedby')).toContain('field-spouseIdentifier-error');
  await shot(page, 'apply-errors');

  // Twelve digits pass the browser's check; the node finds the check digit wrong (a field error, after signing).
  await spouse.fill(decline ? '123456789012' : spousePersona.identifier);
  await page.getByLabel(s.label('preferredDate')).fill('2026-12-19');
  await page.getByLabel(s.label('spouseSurnameAfter')).fill('Сапарова');
  await page.getByLabel(s.label('solemnCeremony')).check();
  await page.getByRole('radio', { name: s.option('certificateLanguage', 'ru') }).check();
  await page.getByLabel(s.label('registryOffice')).fill('Алматы қаласының Неке сарайы');
  await page.getByRole('button', { name: L.apply.continue }).click();

  // The review: what will be signed, the fee and the legal deadline.
  await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
  const review = page.getByRole('main');
  await review.getByText(plural(C.service.calendarDays, lang, 30)).first().waitFor();
  expect(await review.innerText()).toMatch(/3[\s\u00a0\u202f.,]?450/);
  await page.getByText(L.review.signedText, { exact: true }).click();
  const data = { spouseIdentifier: spousePersona.identifier, preferredDate: '2026-12-19', applicantSurnameAfter: surname, spouseSurnameAfter: 'Сапарова', solemnCeremony: true, certificateLanguage: 'ru', registryOffice: 'Алматы қаласының Неке сарайы' };
  expect(JSON.parse(await page.locator('.signed-text pre').innerText())).toEqual({ data: { ...data, spouseIdentifier: decline ? '123456789012' : data.spouseIdentifier }, service: MARRIAGE });
  await shot(page, 'review');

  // Signed in the browser with the persona's key, submitted with an Idempotency-Key.
  const posted = () => page.waitForRequest((r) => r.url().endsWith('/api/v1/applications') && r.method() === 'POST');
  let submitted = posted();
  await page.getByRole('button', { name: L.review.submit }).click();
  let request = await submitted;
  expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  if (decline) {
    // The node's field error is shown at the field and in the summary; the corrected form is a new attempt.
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
    const problem = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: L.form.errorTitle }) });
    await problem.getByRole('link', { name: new RegExp(escape(s.label('spouseIdentifier'))) }).waitFor();
    expect(await page.evaluate(`document.activeElement?.classList.contains('error-summary')`)).toBe(true);
    const fieldError = await page.locator('#field-spouseIdentifier-error').innerText();
    expect(fieldError.length).toBeGreaterThan(10);
    expect(await page.getByLabel(s.label('spouseIdentifier')).getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'apply-node-errors');
    await page.getByLabel(s.label('spouseIdentifier')).fill(spousePersona.identifier);
    expect(await page.locator('#field-spouseIdentifier-error').count()).toBe(0);
    await page.getByRole('button', { name: L.apply.continue }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
    const first = request.headers()['idempotency-key'];
    submitted = posted();
    await page.getByRole('button', { name: L.review.submit }).click();
    request = await submitted;
    expect(request.headers()['idempotency-key']).not.toBe(first);
  }
  await page.waitForURL(/\/my\/applications\/[0-9a-f-]{36}(\?submitted=1)?$/);
  const id = new URL(page.url()).pathname.split('/').at(-1)!;
  const app = await (await context.request.get(`/api/v1/applications/${id}`)).json();
  expect(app).toMatchObject({ service: MARRIAGE, status: 'awaiting_consent', data });
  await page.getByText(fill(C.application.submittedNotice, { number: app.number })).waitFor();
  await page.getByRole('main').getByText(C.status.awaiting_consent).first().waitFor();
  await shot(page, 'application-submitted');

  // The spouse signs the same application with their own key (their portal page has its own test, consents.e2e).
  const spouseContext = await node.browser.newContext({ baseURL: node.base });
  contexts.push(spouseContext);
  expect((await spouseContext.request.post('/api/v1/auth/demo-login', { data: { identifier: spousePersona.identifier } })).status()).toBe(200);
  const consented = await spouseContext.request.post(`/api/v1/applications/${id}/consent`, {
    headers: { 'idempotency-key': `consent-${lang}` },
    data: { signature: await applicationSignature(spousePersona, MARRIAGE, data) },
  });
  expect(consented.status(), await consented.text()).toBe(200);
  await page.reload();
  await page.getByRole('main').getByText(C.status.awaiting_payment).first().waitFor();

  // Paying: the demo provider's card page, as a page of the portal.
  await page.getByRole('button', { name: L.pay.start }).click();
  await page.waitForURL(/\/pay\/[0-9a-f-]{36}$/);
  await h1(page, L.pay.cardTitle);
  await shot(page, 'card');
  const payButton = () => page.getByRole('main').locator('form').getByRole('button');
  if (decline) {
    await page.getByLabel(L.pay.cardNumber).fill('4000 0000 0000 0002');
    await payButton().click();
    await page.getByRole('heading', { name: L.pay.declinedTitle }).waitFor({ timeout: 30_000 });
    await shot(page, 'card-declined');
    await page.getByRole('button', { name: L.pay.tryAgain }).click();
    await page.getByLabel(L.pay.cardNumber).waitFor();
  }
  await page.getByLabel(L.pay.cardNumber).fill('4242 4242 4242 4242');
  await payButton().click();
  await page.getByRole('heading', { name: L.pay.paidTitle }).waitFor({ timeout: 30_000 });
  await shot(page, 'card-paid');
  await page.getByRole('link', { name: L.pay.back }).click();
  await page.waitForURL(`**/my/applications/${id}`);
  const invoices = (await (await context.request.get('/api/v1/invoices')).json()).items.filter((i: { applicationId: string }) => i.applicationId === id);
  expect(invoices.map((i: { status: string }) => i.status)).toEqual(['paid']);

  // The agency's officer asks for more information; the citizen answers it in the portal.
  const agency = await officer();
  await until(async () => (await agency.get(id)).status === 'in_review', 'the application in review');
  // (no reload: the page follows the node's work — the registers, the automatic check — by itself)
  await page.getByRole('main').getByText(C.status.in_review).first().waitFor({ timeout: 15_000 });
  await shot(page, 'application-waiting');
  const question = lang === 'ru' ? 'Укажите, пожалуйста, удобное время церемонии.' : 'Please tell us the time you prefer for the ceremony.';
  await agency.act(id, 'assign');
  await agency.act(id, 'request-info', { message: question });
  await page.reload();
  await page.getByRole('heading', { name: L.info.title }).waitFor();
  await page.locator('blockquote').getByText(question).waitFor();
  await shot(page, 'application-info');
  await page.getByLabel(L.info.label).fill(lang === 'ru' ? 'Утром, пожалуйста.' : 'In the morning, please.');
  await page.getByRole('button', { name: L.info.send }).click();
  await page.getByRole('status').getByText(L.info.sent).waitFor();
  expect((await agency.get(id)).status).toBe('in_review');

  // The officer completes the registrar's step and approves in the officer's screens; the document is issued.
  await agency.act(id, 'unassign');
  await officerApprovesInPortal(lang, id, app.number);
  expect((await agency.get(id)).status).toBe('approved');
  const issued = await until(
    async () => ((await (await context.request.get('/api/v1/documents')).json()).items as { id: string; number: string; applicationId: string; title: Record<string, string>; verifyUrl: string }[]).find((d) => d.applicationId === id),
    'the document',
  );

  // My account → My documents: download the PDF and check the document.
  await page.getByRole('navigation', { name: C.nav.label }).getByRole('link', { name: L.nav.account }).click();
  await h1(page, L.account.title);
  // (every document they hold: a spouse's copy of an earlier journey's marriage certificate too)
  const held = ((await (await context.request.get('/api/v1/documents')).json()).items as unknown[]).length;
  await page.getByText(plural(L.account.documentsCount, lang, held)).waitFor();
  await shot(page, 'account');
  await page.getByRole('main').getByRole('link', { name: L.documents.title }).click();
  await h1(page, L.documents.title);
  const title = issued.title[lang] ?? issued.title.en;
  // this journey's document (the persona may hold another of the same kind, as a spouse in an earlier journey)
  const item = page.getByRole('main').getByRole('listitem').filter({ hasText: issued.number });
  await item.getByRole('heading', { level: 2, name: title }).waitFor();
  await shot(page, 'documents');
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('link', { name: fill(L.documents.download, { title }) }).click()]);
  const pdf = readFileSync((await download.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await item.getByText(issued.number, { exact: true }).waitFor();
  await item.getByRole('link', { name: L.documents.check }).click();
  await h1(page, C.check.title);
  const result = page.getByRole('region', { name: C.check.resultLabel });
  await result.getByRole('heading', { name: C.check.valid }).waitFor();
  await result.getByText(issued.number, { exact: true }).waitFor();
  await shot(page, 'check');

  // The number as printed on it, typed in lower case with spaces around: the document's status only, since numbers
  // can be stepped through; what it certifies (the statements as the node words them in the language of the page) is
  // shown by the QR code's id, as above, and by the PDF file, below.
  const verified = await node.json(`/verify/${issued.id}?lang=${lang}`, { headers: { accept: 'application/json' } });
  expect(verified.number).toBe(issued.number);
  expect(verified.statements.length).toBeGreaterThan(0);
  await result.getByRole('heading', { name: C.check.certified }).waitFor();
  await page.goto('/check');
  await h1(page, C.check.title);
  await page.getByLabel(C.check.label, { exact: true }).fill(` ${issued.number.toLowerCase()} `);
  await page.getByRole('button', { name: C.check.button, exact: true }).click();
  await page.waitForURL(`**/check?id=${encodeURIComponent(issued.number.toLowerCase())}`);
  await result.getByRole('heading', { name: C.check.valid }).waitFor();
  await result.getByText(issued.number, { exact: true }).waitFor();
  await result.getByText(C.check.statusOnly).waitFor();
  expect(await result.getByRole('heading', { name: C.check.certified }).count()).toBe(0);
  expect(await result.getByText(verified.holder, { exact: true }).count()).toBe(0);
  const statement = verified.statements[0] as { label: string; value: string };

  // The PDF file itself: read in the browser and compared by the node. Something not a PDF is refused at the field,
  // without a request; the file as downloaded is the document; a copy with one byte changed is none.
  const sent: string[] = [];
  page.on('request', (r) => void (r.url().includes('/api/v1/documents/verify') && sent.push(r.headers()['content-type'])));
  const fileInput = page.getByLabel(C.check.fileLabel, { exact: true });
  const checkFile = page.getByRole('button', { name: C.check.fileButton, exact: true });
  await fileInput.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a document') });
  await checkFile.click();
  await page.getByRole('alert').getByText(C.check.fileNotPdf).waitFor();
  expect(await fileInput.getAttribute('aria-invalid')).toBe('true');
  expect(await page.evaluate('document.activeElement?.type')).toBe('file');
  expect(sent).toEqual([]);
  await fileInput.setInputFiles({ name: 'document.pdf', mimeType: 'application/pdf', buffer: pdf });
  await checkFile.click();
  await result.getByText(C.check.fileMatches).waitFor();
  // the PAdES signature inside the file, checked by the node: by whom, and the time-stamp's time
  await result.getByText(C.check.embeddedSignature.split('{{signer}}')[0]).waitFor();
  await result.getByRole('heading', { name: C.check.valid }).waitFor();
  await result.getByText(issued.number, { exact: true }).waitFor();
  await result.getByRole('heading', { name: C.check.certified }).waitFor();
  await result.getByRole('definition').filter({ hasText: statement.value }).first().waitFor();
  await result.getByRole('term').filter({ hasText: statement.label }).first().waitFor();
  expect(await fileInput.getAttribute('aria-invalid')).toBeNull();
  expect(sent).toEqual(['application/pdf']);
  await shot(page, 'check-file');
  const changed = Buffer.from(pdf);
  changed[Math.floor(changed.length / 2)] ^= 0x01;
  await fileInput.setInputFiles({ name: 'document-changed.pdf', mimeType: 'application/pdf', buffer: changed });
  await checkFile.click();
  await result.getByRole('heading', { name: C.check.noMatchTitle }).waitFor();
  await result.getByText(C.check.noMatch).waitFor();
  await result.getByText(C.check.embeddedBroken).waitFor();
  expect(await result.getByText(issued.number, { exact: true }).count()).toBe(0);
  expect(sent).toEqual(['application/pdf', 'application/pdf']);
  await shot(page, 'check-file-changed');

  // A verifier (a bank, an employer) scans the document's QR code: its URL opens the node's public verification
  // page, in a browser of their own, signed in to nothing.
  const { page: verifier } = await open(lang);
  // It is the portal's own page, in its frame and the verifier's language: the check of that document, with what it
  // certifies (its id is in the QR code only).
  await verifier.goto(issued.verifyUrl);
  await h1(verifier, C.check.title);
  expect(await verifier.getByRole('navigation', { name: C.nav.label }).getByRole('link', { name: C.nav.check }).getAttribute('aria-current')).toBe('page');
  const scanned = verifier.getByRole('region', { name: C.check.resultLabel });
  await scanned.getByRole('heading', { name: C.check.valid }).waitFor();
  await scanned.getByText(issued.title[lang] ?? issued.title.en, { exact: true }).waitFor();
  await scanned.getByText(issued.number, { exact: true }).waitFor();
  await scanned.getByRole('heading', { name: C.check.certified }).waitFor();
  await scanned.getByRole('definition').filter({ hasText: statement.value }).first().waitFor();
  await shot(verifier, 'verifier');

  // The messages show the decision; the data-access log shows the registers queried for the prefill and evidence.
  const messages = (await (await context.request.get('/api/v1/notifications')).json()).items as { template: string; subject: string; applicationId: string }[];
  const decision = messages.find((m) => m.template === 'application_approved' && m.applicationId === id)!;
  expect(decision).toBeDefined();
  await page.goto('/my/notifications');
  await h1(page, L.notifications.title);
  await page.getByRole('heading', { level: 2, name: decision.subject }).getByText(L.notifications.new, { exact: true }).waitFor();
  await shot(page, 'notifications');
  // shown means read: the node has them all marked read, and the next visit shows none as new
  await expect.poll(async () => ((await (await context.request.get('/api/v1/notifications')).json()).items as { read: boolean }[]).every((m) => m.read)).toBe(true);
  await page.reload();
  await page.getByRole('heading', { level: 2, name: decision.subject }).waitFor();
  expect(await page.getByText(L.notifications.new, { exact: true }).count()).toBe(0);
  await page.goto('/my/data-access');
  await h1(page, L.dataAccess.title);
  const table = page.getByRole('table');
  await table.getByRole('link', { name: fill(L.dataAccess.application, { number: app.number, service: s.title }) }).first().waitFor();
  await table.getByText(fill(L.dataAccess.prefill, { service: s.title })).first().waitFor();
  expect(await table.getByText('KZ/GOV/MVD/REGISTRIES/population').count()).toBeGreaterThanOrEqual(2);
  // a query made at my request names the system that said I was its user (X-Road-UserId is that system's word)
  const accesses = (await (await context.request.get('/api/v1/me/data-access')).json()).items as { role: string; assertedBy: string | null }[];
  const asserted = accesses.find((a) => a.role === 'user' && a.assertedBy);
  expect(asserted).toBeDefined();
  await table.getByText(fill(L.dataAccess.forYouAsserted, { system: asserted!.assertedBy })).first().waitFor();
  expect(await table.locator('caption').innerText()).toMatch(/\d/);
  await shot(page, 'data-access');

  // Withdrawing another application before a decision (this one submitted through the API with the same session).
  const vehicle = await service(VEHICLE, lang);
  const other = await context.request.post('/api/v1/applications', {
    headers: { 'idempotency-key': `withdraw-${lang}` },
    data: { service: VEHICLE, data: vehicle.form.example, signature: await applicationSignature(persona, VEHICLE, vehicle.form.example) },
  });
  expect(other.status()).toBe(201);
  const second = await other.json();
  await page.goto(`/my/applications/${second.id}`);
  await h1(page, fill(C.application.title, { number: second.number }));
  await page.getByRole('button', { name: L.withdraw.start }).click();
  await page.getByRole('heading', { name: fill(L.withdraw.confirmTitle, { number: second.number }) }).waitFor();
  expect(await page.evaluate('document.activeElement?.tagName')).toBe('H3');
  await shot(page, 'withdraw-confirm');
  await page.getByRole('button', { name: L.withdraw.confirm }).click();
  await page.getByRole('status').getByText(fill(L.withdraw.done, { number: second.number })).waitFor();
  await page.getByRole('main').getByText(C.status.withdrawn).first().waitFor();
  expect((await (await context.request.get(`/api/v1/applications/${second.id}`)).json()).status).toBe('withdrawn');
  await shot(page, 'withdrawn');
  await context.close();
}

describe('the citizen in the portal, in Chromium', () => {
  it('applies in Russian: persona sign-in, form with a prefilled field, review, signature, a declined card then a paid one, answer; the officer approves in the officer screens; document, verifier, messages, data access, withdrawal', async () => {
    await journey('ru', 'Ерлан', false, true);
  }, 90_000);

  it('applies in English, signing in from the header and coming back to the service', async () => {
    await journey('en', 'Айгерім', true, false);
  }, 90_000);

  it('shows the account in Kazakh and accepts a proactive birth offer', async () => {
    const { common: C, citizen: L } = LOCALES.kk;
    const shot = (page: Page, name: string) => audit(page, `kk-citizen-${name}`);
    const mother = citizen('Айгерім');
    // The maternity hospital's system (registered on the node's client interface, granted POST / of births) reports
    // the birth through the exchange: the mother gets an offer.
    const rng = seededRandom(7);
    const birthDate = '2026-11-20';
    const reported = await fetch(`${node.clientBase}/r1/KZ/GOV/CIVILREG/EVENTS/births`, {
      method: 'POST',
      headers: { 'x-road-client': 'KZ/GOV/PERINATAL-ALMATY/HIS', 'content-type': 'application/json' },
      body: JSON.stringify({
        mother: mother.identifier,
        child: { identifier: generateIdentifier('KZ', 'person', rng, { birthDate, sex: 'female' }), birthDate, sex: 'female' },
        hospital: 'Алматы қалалық перинаталдық орталығы',
        registryOffice: 'Алматы қаласы Алмалы ауданының АХАТ бөлімі',
      }),
    });
    expect(reported.status).toBe(201);

    const { page } = await open('kk');
    await page.goto('/signin?next=/my');
    await h1(page, C.signin.title);
    expect(await htmlLang(page)).toBe('kk');
    await shot(page, 'signin');
    await page.getByRole('button', { name: new RegExp(escape(mother.name)) }).click();
    await page.waitForURL('**/my');
    await h1(page, L.account.title);
    await page.getByText(plural(L.account.offersCount, 'kk', 1)).waitFor();
    await shot(page, 'account');

    await page.getByRole('main').getByRole('link', { name: L.offers.title }).click();
    await h1(page, L.offers.title);
    await page.getByRole('heading', { level: 2, name: L.offers.kind.birth }).waitFor();
    await shot(page, 'offers');
    await page.getByRole('button', { name: L.offers.accept }).click();
    await page.getByRole('alert').getByRole('link', { name: new RegExp(escape(L.offers.childName)) }).waitFor();
    await shot(page, 'offers-errors');
    await page.getByLabel(L.offers.childName).fill('Айша');
    await page.getByLabel(L.offers.iban).fill('KZ86 125K ZT50 0410 0100');
    await page.getByRole('button', { name: L.offers.accept }).click();
    await page.getByRole('status').getByText(L.offers.accepted).waitFor();
    const made = page.getByRole('main').getByRole('list').last().getByRole('link');
    await expect.poll(() => made.count()).toBe(2);
    await shot(page, 'offers-accepted');

    // The rest of the account in Kazakh.
    const s = await service(MARRIAGE, 'kk');
    await page.goto(`/services/${MARRIAGE}`);
    await h1(page, s.title);
    await page.getByRole('main').getByRole('link', { name: C.service.apply }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
    await page.locator('#field-applicantSurnameAfter-source').waitFor();
    await shot(page, 'apply');
    for (const [path, title, name] of [
      ['/my/documents', L.documents.title, 'documents'],
      ['/my/notifications', L.notifications.title, 'notifications'],
      ['/my/data-access', L.dataAccess.title, 'data-access'],
      ['/my/applications', C.applications.title, 'applications'],
    ] as const) {
      await page.goto(path);
      await h1(page, title);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      await shot(page, name);
    }
    const text = await page.getByRole('main').innerText();
    expect(text).not.toMatch(/\bM\d{1,2}\b/);
  }, 60_000);

  it("signs in with a person's own key file (kept in memory only) and asks for it again to sign after a reload", async () => {
    const { common: C, citizen: L } = LOCALES.en;
    const { page } = await open('en');
    const zeynep = citizen('Zeynep');
    const other = citizen('Dilnoza');
    const file = (p: DemoPersona) => ({ name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(p.keyFile)) });
    const s = await service('tr-criminal-record-certificate', 'en');

    await page.goto('/signin');
    await h1(page, C.signin.title);
    await page.getByLabel(C.signin.key.label, { exact: true }).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByText(L.keyFile.error.json).waitFor();
    await page.getByLabel(C.signin.key.label, { exact: true }).setInputFiles(file(zeynep));
    await page.getByRole('status').getByText(zeynep.identifier).waitFor();
    // A role the person does not have: the node's answer, at the role choice.
    await page.getByRole('radio', { name: C.signin.role.operator }).check();
    await page.getByRole('button', { name: C.signin.key.submit, exact: true }).click();
    await page.getByRole('group', { name: C.signin.key.role }).getByRole('alert').waitFor();
    await audit(page, 'en-citizen-signin-key-error');
    await page.getByRole('radio', { name: C.signin.role.citizen }).check();
    await page.getByRole('button', { name: C.signin.key.submit, exact: true }).click();
    await page.waitForURL('**/my/applications');
    expect(await page.evaluate('sessionStorage.getItem("ortak.demoKey")')).toBeNull();

    // A reload forgets the key: the review asks for the key file, and refuses someone else's.
    await page.goto('/services/tr-criminal-record-certificate/apply');
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
    await page.getByRole('radio', { name: s.option('institutionType', 'private') }).check();
    await page.getByRole('radio', { name: s.option('purpose', 'employment') }).check();
    await page.getByRole('button', { name: L.apply.continue }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
    await page.getByRole('button', { name: L.review.submit }).click();
    await page.getByText(L.review.keyNeeded).waitFor();
    await page.getByLabel(L.review.keyLabel, { exact: true }).setInputFiles(file(other));
    await page.locator('.error-message').filter({ hasText: L.keyFile.notYours.split('{{')[0] }).waitFor();
    expect(await page.getByRole('button', { name: L.review.submit }).isDisabled()).toBe(true);
    await audit(page, 'en-citizen-review-key');
    await page.getByLabel(L.review.keyLabel, { exact: true }).setInputFiles(file(zeynep));
    await page.getByText(L.review.signingWith).waitFor();
    await page.getByRole('button', { name: L.review.submit }).click();
    await page.waitForURL(/\/my\/applications\/[0-9a-f-]{36}(\?submitted=1)?$/);
  }, 45_000);

  it('works with the keyboard alone: sign in, a form with conditional fields, review, sign and submit', async () => {
    const { citizen: L } = LOCALES.en;
    const { page } = await open('en');
    const persona = citizen('Ерлан');
    const s = await service(CRIMINAL_RECORD, 'en');
    type Focus = { tag: string; id: string; text: string; label: string; type: string | null; outline: string };
    const focused = () =>
      page.evaluate(`(() => {
        const el = document.activeElement;
        const label = el && el.id ? (document.querySelector('label[for="' + el.id + '"]')?.textContent ?? '') : '';
        return { tag: el?.tagName ?? '', id: el?.id ?? '', text: (el?.textContent ?? '').trim(), label: label.trim(), type: el?.getAttribute('type') ?? null, outline: el ? getComputedStyle(el).outlineStyle : 'none' };
      })()`) as Promise<Focus>;
    const tabTo = async (match: (f: Focus) => boolean, what: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if (match(f)) {
          expect(f.outline, `focus visible on ${what}`).not.toBe('none');
          return;
        }
      }
      throw new Error(`Tab never reached ${what}`);
    };

    await page.goto(`/signin?next=/services/${CRIMINAL_RECORD}/apply`);
    await h1(page, enCommon.signin.title);
    await tabTo((f) => f.tag === 'BUTTON' && f.text.includes(persona.name), 'the persona');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/services/${CRIMINAL_RECORD}/apply`);
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();

    // The usage is a radio group: Tab reaches it, the arrow key chooses "abroad", and the country field appears.
    await tabTo((f) => f.type === 'radio', 'the usage');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: s.option('usage', 'abroad') }).isChecked()).toBe(true);
    // the country is chosen by its name (the list is every ISO 3166 country, named in the reader's language)
    await tabTo((f) => f.label.includes(s.label('destinationCountry')), 'the destination country');
    await page.keyboard.type('Germany');
    expect(await page.getByLabel(s.label('destinationCountry')).inputValue()).toBe('DE');
    await tabTo((f) => f.type === 'checkbox' && f.label.includes(s.label('paperCopy')), 'the paper copy');
    await page.keyboard.press('Space');
    await tabTo((f) => f.label.includes(s.label('pickupOffice')), 'the pickup office');
    await page.keyboard.type('Астана қаласының ХҚКО');
    await tabTo((f) => f.tag === 'BUTTON' && f.text === L.apply.continue, 'Continue');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
    expect((await focused()).tag).toBe('H2');
    await tabTo((f) => f.tag === 'SUMMARY', 'the signed text');
    await page.keyboard.press('Enter');
    expect(JSON.parse(await page.locator('.signed-text pre').innerText())).toEqual({
      service: CRIMINAL_RECORD,
      data: { usage: 'abroad', destinationCountry: 'DE', paperCopy: true, pickupOffice: 'Астана қаласының ХҚКО' },
    });
    await tabTo((f) => f.tag === 'BUTTON' && f.text === L.review.submit, 'Sign and submit');
    await audit(page, 'en-citizen-keyboard-review');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/my\/applications\/[0-9a-f-]{36}(\?submitted=1)?$/);
    const done = enCommon.application.submittedNotice.split('}}')[1];
    await page.getByRole('status').getByText(done).waitFor();
    expect((await focused()).text).toContain(done);
    await audit(page, 'en-citizen-keyboard-submitted');

    // Ерлан has a conviction on record: the application waits for an officer, who refuses it with the reason and
    // its legal basis; the application page shows both.
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const agency = await officer(LEGAL_STATISTICS_OFFICER);
    await until(async () => (await agency.get(id)).status === 'in_review', 'the application in review');
    await agency.act(id, 'assign');
    await agency.act(id, 'reject', { reason: 'The certificate cannot be issued abroad while a case is pending.', legalBasis: 'Order No 56 of the Prosecutor General, para. 12' });
    await page.reload();
    const refusal = page.getByRole('region', { name: L.application.refusalTitle });
    await refusal.getByText('The certificate cannot be issued abroad while a case is pending.').waitFor();
    await refusal.getByText('Order No 56 of the Prosecutor General, para. 12').waitFor();
    await page.getByRole('main').getByText(enCommon.status.rejected).first().waitFor();
    await audit(page, 'en-citizen-rejected');
  }, 45_000);

  it('fits a 390 px wide phone screen: a form with a list of items, review, application, account pages', async () => {
    const { common: C, citizen: L } = LOCALES.en;
    const { page } = await open('en', { width: 390, height: 844 });
    const persona = citizen('Азамат');
    const s = await service(KG_CRIMINAL_RECORD, 'en');
    const fits = async (name: string) => {
      expect(await scrollWidth(page), name).toBeLessThanOrEqual(390);
      await audit(page, `en-citizen-${name}-390`);
    };
    await page.goto(`/signin?next=/services/${KG_CRIMINAL_RECORD}/apply`);
    await h1(page, C.signin.title);
    await fits('signin');
    await page.getByRole('button', { name: new RegExp(escape(persona.name)) }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
    await page.getByLabel(s.label('collectionPoint')).fill('Бишкек шаарынын Свердлов районундагы калкты тейлөө борбору');
    await page.getByLabel(s.label('phone')).fill('+996555123456');
    await page.getByLabel(s.label('nameChanged')).check();
    const names = s.label('previousNames');
    await page.getByRole('button', { name: fill(L.form.add, { label: names }) }).click();
    const item = page.getByRole('group', { name: fill(L.form.item, { label: names, n: 1 }) });
    await item.getByLabel(s.form.schema.properties.previousNames.items.properties.surname['x-labels'].en).fill('Асанова');
    await item.getByLabel(s.form.schema.properties.previousNames.items.properties.givenName['x-labels'].en).fill('Айгүл');
    await fits('apply');
    await page.getByRole('button', { name: L.apply.continue }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
    await page.getByText(L.review.signedText, { exact: true }).click();
    await fits('review');
    await page.getByRole('button', { name: L.review.submit }).click();
    await page.waitForURL(/\/my\/applications\/[0-9a-f-]{36}(\?submitted=1)?$/);
    await page.getByRole('main').getByText(enCommon.status.submitted).first().waitFor();
    await fits('application');
    for (const [path, title, name] of [
      ['/my', L.account.title, 'account'],
      ['/my/documents', L.documents.title, 'documents'],
      ['/my/notifications', L.notifications.title, 'notifications'],
      ['/my/data-access', L.dataAccess.title, 'data-access'],
      ['/my/offers', L.offers.title, 'offers'],
      ['/my/applications', C.applications.title, 'applications'],
    ] as const) {
      await page.goto(path);
      await h1(page, title);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      await fits(name);
    }
  }, 45_000);
});
