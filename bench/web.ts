// npm run bench -- web: the portal's weight and speed in Debian's Chromium against a node on this machine — the
// gzipped JavaScript each public page loads (budget: 200 KB) and the time from navigation to a usable page
// (budget for a service page: 1 s on localhost), each the median of cold loads (a new browser context each), with
// the browser opening the node's /health (no portal) as the baseline measured in the same run; the bytes transferred
// (compressed, as the node sends them: document, scripts, styles, API answers) and the cumulative layout shift as
// Lighthouse counts it (every shift without recent input, till the page has been still for a second; budget 0.1), on
// the desktop window and on a phone's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { dist, freePort, median, printTable, startProcess, stopProcesses, waitFor } from './support.js';

export interface WebBenchOptions {
  rounds: number;
}

const JS_BUDGET_KB = 200;
const USABLE_BUDGET_MS = 1000;
const CLS_BUDGET = 0.1;

/** Sums the layout shifts as Lighthouse's CLS does (installed before the page's own scripts run). */
const LAYOUT_SHIFT_OBSERVER = `window.__cls = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
  .observe({ type: 'layout-shift', buffered: true });`;

const PHONE = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 2.625, isMobile: true, hasTouch: true };

/** The page's layout shift so far, and every byte it has transferred (same origin: the sizes are visible). */
async function measured(page: Page): Promise<{ cls: number; transferredKb: number }> {
  // (a second with no new shift: the page has settled)
  let cls = -1;
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(500);
    const now = (await page.evaluate('window.__cls')) as number;
    if (now === cls) break;
    cls = now;
  }
  const bytes = (await page.evaluate(
    "performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)",
  )) as number;
  return { cls, transferredKb: bytes / 1024 };
}

interface PageCase {
  name: string;
  path: string;
  /** what must be on screen and enabled for the page to be usable */
  ready: (page: Page) => Promise<void>;
  public: boolean;
}

export async function benchWeb(options: WebBenchOptions): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ortak-bench-web-'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    startProcess(dist('src/main.js'), [], { PORT: String(port), ORTAK_CLIENT_PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_URL: '', ORTAK_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    await waitFor(`${base}/health`, 180);
    const service = 'kz-criminal-record-certificate';
    const title = ((await (await fetch(`${base}/api/v1/services/${service}?lang=en`)).json()) as { title: string }).title;
    const cases: PageCase[] = [
      { name: 'baseline: /health in the browser (no portal)', path: '/health', ready: (p) => p.locator('body').waitFor(), public: false },
      { name: 'catalog /', path: '/', ready: (p) => p.locator('.cards > li a').first().waitFor(), public: true },
      { name: `service page /services/${service}`, path: `/services/${service}`, ready: (p) => p.getByRole('heading', { level: 1, name: title }).waitFor(), public: true },
      { name: 'statistics /statistics', path: '/statistics', ready: (p) => p.locator('figure svg').first().waitFor(), public: true },
      { name: 'document check /check', path: '/check', ready: (p) => p.getByRole('button').first().waitFor(), public: true },
    ];
    const rows = [];
    for (const c of cases) {
      const times: number[] = [];
      const shifts: number[] = [];
      const transferred: number[] = [];
      let scripts: { url: string; gz: number }[] = [];
      const load = async (options: Parameters<typeof browser.newContext>[0]) => {
        const context = await browser.newContext(options);
        const page = await context.newPage();
        await page.addInitScript(LAYOUT_SHIFT_OBSERVER);
        const loaded: Promise<{ url: string; gz: number }>[] = [];
        page.on('response', (res) => {
          if (res.request().resourceType() === 'script') loaded.push(res.body().then((b) => ({ url: new URL(res.url()).pathname, gz: gzipSync(b).length })));
        });
        await page.goto(`${base}${c.path}`);
        await c.ready(page);
        // from the start of the navigation to the moment the page's content is there to use
        const usable = (await page.evaluate('performance.now()')) as number;
        const { cls, transferredKb } = await measured(page);
        const found = await Promise.all(loaded);
        await context.close();
        return { usable, cls, transferredKb, scripts: found };
      };
      for (let round = 0; round < options.rounds; round++) {
        const r = await load({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
        times.push(r.usable);
        shifts.push(r.cls);
        transferred.push(r.transferredKb);
        scripts = r.scripts;
      }
      const phone = await load({ locale: 'en-GB', ...PHONE });
      const jsKb = scripts.reduce((n, s) => n + s.gz, 0) / 1024;
      const round3 = (x: number) => Math.round(x * 1000) / 1000;
      const row = {
        name: c.name,
        path: c.path,
        public: c.public,
        scripts: scripts.map((s) => s.url),
        jsGzipKb: Math.round(jsKb * 10) / 10,
        transferredKb: Math.round(median(transferred) * 10) / 10,
        layoutShift: round3(Math.max(...shifts)),
        layoutShiftPhone: round3(phone.cls),
        usableMs: Math.round(median(times)),
        runsMs: times.map(Math.round),
      };
      console.log(`  ${row.name}: ${row.scripts.length} scripts, ${row.jsGzipKb} KB gzipped, ${row.transferredKb} KB transferred, layout shift ${row.layoutShift} (phone ${row.layoutShiftPhone}), usable in ${row.usableMs} ms (median of ${options.rounds})`);
      rows.push(row);
    }
    const baseline = rows[0].usableMs;
    printTable(
      `The portal in Chromium on localhost, cold loads, median of ${options.rounds}; budgets: ≤ ${JS_BUDGET_KB} KB gzipped JavaScript on public pages, layout shift < ${CLS_BUDGET}, service page usable < ${USABLE_BUDGET_MS} ms`,
      ['page', 'JavaScript, KB gzipped', 'transferred, KB', 'layout shift (desktop / phone)', 'usable after, ms', 'ratio to baseline'],
      rows.map((r) => [r.name, r.jsGzipKb, r.transferredKb, `${r.layoutShift} / ${r.layoutShiftPhone}`, r.usableMs, (r.usableMs / Math.max(1, baseline)).toFixed(1)]),
    );
    const publicPages = rows.filter((r) => r.public);
    return {
      budgets: { jsGzipKb: JS_BUDGET_KB, servicePageUsableMs: USABLE_BUDGET_MS, layoutShift: CLS_BUDGET },
      maxPublicJsGzipKb: Math.max(...publicPages.map((r) => r.jsGzipKb)),
      maxPublicTransferredKb: Math.max(...publicPages.map((r) => r.transferredKb)),
      maxPublicLayoutShift: Math.max(...publicPages.flatMap((r) => [r.layoutShift, r.layoutShiftPhone])),
      servicePageUsableMs: rows[2].usableMs,
      baselineMs: baseline,
      pages: rows,
    };
  } finally {
    await browser.close();
    await stopProcesses();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
