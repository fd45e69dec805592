import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { paths } from '../../src/platform/paths.js';
import { applicationSignature } from '../support/node.js';
import en from '../../web/src/locales/en.json' with { type: 'json' };
import kk from '../../web/src/locales/kk.json' with { type: 'json' };
import ru from '../../web/src/locales/ru.json' with { type: 'json' };
import { freePort } from '../support/ports.js';

// The web portal as a citizen sees it: the built node (`npm start`'s dist/ and dist/web) driven through Debian's
// Chromium. Every page visited is checked with axe-core (no serious or critical violation) and photographed into
// test-results/screenshots/<lang>-<page>.png.
const main = join(paths.root, 'dist', 'src', 'main.js');
const chromiumPath = '/usr/bin/chromium';
const shots = join(paths.root, 'test-results', 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CRIMINAL_RECORD = 'kz-criminal-record-certificate';

let child: ChildProcess;
let browser: Browser;
let base: string;
let dataDir: string;
let output = '';

const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

beforeAll(async () => {
  if (!existsSync(main) || !existsSync(join(paths.root, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/src/main.js or dist/web is missing: run `npm run build` (npm test does) first');
  }
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(shots, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'ortak-portal-'));
  child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORTAK_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const [launched] = await Promise.all([
    chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
    (async () => {
      for (let i = 0; i < 600; i++) {
        if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) return;
        if (child.exitCode !== null) throw new Error(`node exited: ${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`node did not become healthy: ${output}`);
    })(),
  ]);
  browser = launched;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
  if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// The node's Content-Security-Policy allows scripts from 'self' only; the test injects axe-core, so it bypasses CSP.
const newContext = (locale: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> =>
  browser.newContext({ baseURL: base, locale, viewport, bypassCSP: true, reducedMotion: 'reduce' });

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core over the whole page (every rule): no serious or critical violation; then a screenshot. */
async function audit(page: Page, name: string): Promise<void> {
  if ((await page.evaluate('typeof axe')) === 'undefined') await page.addScriptTag({ content: axeSource });
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`,
  )) as Violation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

const h1 = (page: Page, text: string) => page.getByRole('heading', { level: 1, name: text }).waitFor();
const htmlLang = (page: Page) => page.evaluate('document.documentElement.lang') as Promise<string>;
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
    const [ruTitle, enTitle] = await Promise.all([title(CRIMINAL_RECORD, 'ru'), title(CRIMINAL_RECORD, 'en')]);

    await page.goto('/');
    await h1(page, ru.catalog.title);
    await page.getByRole('link', { name: ruTitle }).waitFor();
    expect(await htmlLang(page)).toBe('ru');
    await audit(page, 'ru-catalog');

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
    await page.getByRole('button', { name: en.check.button }).click();
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

    // Applying through the portal comes later: the application is submitted through the API, with the portal's
    // own session cookie (the browser context's) and Айгерім's key.
    const { form } = await json(fetch(`${base}/api/v1/services/${CRIMINAL_RECORD}`));
    const submitted = await context.request.post('/api/v1/applications', {
      headers: { 'idempotency-key': 'portal-e2e' },
      data: { service: CRIMINAL_RECORD, data: form.example, signature: await applicationSignature(aigerim, CRIMINAL_RECORD, form.example) },
    });
    expect(submitted.status()).toBe(201);
    const application = await submitted.json();
    let documents: { id: string; applicationId: string }[] = [];
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
    await page.getByText(documents[0].id).waitFor();
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
