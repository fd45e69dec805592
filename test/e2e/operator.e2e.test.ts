import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { applicationSignature } from '../support/node.js';
import { audit, h1, htmlLang, screenshot, scrollWidth, startPortalNode, type PortalNode } from '../support/portal.js';
import en from '../../web/src/locales/operator/en.json' with { type: 'json' };
import kk from '../../web/src/locales/operator/kk.json' with { type: 'json' };
import ru from '../../web/src/locales/operator/ru.json' with { type: 'json' };

// The node operator's screens in Debian's Chromium (harness: test/support/portal.ts): the overview, the catalog as
// loaded, agencies and officers, the exchange's access rights and message log, the information systems registered on
// the client interface (X-Road calls go there, node.clientBase), local groups, the services provided from agencies'
// own systems, health and queues; a citizen is turned away.
const POPULATION = 'KZ/GOV/MVD/REGISTRIES/population';
const CLIENT = 'KG/GOV/MVD/WORKPERMITS'; // registered in demo mode (plain HTTP from loopback), granted nothing
const SCHOOLS = 'KZ/GOV/MINEDU/SCHOOLS'; // registered in the portal by the test
const DEEDS = 'KZ/GOV/MINJUST/NOTARY/deeds'; // a service of an agency's own system, registered in the portal by the test
const CRIMINAL_RECORD = 'kz-criminal-record-certificate';

type Messages = typeof en;
let node: PortalNode;
let base: string;
let clientBase: string;
let personas: DemoPersona[];
let operator: DemoPersona;
let operatorToken: string;

const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k]));
const asOperator = { headers: {} as Record<string, string> };
const api = async (path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any }> => {
  const res = await fetch(`${base}${path}`, { ...init, headers: { ...asOperator.headers, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
  return { status: res.status, headers: res.headers, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
};
interface LoggedMessage {
  id: number;
  client: string;
  service: string;
  requestId: string;
  errorType: string | null;
}
interface Right {
  serviceId: string;
  subjectType: 'SUBSYSTEM' | 'LOCALGROUP' | 'GLOBALGROUP';
  subject: string;
  method: string;
  path: string;
}
const rights = async (): Promise<Right[]> => (await api('/api/v1/exchange/access-rights')).body.items;
/** an X-Road call on the client interface, as an information system registered there */
const xroad = (path: string, client: string, init: RequestInit = {}) =>
  fetch(`${clientBase}/r1/${path}`, { ...init, headers: { 'X-Road-Client': client, ...(init.headers as Record<string, string>) } });

async function signIn(context: BrowserContext, persona: DemoPersona, role: DemoPersona['role']): Promise<void> {
  const res = await context.request.post('/api/v1/auth/demo-login', { data: { identifier: persona.identifier, role } });
  expect(res.status()).toBe(200);
}

async function operatorPage(locale: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await node.newContext(locale, viewport);
  await signIn(context, operator, 'operator');
  return { context, page: await context.newPage() };
}

const subnav = (page: Page, m: Messages) => page.getByRole('navigation', { name: m.subnav });

beforeAll(async () => {
  node = await startPortalNode();
  base = node.base;
  clientBase = node.clientBase;
  personas = (await node.json('/api/v1/auth/demo-personas')) as DemoPersona[];
  operator = personas.find((p) => p.role === 'operator')!;
  expect(operator).toBeDefined();
  const login = await api('/api/v1/auth/demo-login', { method: 'POST', body: JSON.stringify({ identifier: operator.identifier, role: 'operator' }) });
  operatorToken = login.body.token;
  asOperator.headers = { authorization: `Bearer ${operatorToken}` };

  // Work for the queues and the message log: Айгерім applies for her certificate; the node fetches the evidence
  // through its own exchange gateway and issues the document by its jobs.
  const aigerim = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.name.startsWith('Айгерім'))!;
  const citizen = await api('/api/v1/auth/demo-login', { method: 'POST', body: JSON.stringify({ identifier: aigerim.identifier, role: 'citizen' }) });
  const { form } = (await api(`/api/v1/services/${CRIMINAL_RECORD}`)).body;
  const submitted = await api('/api/v1/applications', {
    method: 'POST',
    headers: { authorization: `Bearer ${citizen.body.token}`, 'idempotency-key': 'operator-e2e' },
    body: JSON.stringify({ service: CRIMINAL_RECORD, data: form.example, signature: await applicationSignature(aigerim, CRIMINAL_RECORD, form.example) }),
  });
  expect(submitted.status).toBe(201);
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

describe("the node operator's screens, in Chromium", () => {
  it('shows the overview, the catalog, agencies, the exchange (grant, message log, revoke) and health (en)', async () => {
    const { context, page } = await operatorPage('en-GB');
    const [catalog, agencies] = await Promise.all([api('/api/v1/operator/catalog?lang=en'), api('/api/v1/operator/agencies?lang=en')]);
    expect(catalog.status).toBe(200);
    expect(catalog.body.errors).toEqual([]);
    expect(catalog.body.services.length).toBeGreaterThan(10);

    // Overview: one entry in the main navigation, the sub-navigation, four parts at a glance
    await page.goto('/operator');
    await h1(page, en.overview.title);
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: en.nav }).waitFor();
    const main = page.getByRole('main');
    for (const part of ['health', 'catalog', 'agencies', 'exchange'] as const) await main.getByRole('heading', { level: 2, name: en.pages[part] }).waitFor();
    await main.getByText(en.health.status.ok).waitFor();
    await main.getByText(en.catalog.noErrors).waitFor();
    await audit(page, 'en-operator-overview');

    // The catalog as loaded: no errors in the demo catalog, every service listed, narrowed to one country
    await subnav(page, en).getByRole('link', { name: en.pages.catalog }).click();
    await h1(page, en.catalog.title);
    await main.getByText(en.catalog.noErrors).waitFor();
    await main.locator('.op-table tbody tr').first().waitFor();
    for (const s of catalog.body.services) await main.getByRole('link', { name: s.title, exact: true }).first().waitFor();
    const serviceRows = catalog.body.services.length + catalog.body.agencies.length;
    expect(await main.locator('.op-table tbody tr').count()).toBe(serviceRows);
    await audit(page, 'en-operator-catalog');
    await main.getByLabel(en.catalog.filterState).selectOption('KG');
    await page.waitForURL(/state=KG/);
    const kg = catalog.body.services.filter((s: { state: string }) => s.state === 'KG');
    expect(kg.length).toBeGreaterThan(0);
    await main.getByRole('heading', { level: 2, name: 'Kyrgyzstan' }).waitFor();
    expect(await main.getByRole('heading', { level: 2, name: 'Kazakhstan' }).count()).toBe(0);

    // Agencies and their officers
    await subnav(page, en).getByRole('link', { name: en.pages.agencies }).click();
    await h1(page, en.agencies.title);
    const legalStat = agencies.body.items.find((a: { code: string }) => a.code === 'kz-legal-statistics');
    expect(legalStat.officers.length).toBeGreaterThan(0);
    const card = main.locator('.op-agencies > li').filter({ has: page.getByRole('heading', { name: legalStat.name }) });
    for (const o of legalStat.officers) await card.getByRole('rowheader', { name: o.name }).waitFor();
    await card.getByText(en.permission.head).waitFor();
    expect(await main.locator('.op-agencies > li').count()).toBe(agencies.body.items.length);
    await audit(page, 'en-operator-agencies');

    // The exchange: the API's problems at the fields, then a grant, checked through the API
    await subnav(page, en).getByRole('link', { name: en.pages.exchange }).click();
    await h1(page, en.exchange.title);
    await main.getByRole('rowheader', { name: POPULATION, exact: true }).waitFor();
    expect((await rights()).some((r) => r.subject === CLIENT)).toBe(false);
    const service = main.getByLabel(en.exchange.service, { exact: true });
    const client = main.getByLabel(en.exchange.subjectLabel.subsystem, { exact: true });
    await service.fill('KZ/GOV/MVD/REGISTRIES/nothing');
    await client.fill(CLIENT);
    await main.getByRole('button', { name: en.exchange.grant }).click();
    const unknown = await api('/api/v1/exchange/access-rights', { method: 'POST', body: JSON.stringify({ service: 'KZ/GOV/MVD/REGISTRIES/nothing', client: CLIENT }) });
    expect(unknown.status).toBe(404);
    await main.getByRole('alert').filter({ hasText: unknown.body.detail }).waitFor();
    expect(await service.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('service');
    await service.fill(POPULATION);
    await client.fill('not/an/id/at/all');
    await main.getByRole('button', { name: en.exchange.grant }).click();
    const invalid = await api('/api/v1/exchange/access-rights', { method: 'POST', body: JSON.stringify({ service: POPULATION, client: 'not/an/id/at/all' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('invalid_client_id');
    await main.getByRole('alert').filter({ hasText: invalid.body.detail }).waitFor();
    expect(await client.getAttribute('aria-invalid')).toBe('true');
    expect(await service.getAttribute('aria-invalid')).toBeNull();
    await audit(page, 'en-operator-exchange-errors');

    await client.fill(CLIENT);
    await client.press('Enter');
    const whole = { subject: CLIENT, service: POPULATION, endpoint: en.exchange.endpointAll };
    await main.getByRole('status').filter({ hasText: fill(en.exchange.granted, whole) }).waitFor();
    expect(await rights()).toContainEqual(expect.objectContaining({ serviceId: POPULATION, subjectType: 'SUBSYSTEM', subject: CLIENT, method: '*', path: '**' }));
    await main.getByLabel(en.exchange.filterService).selectOption(POPULATION);
    const revokeButton = main.getByRole('button', { name: fill(en.exchange.revokeLabel, whole) });
    await revokeButton.waitFor();

    // A registry query by the newly granted client, through the client interface; then found in the message log
    const answer = await xroad(`${POPULATION}/persons/900412473208`, CLIENT, { headers: { 'X-Road-UserId': 'KG20203198551524' } });
    expect(answer.status).toBe(200);
    const requestId = answer.headers.get('x-road-request-id')!;
    expect(requestId).toBeTruthy();
    await main.getByRole('navigation', { name: en.exchange.sections }).getByRole('link', { name: en.exchange.logTitle }).click();
    expect(await page.evaluate('document.activeElement?.id')).toBe('op-log');
    await main.getByLabel(en.log.requestId).fill(requestId);
    await main.getByRole('button', { name: en.log.apply, exact: true }).click();
    const logged = (await api(`/api/v1/exchange/message-log?requestId=${requestId}`)).body.items as { client: string }[];
    expect(logged.length).toBeGreaterThanOrEqual(2);
    const log = main.locator('section[aria-labelledby="op-log"] .op-table tbody tr');
    await expect.poll(() => log.count()).toBe(logged.length);
    expect(await log.filter({ hasText: requestId }).count()).toBe(logged.length);
    await log.filter({ hasText: CLIENT }).first().waitFor();
    await log.getByText(en.log.dir.request).first().waitFor();
    await log.getByText(en.log.dir.response).first().waitFor();
    await log.getByText(fill(en.log.ok, { status: 200 })).first().waitFor();
    await audit(page, 'en-operator-exchange');

    // The log's filters, kept in the page's address. More answered calls (to page through), then one the provider
    // refuses: the client has no right to another of this node's services.
    for (let i = 0; i < 6; i++) {
      const again = await xroad(`${POPULATION}/persons/900412473208`, CLIENT, { headers: { 'X-Road-UserId': 'KG20203198551524' } });
      expect(again.status).toBe(200);
    }
    const other = ((await api('/api/v1/exchange/services')).body.items as { id: string }[]).find((s) => s.id !== POPULATION)!.id;
    const refused = await xroad(`${other}/persons/900412473208`, CLIENT);
    expect(refused.status).toBe(500);
    expect(refused.headers.get('x-road-error')).toBe('Server.ServerProxy.AccessDenied');
    const logQuery = async (query: Record<string, string | number>): Promise<LoggedMessage[]> => {
      const answer = await api(`/api/v1/exchange/message-log?${new URLSearchParams({ limit: '25', ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) })}`);
      expect(answer.status).toBe(200);
      return answer.body.items;
    };
    // the table shows exactly these messages, newest first
    const showsLog = async (expected: LoggedMessage[]) => {
      await expect
        .poll(async () => {
          const texts = await log.allTextContents();
          return texts.length === expected.length && expected.every((m, i) => [m.requestId, m.client, m.service].every((part) => texts[i].includes(part)) && (!m.errorType || texts[i].includes(fill(en.log.error, { type: m.errorType }))));
        })
        .toBe(true);
    };
    const member = CLIENT.split('/').slice(0, 3).join('/');
    const logForm = main.getByRole('search', { name: en.log.filters });
    const show = logForm.getByRole('button', { name: en.log.apply, exact: true });
    await logForm.getByRole('button', { name: en.log.clear }).click();
    await expect.poll(() => new URL(page.url()).searchParams.has('requestId')).toBe(false);
    expect(await logForm.getByLabel(en.log.requestId).inputValue()).toBe('');

    // by the client's member: its subsystems' messages, to both services
    await logForm.getByLabel(en.log.client).fill(member);
    await show.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('client')).toBe(member);
    const byMember = await logQuery({ client: member });
    expect(byMember.length).toBe(25);
    expect(byMember.every((m) => m.client.startsWith(`${member}/`))).toBe(true);
    expect(new Set(byMember.map((m) => m.service))).toEqual(new Set([POPULATION, other]));
    await showsLog(byMember);
    await main.getByRole('status').filter({ hasText: fill(en.log.shownFiltered.other, { page: 1, n: 25 }) }).waitFor();

    // and by the service, then paged through with both filters
    await logForm.getByLabel(en.log.service).fill(POPULATION);
    await show.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('service')).toBe(POPULATION);
    const byService = await logQuery({ client: member, service: POPULATION });
    expect(byService.length).toBe(25);
    expect(byService.every((m) => m.service === POPULATION && m.client.startsWith(`${member}/`))).toBe(true);
    await showsLog(byService);
    await main.getByRole('button', { name: en.log.older }).click();
    const older = await logQuery({ client: member, service: POPULATION, before: byService[24].id });
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((m) => m.service === POPULATION && m.client.startsWith(`${member}/`))).toBe(true);
    await showsLog(older);
    await main.getByRole('status').filter({ hasText: fill(en.log.shownFiltered.other, { page: 2, n: older.length }) }).waitFor();
    await main.getByRole('button', { name: en.log.newer }).click();
    await showsLog(byService);

    // a reload keeps the filters, in the fields and in the rows
    await page.reload();
    await h1(page, en.exchange.title);
    expect(await logForm.getByLabel(en.log.client).inputValue()).toBe(member);
    expect(await logForm.getByLabel(en.log.service).inputValue()).toBe(POPULATION);
    await showsLog(byService);

    // errors only: the refused call's answers, each with its error type
    await logForm.getByLabel(en.log.service).fill('');
    await logForm.getByLabel(en.log.errorsOnly).check();
    await show.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('errors')).toBe('true');
    const errorsOnly = await logQuery({ client: member, errors: 'true' });
    expect(errorsOnly.length).toBeGreaterThanOrEqual(2);
    expect(errorsOnly.every((m) => m.errorType && m.client.startsWith(`${member}/`))).toBe(true);
    expect(errorsOnly.some((m) => m.service === other && m.requestId === refused.headers.get('x-road-request-id'))).toBe(true);
    await showsLog(errorsOnly);
    expect(await log.filter({ hasText: fill(en.log.error, { type: '' }) }).count()).toBe(errorsOnly.length);
    await audit(page, 'en-operator-exchange-filtered');

    // a shared link that matches nothing: the empty state, then all messages again
    await page.goto(`/operator/exchange?client=${encodeURIComponent('ZZ/GOV/NOBODY')}&errors=true`);
    await h1(page, en.exchange.title);
    await main.getByText(en.log.noMatch).waitFor();
    expect(await logForm.getByLabel(en.log.errorsOnly).isChecked()).toBe(true);
    await logForm.getByRole('button', { name: en.log.clear }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await showsLog(await logQuery({}));
    expect(await page.evaluate('document.activeElement?.id')).toBe('op-log');

    // Revoke, after confirming, by keyboard; checked through the API
    await revokeButton.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: en.exchange.confirmTitle });
    await dialog.waitFor();
    await dialog.getByText(fill(en.exchange.confirmText, whole)).waitFor();
    await audit(page, 'en-operator-exchange-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await rights()).toContainEqual(expect.objectContaining({ serviceId: POPULATION, subject: CLIENT }));
    await revokeButton.click();
    await dialog.getByRole('button', { name: en.exchange.confirmRevoke }).click();
    await main.getByRole('status').filter({ hasText: fill(en.exchange.revoked, whole) }).waitFor();
    expect((await rights()).some((r) => r.subject === CLIENT)).toBe(false);
    await revokeButton.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.id')).toBe('op-rights');

    // Health: the queues the application's jobs ran in, refreshed by hand and automatically (which can be paused)
    await subnav(page, en).getByRole('link', { name: en.pages.health }).click();
    await h1(page, en.health.title);
    const health = (await api('/api/v1/operator/health')).body as { queues: { queue: string }[] };
    expect(health.queues.map((q) => q.queue)).toContain('workflow.evidence');
    const queues = main.locator('.op-table tbody tr');
    await expect.poll(() => queues.count()).toBeGreaterThanOrEqual(health.queues.length);
    await main.getByRole('rowheader', { name: en.queues.workflow_evidence }).waitFor();
    await main.getByRole('status').filter({ hasText: en.health.status.ok }).waitFor();
    await main.getByText(en.health.noFederation).waitFor();
    const auto = main.getByLabel(en.health.auto);
    expect(await auto.isChecked()).toBe(true);
    await auto.uncheck();
    await main.getByRole('button', { name: en.health.refresh }).click();
    await audit(page, 'en-operator-health');
    await context.close();
  }, 60_000);

  it('registers an information system, pins and unpins a certificate, grants it one endpoint that is then served, and keeps local groups (en)', async () => {
    const { context, page } = await operatorPage('en-GB');
    const main = page.getByRole('main');
    const clients = async (): Promise<{ clientId: string; connectionType: string; certificates: { fingerprint: string }[] }[]> => (await api('/api/v1/exchange/clients')).body.items;

    // The client interface: where systems connect, and its certificate to pin
    await page.goto('/operator/exchange');
    await h1(page, en.exchange.title);
    await subnav(page, en).getByRole('link', { name: en.pages.clients }).click();
    await h1(page, en.clients.title);
    const iface = (await api('/api/v1/exchange/client-interface')).body as { host: string; port: number; certificate: string };
    expect(iface.port).toBe(Number(new URL(clientBase).port));
    await main.getByText(String(iface.port), { exact: true }).waitFor();
    await main.getByText(en.clients.interfaceCertificate).click();
    await main.locator('.op-cert pre').filter({ hasText: '-----BEGIN CERTIFICATE-----' }).waitFor();
    await main.getByRole('rowheader', { name: CLIENT, exact: true }).waitFor();

    // Register: a whole member is refused at the field; then the subsystem over plain HTTP (loopback)
    const registerForm = main.locator('section[aria-labelledby="op-register"]');
    const subsystem = registerForm.getByLabel(en.clients.subsystem, { exact: true });
    expect(await registerForm.getByLabel(en.clients.connectionType.HTTPS).isChecked()).toBe(true);
    await subsystem.fill('KZ/GOV/MINEDU');
    await registerForm.getByLabel(en.clients.connectionType.HTTP).check();
    await registerForm.getByRole('button', { name: en.clients.register, exact: true }).click();
    const member = await api('/api/v1/exchange/clients', { method: 'POST', body: JSON.stringify({ client: 'KZ/GOV/MINEDU', connectionType: 'HTTP' }) });
    expect(member.body.code).toBe('access_subject_not_subsystem');
    await main.getByRole('alert').filter({ hasText: member.body.detail }).waitFor();
    expect(await subsystem.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('client');
    await subsystem.fill(SCHOOLS);
    await subsystem.press('Enter');
    await main.getByRole('status').filter({ hasText: fill(en.clients.registered, { client: SCHOOLS }) }).waitFor();
    expect(await clients()).toContainEqual(expect.objectContaining({ clientId: SCHOOLS, connectionType: 'HTTP', allowedAddresses: [], ratePerMinute: null }));
    await main.getByRole('rowheader', { name: SCHOOLS, exact: true }).waitFor();

    // Pin a certificate (PEM pasted; here the interface's own, a valid X.509 certificate): not PEM at the field, then pinned, then unpinned
    const pinForm = main.locator('section[aria-labelledby="op-pin"]');
    await pinForm.getByLabel(en.clients.subsystem).selectOption(SCHOOLS);
    const pem = pinForm.getByLabel(en.clients.certificate);
    await pem.fill('not a certificate');
    await pinForm.getByRole('button', { name: en.clients.pin }).click();
    await pinForm.getByRole('alert').waitFor();
    expect(await pem.getAttribute('aria-invalid')).toBe('true');
    await pem.fill(iface.certificate);
    await pinForm.getByRole('button', { name: en.clients.pin }).click();
    await pinForm.getByRole('status').filter({ hasText: fill(en.clients.pinned, { client: SCHOOLS, subject: '' }).replace(/\.$/, '') }).waitFor();
    const [pinned] = (await clients()).find((c) => c.clientId === SCHOOLS)!.certificates;
    expect(pinned.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    await main.getByText(pinned.fingerprint).waitFor();
    await audit(page, 'en-operator-clients');
    await main.getByRole('button', { name: fill(en.clients.unpinLabel, { client: SCHOOLS, fingerprint: pinned.fingerprint.slice(0, 16) }) }).click();
    const unpin = page.getByRole('dialog', { name: en.clients.unpinTitle });
    await unpin.getByRole('button', { name: en.clients.unpinConfirm }).click();
    await main.getByRole('status').filter({ hasText: fill(en.clients.unpinned, { client: SCHOOLS }) }).waitFor();
    expect((await clients()).find((c) => c.clientId === SCHOOLS)!.certificates).toEqual([]);
    expect(await page.evaluate('document.activeElement?.id')).toBe('op-clients');

    // Grant it one endpoint of the population register: GET /persons/*
    await subnav(page, en).getByRole('link', { name: en.pages.exchange }).click();
    await h1(page, en.exchange.title);
    await main.getByLabel(en.exchange.service, { exact: true }).fill(POPULATION);
    await main.getByLabel(en.exchange.subjectLabel.subsystem, { exact: true }).fill(SCHOOLS);
    await main.getByLabel(en.exchange.method, { exact: true }).selectOption('GET');
    await main.getByLabel(en.exchange.path, { exact: true }).fill('/persons/*');
    await main.getByRole('button', { name: en.exchange.grant }).click();
    const endpoint = { subject: SCHOOLS, service: POPULATION, endpoint: 'GET /persons/*' };
    await main.getByRole('status').filter({ hasText: fill(en.exchange.granted, endpoint) }).waitFor();
    expect(await rights()).toContainEqual(expect.objectContaining({ serviceId: POPULATION, subjectType: 'SUBSYSTEM', subject: SCHOOLS, method: 'GET', path: '/persons/*' }));
    await main.getByRole('button', { name: fill(en.exchange.revokeLabel, endpoint) }).waitFor();

    // served on that endpoint; another path of the same service is refused, and so is a subsystem not registered
    const served = await xroad(`${POPULATION}/persons/900412473208`, SCHOOLS);
    expect(served.status).toBe(200);
    const otherPath = await xroad(`${POPULATION}/persons/900412473208/address`, SCHOOLS);
    expect(otherPath.status).toBe(500);
    expect(otherPath.headers.get('x-road-error')).toBe('Server.ServerProxy.AccessDenied');
    const stranger = await xroad(`${POPULATION}/persons/900412473208`, 'KZ/GOV/MINEDU/UNKNOWN');
    expect(stranger.headers.get('x-road-error')).toBe('Server.ClientProxy.UnknownMember');
    // and not at all on the portal's port
    expect((await fetch(`${base}/r1/${POPULATION}/persons/900412473208`, { headers: { 'X-Road-Client': SCHOOLS } })).status).toBe(404);

    // Local groups: one deleted after a confirmation, one created
    const group = { owner: 'KZ/GOV/MVD/REGISTRIES', code: 'schools', members: [SCHOOLS, CLIENT] };
    expect((await api('/api/v1/exchange/local-groups', { method: 'PUT', body: JSON.stringify({ owner: group.owner, code: 'retired', members: [CLIENT] }) })).status).toBe(200);
    await subnav(page, en).getByRole('link', { name: en.pages.localGroups }).click();
    await h1(page, en.groups.title);
    await main.getByRole('button', { name: fill(en.groups.deleteLabel, { group: 'retired', owner: group.owner }) }).click();
    const remove = page.getByRole('dialog', { name: en.groups.deleteTitle });
    await remove.getByText(fill(en.groups.deleteText, { group: 'retired', owner: group.owner })).waitFor();
    await remove.getByRole('button', { name: en.groups.deleteConfirm }).click();
    await main.getByRole('status').filter({ hasText: fill(en.groups.deleted, { group: 'retired', owner: group.owner }) }).waitFor();
    await main.getByText(en.groups.none).waitFor();
    await main.getByLabel(en.groups.owner).selectOption(group.owner);
    await main.getByLabel(en.groups.code, { exact: true }).fill(group.code);
    await main.getByLabel(en.groups.description, { exact: true }).fill('Schools of the city');
    await main.getByLabel(en.groups.members, { exact: true }).fill(group.members.join('\n'));
    await main.getByRole('button', { name: en.groups.save }).click();
    await main.getByRole('status').filter({ hasText: fill(en.groups.saved, { group: group.code, owner: group.owner }) }).waitFor();
    await main.getByRole('rowheader', { name: group.code }).waitFor();
    const groups = (await api('/api/v1/exchange/local-groups')).body.items;
    expect(groups).toEqual([{ owner: group.owner, code: group.code, description: 'Schools of the city', members: [...group.members].sort() }]);
    await audit(page, 'en-operator-local-groups');
    await context.close();
  }, 60_000);

  it("registers a service of an agency's own system, with the problems at their fields, changes it and removes it after a confirmation (en)", async () => {
    const { context, page } = await operatorPage('en-GB');
    const main = page.getByRole('main');
    interface External {
      serviceId: string;
      url: string;
      timeoutMs: number;
      tlsVerify: boolean;
      tlsCa: string | null;
      openapi: Record<string, unknown> | null;
    }
    const externals = async (): Promise<External[]> => (await api('/api/v1/exchange/external-services')).body.items;
    const provided = async (): Promise<{ id: string; registry: string; openapi: Record<string, unknown> }[]> => (await api('/api/v1/exchange/services')).body.items;
    const address = 'http://127.0.0.1:9/api';
    const description = { openapi: '3.0.3', info: { title: 'Notarial deeds', version: '1' }, paths: { '/deeds/{id}': { get: { responses: { '200': { description: 'the deed' } } } } } };
    const register = (body: Record<string, unknown>) => api('/api/v1/exchange/external-services', { method: 'POST', body: JSON.stringify(body) });
    expect(await externals()).toEqual([]);

    // Reached from the sub-navigation, next to the local groups: none registered yet
    await page.goto('/operator/exchange/local-groups');
    await h1(page, en.groups.title);
    await subnav(page, en).getByRole('link', { name: en.pages.externalServices }).click();
    await h1(page, en.external.title);
    expect(await subnav(page, en).getByRole('link', { name: en.pages.externalServices }).getAttribute('aria-current')).toBe('page');
    await main.getByText(en.external.none).waitFor();
    const form = main.locator('section[aria-labelledby="op-external-form"]');
    const service = form.getByLabel(en.external.service, { exact: true });
    const url = form.getByLabel(en.external.url, { exact: true });
    const timeout = form.getByLabel(en.external.timeoutField, { exact: true });
    const verify = form.getByLabel(en.external.tlsVerify);
    const openapi = form.getByLabel(en.external.openapi, { exact: true });
    const save = form.getByRole('button', { name: en.external.save, exact: true });
    const focused = () => page.evaluate('document.activeElement?.getAttribute("name")');
    expect(await verify.isChecked()).toBe(true);

    // What the browser tells itself: a time limit out of bounds, a description that is not JSON; the focus on the first
    await service.fill(DEEDS);
    await url.fill(address);
    await timeout.fill('50');
    await openapi.fill('openapi: 3.0.3');
    await save.click();
    await form.getByRole('alert').filter({ hasText: en.external.openapiInvalid }).waitFor();
    await form.getByRole('alert').filter({ hasText: fill(en.external.timeoutInvalid, { min: 100, max: '600,000', default: '30,000' }) }).waitFor();
    expect(await timeout.getAttribute('aria-invalid')).toBe('true');
    expect(await openapi.getAttribute('aria-invalid')).toBe('true');
    expect(await focused()).toBe('timeoutMs');
    expect(await externals()).toEqual([]);

    // The API's problems at their fields: an address that is not http(s), then a member's id rather than a service's
    await timeout.fill('');
    await openapi.fill(JSON.stringify(description, null, 2));
    await url.fill('ftp://127.0.0.1/api');
    await save.click();
    const badUrl = await register({ service: DEEDS, url: 'ftp://127.0.0.1/api' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.code).toBe('invalid_service_url');
    await form.getByRole('alert').filter({ hasText: badUrl.body.detail }).waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect(await service.getAttribute('aria-invalid')).toBeNull();
    expect(await openapi.getAttribute('aria-invalid')).toBeNull();
    expect(await focused()).toBe('url');
    await url.fill(address);
    await service.fill('KZ/GOV/MINJUST/NOTARY');
    await save.click();
    const badId = await register({ service: 'KZ/GOV/MINJUST/NOTARY', url: address });
    expect(badId.status).toBe(400);
    expect(badId.body.code).toBe('invalid_service_id');
    await form.getByRole('alert').filter({ hasText: badId.body.detail }).waitFor();
    expect(await service.getAttribute('aria-invalid')).toBe('true');
    expect(await url.getAttribute('aria-invalid')).toBeNull();
    expect(await focused()).toBe('service');
    await audit(page, 'en-operator-external-errors');
    expect(await externals()).toEqual([]);

    // Registered: listed with its address, time limit and TLS, and among the node's services with its description
    await service.fill(DEEDS);
    await timeout.fill('5000');
    await timeout.press('Enter');
    await form.getByRole('status').filter({ hasText: fill(en.external.saved, { service: DEEDS, url: address }) }).waitFor();
    expect(await externals()).toEqual([expect.objectContaining({ serviceId: DEEDS, url: address, timeoutMs: 5000, tlsVerify: true, tlsCa: null, openapi: description })]);
    await main.getByRole('table', { name: fill(en.external.caption.one, { n: 1 }) }).waitFor();
    const row = main.getByRole('row').filter({ has: page.getByRole('rowheader', { name: DEEDS }) });
    await row.getByText(address, { exact: true }).waitFor();
    await row.getByText(en.external.described).waitFor();
    await row.getByText(fill(en.external.timeoutValue, { n: '5,000' })).waitFor();
    await row.getByText(en.external.tlsState.none).waitFor();
    expect((await provided()).find((s) => s.id === DEEDS)).toMatchObject({ registry: 'external', openapi: description });
    await audit(page, 'en-operator-external');

    // Changed: "Change" fills the form in (the focus on it); over https, the certificate not checked, the default time limit
    await row.getByRole('button', { name: fill(en.external.changeLabel, { service: DEEDS }) }).click();
    expect(await focused()).toBe('service');
    expect(await service.inputValue()).toBe(DEEDS);
    expect(await timeout.inputValue()).toBe('5000');
    expect(JSON.parse(await openapi.inputValue())).toEqual(description);
    await url.fill('https://127.0.0.1:9/api');
    await timeout.fill('');
    await verify.uncheck();
    await save.click();
    await form.getByRole('status').filter({ hasText: fill(en.external.saved, { service: DEEDS, url: 'https://127.0.0.1:9/api' }) }).waitFor();
    expect(await externals()).toEqual([expect.objectContaining({ serviceId: DEEDS, url: 'https://127.0.0.1:9/api', timeoutMs: 30_000, tlsVerify: false, openapi: description })]);
    await row.getByText(en.external.tlsState.noVerify).waitFor();
    await row.getByText(fill(en.external.timeoutValue, { n: '30,000' })).waitFor();

    // Removed after a confirmation: cancelled first, it stays
    const removeButton = main.getByRole('button', { name: fill(en.external.removeLabel, { service: DEEDS }) });
    await removeButton.click();
    const dialog = page.getByRole('dialog', { name: en.external.removeTitle });
    await dialog.getByText(fill(en.external.removeText, { service: DEEDS })).waitFor();
    await audit(page, 'en-operator-external-confirm');
    await dialog.getByRole('button', { name: en.exchange.cancel }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await externals()).toHaveLength(1);
    await removeButton.click();
    await dialog.getByRole('button', { name: en.external.removeConfirm }).click();
    await main.getByRole('status').filter({ hasText: fill(en.external.removed, { service: DEEDS }) }).waitFor();
    await main.getByText(en.external.none).waitFor();
    await removeButton.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.id')).toBe('op-external');
    expect(await externals()).toEqual([]);
    expect((await provided()).some((s) => s.id === DEEDS)).toBe(false);
    await context.close();
  }, 60_000);

  it('shows every page in Russian, with the API\'s problem in Russian at the field, and in Kazakh', async () => {
    for (const [locale, lang, m] of [['ru-RU', 'ru', ru], ['kk-KZ', 'kk', kk]] as const) {
      const { context, page } = await operatorPage(locale);
      // Russian: axe-core on each page; Kazakh: the screenshots when asked (the same pages, audited in en and ru)
      const check = (p: Page, name: string) => (lang === 'ru' ? audit(p, name) : screenshot(p, name));
      const main = page.getByRole('main');
      await page.goto('/operator');
      await h1(page, m.overview.title);
      expect(await htmlLang(page)).toBe(lang);
      await main.getByText(m.health.status.ok).waitFor();
      await check(page, `${lang}-operator-overview`);

      await subnav(page, m).getByRole('link', { name: m.pages.catalog }).click();
      await h1(page, m.catalog.title);
      const catalog = (await api(`/api/v1/operator/catalog?lang=${lang}`)).body;
      await main.getByRole('link', { name: catalog.services[0].title, exact: true }).first().waitFor();
      await check(page, `${lang}-operator-catalog`);

      await subnav(page, m).getByRole('link', { name: m.pages.agencies }).click();
      await h1(page, m.agencies.title);
      const agencies = (await api(`/api/v1/operator/agencies?lang=${lang}`)).body.items;
      await main.getByRole('heading', { level: 2, name: agencies[0].name }).waitFor();
      await check(page, `${lang}-operator-agencies`);

      await subnav(page, m).getByRole('link', { name: m.pages.exchange }).click();
      await h1(page, m.exchange.title);
      // a whole member named: rights name subsystems only
      await main.getByLabel(m.exchange.service, { exact: true }).fill(POPULATION);
      await main.getByLabel(m.exchange.subjectLabel.subsystem, { exact: true }).fill('KG/GOV/MVD');
      await main.getByRole('button', { name: m.exchange.grant }).click();
      const problem = (await api(`/api/v1/exchange/access-rights?lang=${lang}`, { method: 'POST', headers: { 'accept-language': lang }, body: JSON.stringify({ service: POPULATION, client: 'KG/GOV/MVD' }) })).body;
      expect(problem.status).toBe(400);
      expect(problem.code).toBe('access_subject_not_subsystem');
      await main.getByRole('alert').filter({ hasText: problem.detail }).waitFor();
      expect(await main.getByLabel(m.exchange.subjectLabel.subsystem, { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await main.locator('section[aria-labelledby="op-log"] .op-table tbody tr').first().waitFor();
      await check(page, `${lang}-operator-exchange`);

      await subnav(page, m).getByRole('link', { name: m.pages.clients }).click();
      await h1(page, m.clients.title);
      await main.getByRole('rowheader', { name: CLIENT, exact: true }).waitFor();
      await main.getByText(m.clients.connectionType.HTTP).first().waitFor();
      await check(page, `${lang}-operator-clients`);

      await subnav(page, m).getByRole('link', { name: m.pages.localGroups }).click();
      await h1(page, m.groups.title);
      await main.getByRole('heading', { level: 2, name: m.groups.formTitle }).waitFor();
      await main.locator('.loading').waitFor({ state: 'detached' });
      await check(page, `${lang}-operator-local-groups`);

      await subnav(page, m).getByRole('link', { name: m.pages.externalServices }).click();
      await h1(page, m.external.title);
      await main.getByText(m.external.none).waitFor();
      await main.getByLabel(m.external.tlsVerify).waitFor();
      await check(page, `${lang}-operator-external-services`);

      await subnav(page, m).getByRole('link', { name: m.pages.health }).click();
      await h1(page, m.health.title);
      await main.getByRole('rowheader', { name: m.queues.workflow_evidence }).waitFor();
      await check(page, `${lang}-operator-health`);
      await context.close();
    }
  }, 60_000);

  it('turns a citizen away with a clear page, and asks a visitor to sign in', async () => {
    const context = await node.newContext('en-GB');
    const page = await context.newPage();
    await page.goto('/operator/health');
    await h1(page, en.health.title);
    await page.getByText(en.signInFirst).waitFor();

    const citizen = personas.find((p) => p.role === 'citizen')!;
    await signIn(context, citizen, 'citizen');
    await page.goto('/operator');
    await h1(page, en.denied.title);
    await page.getByText(en.denied.text).waitFor();
    await page.getByText(fill(en.denied.who, { name: citizen.name, role: en.roles.citizen })).waitFor();
    expect(await page.getByRole('link', { name: en.nav }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: en.subnav }).count()).toBe(0);
    expect((await context.request.get('/api/v1/operator/health')).status()).toBe(403);
    await audit(page, 'en-operator-denied');
    await context.close();
  }, 30_000);

  it('fits a 390 px wide phone screen: tables become stacked rows', async () => {
    const { context, page } = await operatorPage('en-GB', { width: 390, height: 844 });
    const main = page.getByRole('main');
    // the exchange: the widest tables (X-Road identifiers, the message log)
    await page.goto('/operator/exchange');
    await h1(page, en.exchange.title);
    await main.locator('section[aria-labelledby="op-log"] .op-table tbody tr').first().waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await audit(page, 'en-operator-exchange-390');
    // the information systems, with the client interface's certificate open
    await page.goto('/operator/exchange/clients');
    await h1(page, en.clients.title);
    // (a stacked row's header is named with its column's name before it)
    await main.getByRole('rowheader', { name: CLIENT }).waitFor();
    await main.getByText(en.clients.interfaceCertificate).click();
    await main.locator('.op-cert pre').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await audit(page, 'en-operator-clients-390');
    await page.goto('/operator/exchange/local-groups');
    await h1(page, en.groups.title);
    await main.locator('.loading').waitFor({ state: 'detached' });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    // the external services, one listed with a long address
    const long = { service: DEEDS, url: 'https://notarial-deeds.registries.minjust.example.kz:8443/api/v2/public', tlsVerify: false };
    expect((await api('/api/v1/exchange/external-services', { method: 'POST', body: JSON.stringify(long) })).status).toBe(201);
    await page.goto('/operator/exchange/external-services');
    await h1(page, en.external.title);
    await main.getByRole('rowheader', { name: DEEDS }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await audit(page, 'en-operator-external-390');
    expect((await api('/api/v1/exchange/external-services', { method: 'DELETE', body: JSON.stringify({ service: DEEDS }) })).body).toEqual({ removed: true });
    await context.close();
  }, 30_000);
});
