import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { applicationSignature } from '../support/node.js';
import { audit, h1, scrollWidth, startPortalNode, type PortalNode } from '../support/portal.js';
import common from '../../web/src/locales/en.json' with { type: 'json' };
import en from '../../web/src/locales/officer/en.json' with { type: 'json' };
import kk from '../../web/src/locales/officer/kk.json' with { type: 'json' };
import ru from '../../web/src/locales/officer/ru.json' with { type: 'json' };
import ruCommon from '../../web/src/locales/ru.json' with { type: 'json' };

// The agency officer's screens in Debian's Chromium (harness: test/support/portal.ts): Ерлан has a criminal record,
// so each of his certificate applications waits in the queue of the Committee on Legal Statistics, whose officer
// works them in the browser; the citizen's side (submitting, answering) goes through the API.
const SERVICE = 'kz-criminal-record-certificate';
const RESIDENCE = 'kz-residence-registration';

let node: PortalNode;
let officer: DemoPersona;
let erlan: DemoPersona;
/** an officer of the Ministry of Internal Affairs, whose residence registrations are due the next working day */
let migrationOfficer: DemoPersona;
let citizenToken: string;
let officerToken: string;
let headToken: string;
/** Ерлан's applications, in the order the queue gives them */
let apps: { id: string; number: string }[] = [];

const fill = (text: string, params: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => params[k] ?? '');
const post = async (path: string, token: string, body: unknown = {}, key = randomUUID()) =>
  fetch(`${node.base}${path}`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', 'idempotency-key': key, 'accept-language': 'en' },
    body: JSON.stringify(body),
  });
const get = async (path: string, token: string): Promise<any> => (await fetch(`${node.base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
const signIn = async (p: DemoPersona) => ((await (await post('/api/v1/auth/demo-login', '', { identifier: p.identifier, role: p.role })).json()) as { token: string }).token;

/** A browser context signed in as the officer through the API (the session cookie is the context's). */
async function officerContext(locale: string, viewport?: { width: number; height: number }, as = officer): Promise<{ context: BrowserContext; page: Page }> {
  const context = await node.newContext(locale, viewport);
  const res = await context.request.post('/api/v1/auth/demo-login', { data: { identifier: as.identifier, role: 'officer' } });
  expect(res.status()).toBe(200);
  return { context, page: await context.newPage() };
}

beforeAll(async () => {
  // Without the demo year of decided applications: the queues hold only this test's.
  node = await startPortalNode({ ORTAK_DEMO_HISTORY: '0' });
  const personas = (await node.json('/api/v1/auth/demo-personas')) as DemoPersona[];
  erlan = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.name.startsWith('Ерлан'))!;
  officer = personas.find((p) => p.role === 'officer' && p.agency === 'kz-legal-statistics' && !p.permissions.includes('head'))!;
  const head = personas.find((p) => p.role === 'officer' && p.agency === 'kz-legal-statistics' && p.permissions.includes('head'))!;
  migrationOfficer = personas.find((p) => p.role === 'officer' && p.agency === 'kz-internal-affairs' && !p.permissions.includes('head'))!;
  expect([erlan, officer, head, migrationOfficer].every(Boolean)).toBe(true);
  [citizenToken, officerToken, headToken] = await Promise.all([signIn(erlan), signIn(officer), signIn(head)]);

  const forms = [
    { usage: 'abroad', destinationCountry: 'TR', paperCopy: false },
    { usage: 'domestic', paperCopy: true, pickupOffice: 'Астана қаласы, Есіл ауданы ХҚКО' },
    { usage: 'abroad', destinationCountry: 'KG', paperCopy: false },
    { usage: 'domestic', paperCopy: false },
  ];
  for (const data of forms) {
    const res = await post('/api/v1/applications', citizenToken, { service: SERVICE, data, signature: await applicationSignature(erlan, SERVICE, data) });
    expect(res.status).toBe(201);
  }
  // A registration at a flat Ерлан does not own: a migration officer reviews it, within one working day.
  const owner = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.identifier !== erlan.identifier)!;
  const residence = { region: 'astana', addressCode: '0201200002358853', isOwner: false, ownerIdentifier: owner.identifier };
  const res = await post('/api/v1/applications', citizenToken, { service: RESIDENCE, data: residence, signature: await applicationSignature(erlan, RESIDENCE, residence) });
  expect(res.status).toBe(201);
  // The owner, Айгерім, signs it too: only then is anything checked.
  const consented = await post(`/api/v1/applications/${((await res.json()) as { id: string }).id}/consent`, await signIn(owner), { signature: await applicationSignature(owner, RESIDENCE, residence) });
  expect(consented.status).toBe(200);
  // The registers answer and the automatic check passes each one on to an officer.
  for (let i = 0; i < 150; i++) {
    const items = (await get('/api/v1/officer/queue', officerToken)).items as { id: string; number: string; status: string }[];
    if (items.length === forms.length && items.every((a) => a.status === 'in_review')) {
      apps = items.map(({ id, number }) => ({ id, number }));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(apps).toHaveLength(forms.length);
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

const status = async (id: string) => (await get(`/api/v1/applications/${id}`, officerToken)) as { status: string; assignedTo: string | null; history: { type: string; details: Record<string, unknown> }[] };

describe("the officer's screens, in Chromium", () => {
  it('ru: the queue by deadline, filters in the address, one application taken, information requested and answered, approved after confirmation', async () => {
    const { context, page } = await officerContext('ru-RU');
    await page.goto('/officer');
    await h1(page, ru.queue.title);
    await page.getByRole('navigation', { name: ruCommon.nav.label }).getByRole('link', { name: ru.nav.queue }).waitFor();
    const rows = page.locator('.officer-queue tbody tr');
    await rows.first().waitFor();
    // The API's order (nearest deadline first) and every application of the agency.
    expect(await rows.locator('th a').allInnerTexts()).toEqual(apps.map((a) => a.number));
    const queued = (await get('/api/v1/officer/queue', officerToken)).items as { deadline: string; applicant: { name: string; identifier: string } }[];
    const deadlines = queued.map((i) => i.deadline);
    expect([...deadlines].sort()).toEqual(deadlines);
    // Who applied: the name and the identifier the API gives, on every row.
    expect(queued.every((i) => i.applicant.name === erlan.name && i.applicant.identifier === erlan.qualifiedIdentifier)).toBe(true);
    expect(await rows.locator('.officer-applicant').allInnerTexts()).toEqual(queued.map((i) => i.applicant.name));
    expect(await rows.locator('.officer-identifier').allInnerTexts()).toEqual(queued.map((i) => i.applicant.identifier));
    await page.getByRole('status').filter({ hasText: '4' }).waitFor();
    await audit(page, 'ru-officer-queue');

    // Filters: kept in the address; nothing is assigned to me yet.
    await page.getByLabel(ru.queue.mine).check();
    await page.waitForURL(/\/officer\?mine=1$/);
    await page.getByText(ru.queue.emptyFiltered).waitFor();
    await page.getByLabel(ru.queue.status).selectOption('in_review');
    await page.waitForURL(/status=in_review/);
    await page.getByLabel(ru.queue.mine).uncheck();
    await page.waitForURL(/\/officer\?status=in_review$/);
    await rows.nth(3).waitFor();
    expect(await rows.count()).toBe(4);
    await page.reload();
    await h1(page, ru.queue.title);
    expect(await page.getByLabel(ru.queue.status).inputValue()).toBe('in_review');
    await rows.nth(3).waitFor();

    // One application: the form's own labels, the registers' answers with their source, the history.
    const [app] = apps;
    await page.getByRole('link', { name: app.number }).click();
    await h1(page, fill(ru.app.title, { number: app.number }));
    const main = page.getByRole('main');
    const service = await node.json(`/api/v1/services/${SERVICE}?lang=ru`);
    await main.getByText(service.form.schema.properties.usage['x-labels'].ru).waitFor();
    await main.getByText(service.form.schema.properties.usage['x-enum-labels'].abroad.ru).waitFor();
    for (const e of service.evidence) await main.getByRole('heading', { name: e.title }).waitFor();
    await main.getByText('KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records').waitFor();
    // The applicant at the top of the page, as the API names them.
    const facts = main.locator('dl.facts').first();
    await facts.getByText(erlan.name, { exact: true }).waitFor();
    await facts.getByText(erlan.qualifiedIdentifier, { exact: true }).waitFor();
    await main.getByText('Criminal Code of the Republic of Kazakhstan, art. 345', { exact: false }).waitFor();
    // the registers' answers by the labels they publish, in Russian (not their field names)
    const answers = main.locator('.officer-evidence-data');
    for (const label of ['Найдено в реестре', 'Судимости', 'Статья', 'Суд', 'Дата приговора', 'Дата рождения']) await answers.locator('dt', { hasText: label }).first().waitFor();
    expect(await answers.locator('dt code').count()).toBe(0);
    await main.getByText(ru.actions.takeFirst).waitFor();
    await audit(page, 'ru-officer-application');

    // The first attempt is lost on the way: the retry carries the same Idempotency-Key, so it cannot act twice.
    const keys: string[] = [];
    await page.route('**/api/v1/applications/*/assign', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      await (keys.length === 1 ? route.abort('failed') : route.continue());
    });
    await main.getByRole('button', { name: ru.actions.take }).click();
    await main.getByRole('alert').filter({ hasText: ruCommon.common.networkError }).waitFor();
    await main.getByRole('button', { name: ru.actions.take }).click();
    await page.getByRole('status').filter({ hasText: fill(ru.actions.done.assign, { number: app.number }) }).waitFor();
    await page.unroute('**/api/v1/applications/*/assign');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys[1]).toBe(keys[0]);
    const taken = await status(app.id);
    expect(taken.assignedTo).toBe(officer.accountId);
    expect(taken.history.filter((h) => h.type === 'assign')).toHaveLength(1);

    const question = 'Приложите приговор суда по делу 2021 года.';
    await main.getByLabel(ru.actions.message).fill(question);
    await main.getByRole('button', { name: ru.actions.requestInfo }).click();
    await page.getByRole('status').filter({ hasText: fill(ru.actions.done['request-info'], { number: app.number }) }).waitFor();
    await main.getByText(ru.app.pausedTag).waitFor();
    await main.getByText(ru.actions.waitingForApplicant).waitFor();
    await main.locator('.officer-timeline').getByText(question).waitFor();
    expect((await status(app.id)).status).toBe('info_requested');
    await audit(page, 'ru-officer-info-requested');

    // Ерлан answers through the API; the officer sees the answer and decides.
    const answer = 'Приговор приложен: дело № 2-345/2021.';
    expect((await post(`/api/v1/applications/${app.id}/answer-info`, citizenToken, { message: answer })).status).toBe(200);
    await page.reload();
    await h1(page, fill(ru.app.title, { number: app.number }));
    await main.locator('.officer-timeline').getByText(answer).waitFor();

    await main.getByRole('button', { name: ru.actions.approve }).click();
    const dialog = page.getByRole('dialog', { name: ru.actions.approveTitle });
    await dialog.getByText(fill(ru.actions.confirmApprove, { number: app.number })).waitFor();
    await audit(page, 'ru-officer-confirm');
    await dialog.getByRole('button', { name: ru.actions.confirmApproveButton }).click();
    await page.getByRole('status').filter({ hasText: fill(ru.actions.done.approve, { number: app.number }) }).waitFor();
    await main.getByText(ru.actions.closed).waitFor();
    expect((await status(app.id)).status).toBe('approved');
    // The page looks again by itself until the document job has issued the certificate.
    await main.getByRole('region', { name: ru.documents.title }).getByRole('heading', { level: 3, name: service.result.title }).waitFor();
    await context.close();
  }, 60_000);

  it('ru: the approved application lists its document (PDF, verification page); revoked with a reason after confirmation; a revocation made meanwhile shows the API problem', async () => {
    const [app] = apps;
    // The document job issues the certificate a moment after the approval.
    type Issued = { id: string; number: string; title: Record<string, string>; revoked: boolean; verifyUrl: string; validUntil: string | null };
    let documents: Issued[] = [];
    for (let i = 0; i < 100 && documents.length === 0; i++) {
      documents = ((await get(`/api/v1/applications/${app.id}`, officerToken)) as { documents: Issued[] }).documents;
      if (documents.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(documents).toHaveLength(1);
    const [doc] = documents;
    expect(doc.revoked).toBe(false);
    const title = doc.title.ru;

    const { context, page } = await officerContext('ru-RU');
    const keys: string[] = [];
    // Every revocation the portal sends, from either tab, carries an Idempotency-Key of its own.
    context.on('request', (r) => void (r.url().endsWith(`/api/v1/documents/${doc.id}/revoke`) && keys.push(r.headers()['idempotency-key'])));
    await page.goto(`/officer/applications/${app.id}`);
    await h1(page, fill(ru.app.title, { number: app.number }));
    const section = page.getByRole('main').getByRole('region', { name: ru.documents.title });
    const card = section.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: title }) });
    await card.getByText(ru.documents.status.valid, { exact: true }).waitFor();
    await card.getByText(doc.number, { exact: true }).waitFor();
    await card.getByText(ru.documents.issuedAt, { exact: true }).waitFor();
    if (!doc.validUntil) await card.getByText(ru.documents.noEnd, { exact: true }).waitFor();
    // The PDF as issued (the officer of the issuing agency may read it) and the public verification page.
    const pdf = await context.request.get((await card.getByRole('link', { name: `${ru.documents.download} — ${title}` }).getAttribute('href'))!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await card.getByRole('link', { name: `${ru.documents.verify} — ${title}` }).getAttribute('href')).toBe(doc.verifyUrl);
    await audit(page, 'ru-officer-documents');

    // A second tab, opened before the revocation, still shows the document as valid.
    const stale = await context.newPage();
    await stale.goto(`/officer/applications/${app.id}`);
    const staleCard = stale.getByRole('main').getByRole('listitem').filter({ has: stale.getByRole('heading', { level: 3, name: title }) });
    await staleCard.getByRole('button', { name: ru.documents.revoke }).waitFor();

    // No reason: a field error tied to the field, no question asked.
    await card.getByRole('button', { name: ru.documents.revoke }).click();
    await card.getByRole('alert').filter({ hasText: ru.actions.required }).waitFor();
    const reasonField = card.getByLabel(ru.documents.reason);
    expect(await reasonField.getAttribute('aria-invalid')).toBe('true');
    expect(await reasonField.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await page.getByRole('dialog').count()).toBe(0);

    const reason = 'Справка выдана по ошибке: сведения в учётах были неполными.';
    await reasonField.fill(reason);
    await card.getByRole('button', { name: ru.documents.revoke }).click();
    const dialog = page.getByRole('dialog', { name: ru.documents.revokeTitle });
    await dialog.getByText(fill(ru.documents.confirm, { title })).waitFor();
    await audit(page, 'ru-officer-revoke-confirm');
    await dialog.getByRole('button', { name: ru.documents.confirmButton }).click();
    await section.getByRole('status').filter({ hasText: fill(ru.documents.done, { title }) }).waitFor();
    await card.getByText(ru.documents.status.revoked, { exact: true }).waitFor();
    await card.getByText(reason, { exact: false }).waitFor();
    expect(await card.getByRole('button', { name: ru.documents.revoke }).count()).toBe(0);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await audit(page, 'ru-officer-document-revoked');

    // The API and the public check say so.
    expect(((await get(`/api/v1/applications/${app.id}`, officerToken)) as { documents: Issued[] }).documents[0].revoked).toBe(true);
    const verified = await node.json(`/verify/${doc.id}`, { headers: { accept: 'application/json' } });
    expect(verified).toMatchObject({ documentId: doc.id, authentic: true, status: 'revoked', revocationReason: reason });

    // The other tab tries too: the API's 409 problem, in Russian, and the document as it is now.
    const again = await fetch(`${node.base}/api/v1/documents/${doc.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${officerToken}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'accept-language': 'ru' },
      body: JSON.stringify({ reason: 'Повторно' }),
    });
    expect(again.status).toBe(409);
    const problem = (await again.json()) as { detail: string };
    await staleCard.getByLabel(ru.documents.reason).fill('Повторно');
    await staleCard.getByRole('button', { name: ru.documents.revoke }).click();
    await stale.getByRole('dialog', { name: ru.documents.revokeTitle }).getByRole('button', { name: ru.documents.confirmButton }).click();
    await staleCard.getByRole('alert').filter({ hasText: problem.detail }).waitFor();
    await staleCard.getByText(ru.documents.status.revoked, { exact: true }).waitFor();
    expect(await staleCard.getByRole('button', { name: ru.documents.revoke }).count()).toBe(0);
    expect(keys).toHaveLength(2);
    expect(keys[1]).not.toBe(keys[0]);
    await context.close();
  }, 60_000);

  it('en: taken with the keyboard alone, rejected with reason and legal basis (a missing one is a field error); a conflict shows the API problem', async () => {
    const { context, page } = await officerContext('en-GB');
    await page.goto('/officer');
    await h1(page, en.queue.title);
    await page.locator('.officer-queue tbody tr').first().waitFor();
    await audit(page, 'en-officer-queue');

    // Keyboard only: Tab to the application, Enter; Tab to "Take it", Enter.
    const app = apps[1];
    const tabTo = async (name: string) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate("document.activeElement?.textContent?.trim() ?? ''")) === name) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo(app.number);
    await page.keyboard.press('Enter');
    await h1(page, fill(en.app.title, { number: app.number }));
    await tabTo(en.actions.take);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: fill(en.actions.done.assign, { number: app.number }) }).waitFor();
    expect((await status(app.id)).assignedTo).toBe(officer.accountId);
    // The focus stays in the actions panel, on its heading.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(en.actions.title);

    // Reject without a legal basis: a field error, announced and tied to the field, and the focus on it.
    const main = page.getByRole('main');
    const reason = 'The 2021 conviction is not expunged; the certificate must state it.';
    await main.getByLabel(en.actions.reason).fill(reason);
    await main.getByRole('button', { name: en.actions.reject }).click();
    const basis = main.getByLabel(en.actions.legalBasis);
    await main.getByRole('alert').filter({ hasText: en.actions.required }).waitFor();
    expect(await basis.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await basis.getAttribute('aria-describedby'))!.split(' ');
    expect(await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).innerText()))).toContain(en.actions.required);
    expect(await basis.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await audit(page, 'en-officer-reject-error');

    await basis.fill('Code of the Republic of Kazakhstan on public services, art. 19');
    await main.getByRole('button', { name: en.actions.reject }).click();
    const dialog = page.getByRole('dialog', { name: en.actions.rejectTitle });
    await dialog.getByRole('button', { name: en.actions.confirmRejectButton }).click();
    await page.getByRole('status').filter({ hasText: fill(en.actions.done.reject, { number: app.number }) }).waitFor();
    await main.locator('.officer-timeline').getByText(reason).waitFor();
    const rejected = await status(app.id);
    expect(rejected.status).toBe('rejected');
    expect(rejected.history.at(-1)).toMatchObject({ type: 'reject', details: { reason, legalBasis: 'Code of the Republic of Kazakhstan on public services, art. 19' } });
    await audit(page, 'en-officer-application');

    // Someone else was quicker: the head of the agency gives the next one to themself while the page is open.
    const other = apps[2];
    await page.goto(`/officer/applications/${other.id}`);
    await h1(page, fill(en.app.title, { number: other.number }));
    expect((await post(`/api/v1/applications/${other.id}/assign`, headToken)).status).toBe(200);
    const conflict = (await (await post(`/api/v1/applications/${other.id}/assign`, officerToken)).json()) as { status: number; detail: string };
    expect(conflict.status).toBe(409);
    await main.getByRole('button', { name: en.actions.take }).click();
    await main.getByRole('alert').filter({ hasText: conflict.detail }).waitFor();
    await main.getByText(en.actions.assignedToOther).waitFor();
    expect(await main.getByRole('button', { name: en.actions.take }).count()).toBe(0);
    await context.close();
  }, 60_000);

  it('fits a 390 px wide phone: the queue as cards, the application with its actions', async () => {
    const { context, page } = await officerContext('en-GB', { width: 390, height: 844 });
    const app = apps[3];
    const taken = await context.request.post(`/api/v1/applications/${app.id}/assign`, { headers: { 'idempotency-key': randomUUID() } });
    expect(taken.status()).toBe(200);
    await page.goto('/officer');
    await h1(page, en.queue.title);
    await page.locator('.officer-queue tbody tr').first().waitFor();
    expect(await page.locator('.officer-queue thead').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await audit(page, 'en-officer-queue-390');

    await page.goto(`/officer/applications/${app.id}`);
    await h1(page, fill(en.app.title, { number: app.number }));
    await page.getByRole('button', { name: en.actions.reject }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await audit(page, 'en-officer-application-390');

    // The approved one, with its revoked document.
    await page.goto(`/officer/applications/${apps[0].id}`);
    await h1(page, fill(en.app.title, { number: apps[0].number }));
    await page.getByText(en.documents.status.revoked, { exact: true }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await audit(page, 'en-officer-documents-390');
    await context.close();
  }, 30_000);

  it('fits a 1024 px wide screen in Russian: the queue table within its box, no column cut off', async () => {
    const { context, page } = await officerContext('ru-RU', { width: 1024, height: 768 });
    await page.goto('/officer');
    await h1(page, ru.queue.title);
    await page.locator('.officer-queue tbody tr').first().waitFor();
    const table = page.locator('table.officer-queue');
    const [tableWidth, boxWidth] = await table.evaluate((el) => [el.getBoundingClientRect().width, el.parentElement!.getBoundingClientRect().width]);
    expect(tableWidth).toBeLessThanOrEqual(boxWidth + 0.5);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1024);
    // every column's header, the last (the assignee) included, is inside the page
    const right = await page.locator('.officer-queue thead th').last().evaluate((el) => el.getBoundingClientRect().right);
    expect(right).toBeLessThanOrEqual(1024);
    await context.close();
  }, 30_000);

  it('ru: the fee of a paid service and whether it is paid, as the API says, before and after the card payment', async () => {
    const MARRIAGE = 'kz-marriage-registration';
    const service = await node.json(`/api/v1/services/${MARRIAGE}?lang=ru`);
    const personas = (await node.json('/api/v1/auth/demo-personas')) as DemoPersona[];
    const spouse = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.identifier !== erlan.identifier)!;
    const registrar = personas.find((p) => p.role === 'officer' && p.agency === service.agency.code && !p.permissions.includes('head'))!;
    const data = { ...service.form.example, spouseIdentifier: spouse.identifier };
    const submitted = await post('/api/v1/applications', citizenToken, { service: MARRIAGE, data, signature: await applicationSignature(erlan, MARRIAGE, data) });
    expect(submitted.status).toBe(201);
    const { id, number } = (await submitted.json()) as { id: string; number: string };
    expect((await post(`/api/v1/applications/${id}/consent`, await signIn(spouse), { signature: await applicationSignature(spouse, MARRIAGE, data) })).status).toBe(200);
    const owed = (await get(`/api/v1/applications/${id}`, await signIn(registrar))).payment as { invoiceId: string; amount: number; currency: string; status: string };
    expect(owed).toMatchObject({ amount: 345000, currency: 'KZT', status: 'open' });

    const { context, page } = await officerContext('ru-RU', undefined, registrar);
    await page.goto(`/officer/applications/${id}`);
    await h1(page, fill(ru.app.title, { number }));
    const fee = page.getByRole('main').locator('dl.facts div').filter({ has: page.getByRole('term').filter({ hasText: ru.app.payment }) }).getByRole('definition');
    await fee.filter({ hasText: ruCommon.payment.open }).waitFor();
    expect(await fee.innerText()).toMatch(/3\s?450/);
    expect(await fee.innerText()).not.toContain(ru.app.noFee);

    // paid by card at the demo provider; its webhook reaches the node, and the page says so once reloaded
    const attempt = (await (await post(`/api/v1/invoices/${owed.invoiceId}/pay`, citizenToken, { provider: 'demo' })).json()) as { attemptId: string };
    expect((await post(`/api/v1/payments/demo/checkout/${attempt.attemptId}`, '', { cardNumber: '4242 4242 4242 4242' })).status).toBe(202);
    for (let i = 0; i < 100 && (await get(`/api/v1/applications/${id}`, citizenToken)).payment.status !== 'paid'; i++) await new Promise((r) => setTimeout(r, 100));
    await page.reload();
    await fee.filter({ hasText: ruCommon.payment.paid }).waitFor();
    expect(await fee.innerText()).toMatch(/3\s?450/);
    await context.close();
  }, 60_000);

  it('kk: the queue and an application in Kazakh', async () => {
    const { context, page } = await officerContext('kk-KZ');
    await page.goto('/officer');
    await h1(page, kk.queue.title);
    await page.locator('.officer-queue tbody tr').first().waitFor();
    await page.getByText(kk.assignee.me).first().waitFor();
    await audit(page, 'kk-officer-queue');
    await page.getByRole('link', { name: apps[3].number }).click();
    await h1(page, fill(kk.app.title, { number: apps[3].number }));
    await page.getByRole('heading', { name: kk.actions.title }).waitFor();
    expect(await page.getByRole('main').innerText()).not.toMatch(/\bM\d{1,2}\b/);
    await audit(page, 'kk-officer-application');
    await context.close();
  }, 30_000);

  it('says in words and with an icon which applications are overdue or due by the next working day', async () => {
    const token = await signIn(migrationOfficer);
    let queue: { number: string; urgency: string; status: string }[] = [];
    for (let i = 0; i < 100 && !queue.some((a) => a.status === 'in_review'); i++) {
      queue = (await get('/api/v1/officer/queue', token)).items;
      if (!queue.some((a) => a.status === 'in_review')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(queue.length).toBeGreaterThan(0);
    const { context, page } = await officerContext('en-GB', undefined, migrationOfficer);
    await page.goto('/officer');
    await h1(page, en.queue.title);
    const rows = page.locator('.officer-queue tbody tr');
    await rows.first().waitFor();
    // A one-working-day service submitted today is due by the next working day (on a weekend, later).
    for (const [i, a] of queue.entries()) {
      const mark = rows.nth(i).locator('.officer-urgency');
      if (a.urgency === 'on_time') expect(await mark.count()).toBe(0);
      else {
        expect(await mark.innerText()).toBe(en.urgency[a.urgency as 'overdue' | 'due_soon']);
        expect(await mark.locator('svg[aria-hidden="true"]').count()).toBe(1);
      }
    }
    await audit(page, 'en-officer-queue-due-soon');
    await context.close();
  }, 30_000);

  it('keeps other roles out', async () => {
    const context = await node.newContext('en-GB');
    const page = await context.newPage();
    await page.goto('/officer');
    await h1(page, en.queue.title);
    await page.getByText(en.gate.signIn).waitFor();
    await page.getByRole('main').getByRole('link', { name: common.layout.signIn }).waitFor();
    await context.close();
  }, 30_000);
});
