// The harness of the browser tests: the built node (`npm start`'s dist/ and dist/web) started as its own process on
// embedded PGlite with the demo data (without the year of past decisions unless asked), Debian's Chromium through playwright-core, and an audit of each page visited:
// axe-core over the whole page (no serious or critical violation), and a screenshot into
// test-results/screenshots/<name>.png of a page that fails it, or of every page with ORTAK_SCREENSHOTS=1 (a full-page
// screenshot costs about as much as the audit itself: a sixth of the browser tests' time on a 2-core machine).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { paths } from '../../src/platform/paths.js';
import { freePort } from './ports.js';

const main = join(paths.root, 'dist', 'src', 'main.js');
const chromiumPath = '/usr/bin/chromium';
const screenshots = join(paths.root, 'test-results', 'screenshots');
const everyScreenshot = !!process.env.ORTAK_SCREENSHOTS && process.env.ORTAK_SCREENSHOTS !== '0';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface PortalNode {
  base: string;
  /** the exchange's client interface (plain HTTP from loopback for the demo's registered systems) */
  clientBase: string;
  browser: Browser;
  /** a browser context at the node: the locale sets the browser's languages; CSP bypassed for axe only */
  newContext(locale: string, viewport?: { width: number; height: number }): Promise<BrowserContext>;
  json(path: string, init?: RequestInit): Promise<any>;
  /** everything the node printed */
  output(): string;
  stop(): Promise<void>;
}

/** `browserArgs`: more Chromium switches (the NCALayer test's `--ignore-certificate-errors` for its stand-in's self-signed wss:) */
export async function startPortalNode(env: Record<string, string> = {}, options: { browserArgs?: string[] } = {}): Promise<PortalNode> {
  if (!existsSync(main) || !existsSync(join(paths.root, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/src/main.js or dist/web is missing: run `npm run build` (npm test does) first');
  }
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
  mkdirSync(screenshots, { recursive: true });
  const port = await freePort();
  const clientPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'ortak-portal-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORTAK_CLIENT_PORT: String(clientPort), ORTAK_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', ORTAK_DEMO_HISTORY: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const [browser] = await Promise.all([
    chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(options.browserArgs ?? [])],
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
  return {
    base,
    clientBase: `http://127.0.0.1:${clientPort}`,
    browser,
    newContext: (locale, viewport = { width: 1280, height: 900 }) =>
      browser.newContext({ baseURL: base, locale, viewport, bypassCSP: true, reducedMotion: 'reduce' }),
    json: async (path, init) => (await fetch(`${base}${path}`, init)).json(),
    output: () => output,
    async stop() {
      await browser.close();
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core over the whole page (every rule): no serious or critical violation; a full-page screenshot when asked or failed. */
export async function audit(page: Page, name: string): Promise<void> {
  if ((await page.evaluate('typeof axe')) === 'undefined') await page.addScriptTag({ content: axeSource });
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`,
  )) as Violation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (everyScreenshot || serious.length) await fullPageShot(page, name);
  expect(serious, `${name}: ${JSON.stringify(serious, null, 1)}`).toEqual([]);
}

const fullPageShot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

/** a full-page screenshot into test-results/screenshots/<name>.png, with ORTAK_SCREENSHOTS=1 only */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (everyScreenshot) await fullPageShot(page, name);
}

/** waits for the page's level-1 heading */
export const h1 = (page: Page, text: string) => page.getByRole('heading', { level: 1, name: text }).waitFor();
export const htmlLang = (page: Page) => page.evaluate('document.documentElement.lang') as Promise<string>;
/** the page is no wider than the screen (no sideways scrolling on a phone) */
export const scrollWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;
