import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { applicationSignature } from '../support/node.js';
import { audit, h1, htmlLang, startPortalNode, type PortalNode } from '../support/portal.js';
import en from '../../web/src/locales/en.json' with { type: 'json' };
import kk from '../../web/src/locales/kk.json' with { type: 'json' };
import ru from '../../web/src/locales/ru.json' with { type: 'json' };

// The web portal as a citizen sees it, in Debian's Chromium (harness: test/support/portal.ts).
const CRIMINAL_RECORD = 'kz-criminal-record-certificate';

let node: PortalNode;
let base: string;
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();
const newContext = (locale: string, viewport?: { width: number; height: number }) => node.newContext(locale, viewport);

beforeAll(async () => {
  node = await startPortalNode();
  base = node.base;
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

const title = async (code: string, lang: string): Promise<string> => (await json(fetch(`${base}/api/v1/services/${code}?lang=${lang}`))).title;

describe('the web portal, in Chromium', () => {
  it('is served at / with a fallback for its pages, leaving the API, /verify and /docs alone', async () => {
    const html = { accept: 'text/html' };
    const index = await fetch(`${base}/`, { headers: html });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('<div id="root">');
    expect((await fetch(`${base}/services/${CRIMINAL_RECORD}`, { headers: html })).headers.get('content-type')).toMatch(/text\/html/);
    const api404 = await fetch(`${base}/api/v1/nothing-here`, { headers: html });
    expect(api404.status).toBe(404);
    expect(api404.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${base}/verify/no-such-document`, { headers: html })).status).toBe(404);
    expect((await fetch(`${base}/services/x`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await fetch(`${base}/missing.js`, { headers: html })).status).toBe(404);
  });

  it('shows the catalog in the browser\'s language (ru), switches to English, searches, filters and opens a service', async () => {
    const context = await newContext('ru-RU');
    const page = await context.newPage();
    // a visitor's pages log nothing to the console (no 401 for "who am I")
    const logged: string[] = [];
    page.on('console', (m) => ['error', 'warning'].includes(m.type()) && logged.push(m.text()));
    const [ruTitle, enTitle] = await Promise.all([title(CRIMINAL_RECORD, 'ru'), title(CRIMINAL_RECORD, 'en')]);

    await page.goto('/');
    await h1(page, ru.catalog.title);
    await page.getByRole('link', { name: ruTitle }).waitFor();
    expect(await htmlLang(page)).toBe('ru');
    await audit(page, 'ru-catalog');
    expect(logged).toEqual([]);

    await page.getByLabel(ru.layout.language).selectOption('en');
    await h1(page, en.catalog.title);
    await page.getByRole('link', { name: enTitle }).waitFor();
    expect(await htmlLang(page)).toBe('en');
    expect(await page.evaluate('localStorage.getItem("ortak.lang")')).toBe('en');
    await audit(page, 'en-catalog');

    const all = (await json(fetch(`${base}/api/v1/services`))).total as number;
    await page.getByRole('searchbox', { name: en.catalog.searchLabel }).fill('criminal');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?q=criminal/);
    await page.getByLabel(en.catalog.state, { exact: true }).selectOption('KZ');
    await page.waitForURL(/state=KZ/);
    const expected = (await json(fetch(`${base}/api/v1/services?q=criminal&state=KZ`))).items as { code: string }[];
    expect(expected.map((s) => s.code)).toEqual([CRIMINAL_RECORD]);
    await page.getByRole('status').filter({ hasText: '1 service found' }).waitFor();
    expect(await page.locator('.cards > li').count()).toBe(1);
    expect(all).toBeGreaterThan(1);
    await audit(page, 'en-search');

    await page.getByRole('link', { name: enTitle }).click();
    await page.waitForURL(`**/services/${CRIMINAL_RECORD}`);
    await h1(page, enTitle);
    const main = page.getByRole('main');
    await main.getByText(new RegExp(`^${en.service.free}`)).first().waitFor();
    await main.getByText('5 working days').waitFor();
    await main.getByRole('heading', { name: en.service.evidence }).waitFor();
    const detail = await json(fetch(`${base}/api/v1/services/${CRIMINAL_RECORD}?lang=en`));
    for (const e of detail.evidence) await main.getByText(e.title).waitFor();
    await main.getByText(detail.agency.name).first().waitFor();
    await audit(page, 'en-service');

    // A page's address works on its own (the node serves the portal for it), in the language chosen before.
    await page.reload();
    await h1(page, enTitle);

    await page.getByRole('link', { name: en.nav.check }).click();
    await h1(page, en.check.title);
    await page.getByLabel(en.check.label).fill('00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: en.check.button, exact: true }).click();
    await page.getByRole('heading', { name: en.check.notFoundTitle }).waitFor();
    await audit(page, 'en-check-missing');
    await context.close();
  }, 60_000);

  it('lets a demo citizen sign in (kk), follow an application to its document, check the document and sign out', async () => {
    const context = await newContext('kk-KZ');
    const page = await context.newPage();
    const personas = (await json(fetch(`${base}/api/v1/auth/demo-personas`))) as DemoPersona[];
    // Айгерім has no criminal record: her certificate is issued by the automatic check.
    const aigerim = personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.name.startsWith('Айгерім'))!;
    expect(aigerim).toBeDefined();

    await page.goto('/my/applications');
    await page.getByText(kk.applications.signInFirst).waitFor();
    await page.getByRole('main').getByRole('link', { name: kk.layout.signIn }).click();
    await h1(page, kk.signin.title);
    expect(await htmlLang(page)).toBe('kk');
    await audit(page, 'kk-signin');

    await page.getByRole('button', { name: new RegExp(aigerim.name) }).click();
    await page.waitForURL('**/my/applications');
    await h1(page, kk.applications.title);
    await page.getByText(kk.applications.none).waitFor();
    await page.getByText(kk.layout.signedInAs.replace('{{name}}', aigerim.name)).waitFor();

    // Here the application is submitted through the API, with the portal's own session cookie (the browser
    // context's) and Айгерім's key; applying with the portal's form is tested in citizen.e2e.test.ts.
    const { form } = await json(fetch(`${base}/api/v1/services/${CRIMINAL_RECORD}`));
    const submitted = await context.request.post('/api/v1/applications', {
      headers: { 'idempotency-key': 'portal-e2e' },
      data: { service: CRIMINAL_RECORD, data: form.example, signature: await applicationSignature(aigerim, CRIMINAL_RECORD, form.example) },
    });
    expect(submitted.status()).toBe(201);
    const application = await submitted.json();
    let documents: { id: string; number: string; applicationId: string }[] = [];
    for (let i = 0; i < 100 && !documents.length; i++) {
      documents = (await (await context.request.get('/api/v1/documents')).json()).items;
      if (!documents.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(documents.map((d) => d.applicationId)).toEqual([application.id]);

    await page.reload();
    const kkTitle = await title(CRIMINAL_RECORD, 'kk');
    await page.getByRole('link', { name: kkTitle }).waitFor();
    await page.getByText(application.number).waitFor();
    await page.getByText(kk.status.approved).first().waitFor();
    await audit(page, 'kk-applications');

    await page.getByRole('link', { name: kkTitle }).click();
    await h1(page, kk.application.title.replace('{{number}}', application.number));
    await page.getByRole('heading', { name: kk.application.timeline }).waitFor();
    const steps = page.locator('.timeline > li');
    expect(await steps.count()).toBeGreaterThanOrEqual(2);
    await steps.locator('strong', { hasText: kk.action.submit }).waitFor();
    await steps.locator('strong', { hasText: kk.action.approve }).waitFor();
    await page.getByRole('link', { name: kk.application.download }).waitFor();
    // Dates in Kazakh words even where the browser's Intl has no Kazakh data (Debian's Chromium writes "2026 M11 25").
    const text = await page.getByRole('main').innerText();
    expect(text).not.toMatch(/\bM\d{1,2}\b/);
    expect(kk.format.months.split(',').some((month) => text.includes(month))).toBe(true);
    await audit(page, 'kk-application');

    await page.getByRole('main').getByRole('link', { name: kk.application.verify }).click();
    await h1(page, kk.check.title);
    await page.getByRole('heading', { name: kk.check.valid }).waitFor();
    await page.getByText(documents[0].number).waitFor();
    await audit(page, 'kk-check');

    await page.getByRole('button', { name: kk.layout.signOut }).click();
    await h1(page, kk.catalog.title);
    await page.getByRole('banner').getByRole('link', { name: kk.layout.signIn }).waitFor();
    expect((await context.request.get('/api/v1/me')).status()).toBe(401);
    await context.close();
  }, 60_000);

  it('fits a 390 px wide phone screen', async () => {
    const context = await newContext('en-GB', { width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto('/');
    await h1(page, en.catalog.title);
    await page.locator('.cards > li').first().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await audit(page, 'en-catalog-390');

    await page.goto(`/services/${CRIMINAL_RECORD}`);
    await h1(page, await title(CRIMINAL_RECORD, 'en'));
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await audit(page, 'en-service-390');
    await context.close();
  }, 30_000);
});
