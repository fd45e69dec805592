import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, h1, htmlLang, scrollWidth, startPortalNode, type PortalNode } from '../support/portal.js';
import en from '../../web/src/locales/en.json' with { type: 'json' };
import kk from '../../web/src/locales/kk.json' with { type: 'json' };
import ru from '../../web/src/locales/ru.json' with { type: 'json' };
import enStats from '../../web/src/locales/stats/en.json' with { type: 'json' };
import kkStats from '../../web/src/locales/stats/kk.json' with { type: 'json' };
import ruStats from '../../web/src/locales/stats/ru.json' with { type: 'json' };

// The public statistics page (/statistics) as an anonymous visitor sees it, in Debian's Chromium, against the
// node's own figures (GET /api/v1/stats) and its open data (CSV and JSON) for the same filters.

interface Figures {
  provided: number;
  approved: number;
  rejected: number;
  onTime: number;
  onTimeShare: number | null;
  averageDays: number | null;
}
interface Stats {
  from: string;
  to: string;
  state: string | null;
  totals: Figures;
  byMonth: (Figures & { month: string })[];
  byState: (Figures & { state: string })[];
  byAgency: (Figures & { agency: string; state: string; name: string })[];
  byService: (Figures & { service: string; state: string; title: string })[];
}

type StatsMessages = typeof enStats;
interface Language {
  lang: string;
  /** the countries' names (common messages) */
  region: Record<string, string>;
  stats: StatsMessages;
}
const EN: Language = { lang: 'en', region: en.region, stats: enStats };
const RU: Language = { lang: 'ru', region: ru.region, stats: ruStats as StatsMessages };
const KK: Language = { lang: 'kk', region: kk.region, stats: kkStats as StatsMessages };

let node: PortalNode;

beforeAll(async () => {
  node = await startPortalNode({ ORTAK_DEMO_HISTORY: '360' });
}, 90_000);

afterAll(async () => {
  await node?.stop();
});

const stats = (query = '', lang = 'en'): Promise<Stats> => node.json(`/api/v1/stats?lang=${lang}${query ? `&${query}` : ''}`);

/** The page's way of writing figures: Intl numbers (Chromium knows en and ru), the messages' percent and months. */
function formats({ lang, region, stats: s }: Language) {
  const numbers = new Intl.NumberFormat(lang === 'kk' ? 'ru' : lang);
  const number = (n: number) => numbers.format(n);
  const none = `—${s.noValue}`;
  const months = s.months.split(',');
  return {
    number,
    share: (v: number | null) => (v === null ? none : s.percent.replace('{{value}}', number(Math.round(v * 1000) / 10))),
    days: (v: number | null) => (v === null ? none : number(Math.round(v * 10) / 10)),
    month: (m: string) => s.monthYear.replace('{{month}}', months[Number(m.slice(5, 7)) - 1]).replace('{{year}}', m.slice(0, 4)),
    region: (code: string) => region[code],
  };
}

const squash = (text: string | null) => (text ?? '').replace(/[ \t\r\n]+/g, ' ').trim();

/** the rows of a table: the text of each cell, the row's header first */
async function rows(table: Locator, part: 'tbody' | 'tfoot' = 'tbody'): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await table.locator(`${part} tr`).all()) out.push((await row.locator('th, td').allTextContents()).map(squash));
  return out;
}

/** The headline figures equal the API's totals. */
async function expectHeadline(page: Page, language: Language, data: Stats) {
  const f = formats(language);
  const s = language.stats.headline;
  const value = (label: string) => page.locator('.stats-headline > div', { has: page.getByText(label, { exact: true }) }).locator('dd').first();
  await expect.poll(async () => squash(await value(s.provided).textContent())).toBe(f.number(data.totals.provided));
  expect(squash(await value(s.onTime).textContent())).toBe(f.share(data.totals.onTimeShare));
  expect(squash(await value(s.averageDays).textContent())).toBe(f.days(data.totals.averageDays));
}

/** Each chart: a figure with its caption, an SVG image named after it, and its table (opened by keyboard) with the API's numbers. */
async function expectCharts(page: Page, language: Language, data: Stats) {
  const f = formats(language);
  const c = language.stats.charts;
  const figures = page.locator('figure.stats-figure');
  const fig = (title: string) => figures.filter({ has: page.locator('figcaption', { hasText: title }) });
  const byMonth = data.byMonth;
  const expected: [string, string[][]][] = [
    [c.perMonth, byMonth.map((m) => [f.month(m.month), f.number(m.provided), f.number(m.approved), f.number(m.rejected)])],
    [c.sharePerMonth, byMonth.map((m) => [f.month(m.month), f.number(m.provided), f.number(m.onTime), f.share(m.onTimeShare)])],
    [c.daysPerMonth, byMonth.map((m) => [f.month(m.month), f.number(m.provided), f.days(m.averageDays)])],
  ];
  const all = (r: Figures) => [f.number(r.provided), f.number(r.approved), f.number(r.rejected), f.number(r.onTime), f.share(r.onTimeShare), f.days(r.averageDays)];
  if (!data.state) expected.push([c.byState, data.byState.map((r) => [f.region(r.state), ...all(r)])]);
  expected.push([c.byAgency, data.byAgency.map((r) => [r.name, f.region(r.state), ...all(r)])]);
  expect(await figures.count()).toBe(expected.length);

  for (const [title, body] of expected) {
    const figure = fig(title);
    const svg = figure.locator('svg[role="img"]');
    expect(await svg.count()).toBe(1);
    expect(await svg.getAttribute('aria-label')).toContain(title);
    // "Show as table", by keyboard (it stays open when the filters change)
    if ((await figure.locator('details').getAttribute('open')) === null) {
      await figure.getByText(language.stats.chart.showTable, { exact: true }).focus();
      await page.keyboard.press('Enter');
    }
    const table = figure.getByRole('table');
    await table.waitFor();
    expect(await rows(table), title).toEqual(body);
  }
  // The monthly tables end with the period's totals.
  const totals = await rows(fig(c.perMonth).getByRole('table'), 'tfoot');
  expect(totals).toEqual([[language.stats.chart.total, f.number(data.totals.provided), f.number(data.totals.approved), f.number(data.totals.rejected)]]);
  // Every service's figures, in their own table.
  const services = page.getByRole('table', { name: c.serviceTable });
  expect(await rows(services)).toEqual(data.byService.map((r) => [r.title, f.region(r.state), ...all(r)]));
}

/** The open data links answer for the filters on screen, with the same totals. */
async function expectOpenData(page: Page, language: Language, data: Stats) {
  const csvLink = page.getByRole('link', { name: language.stats.openData.csv });
  const jsonLink = page.getByRole('link', { name: language.stats.openData.json });
  const query = (href: string) => Object.fromEntries(new URL(href, node.base).searchParams);
  const expectedQuery = { from: data.from, to: data.to, ...(data.state ? { state: data.state } : {}) };
  const csvHref = (await csvLink.getAttribute('href'))!;
  const jsonHref = (await jsonLink.getAttribute('href'))!;
  expect(csvHref.startsWith('/api/v1/stats/open-data.csv?')).toBe(true);
  expect(jsonHref.startsWith('/api/v1/stats/open-data.json?')).toBe(true);
  expect(query(csvHref)).toEqual(expectedQuery);
  expect(query(jsonHref)).toEqual(expectedQuery);

  const sum = (records: Record<string, unknown>[], column: string) => records.reduce((n, r) => n + Number(r[column]), 0);
  const expectTotals = (records: Record<string, unknown>[]) => {
    expect(sum(records, 'provided')).toBe(data.totals.provided);
    expect(sum(records, 'approved')).toBe(data.totals.approved);
    expect(sum(records, 'rejected')).toBe(data.totals.rejected);
    expect(sum(records, 'decided_on_time')).toBe(data.totals.onTime);
    if (data.state) expect(records.every((r) => r.state === data.state)).toBe(true);
  };

  const csv = await page.context().request.get(csvHref);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  const [header, ...lines] = (await csv.text()).trim().split(/\r?\n/);
  expect(header).toBe('month,state,agency,service,provided,approved,rejected,decided_on_time,average_days_to_decision');
  const columns = header.split(',');
  expectTotals(lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v]))));

  const json = await page.context().request.get(jsonHref);
  expect(json.status()).toBe(200);
  expect(json.headers()['content-type']).toMatch(/^application\/json/);
  const body = await json.json();
  expect([body.from, body.to, body.state]).toEqual([data.from, data.to, data.state]);
  expectTotals(body.rows);
}

const scope = (language: Language, data: Stats, place: string) => {
  const f = formats(language);
  return language.stats.scope.replace('{{place}}', place).replace('{{from}}', f.month(data.from)).replace('{{to}}', f.month(data.to));
};

describe('the public statistics, in Chromium', () => {
  it('shows an anonymous visitor the figures, charts and tables of the API in English, filters by country and period, and links the open data', async () => {
    const data = await stats();
    // The demo data has decided applications in past months.
    expect(data.totals.provided).toBeGreaterThan(0);
    expect(data.byMonth.filter((m) => m.provided > 0).length).toBeGreaterThan(1);

    const context = await node.newContext('en-GB');
    const page = await context.newPage();
    await page.goto('/');
    await h1(page, en.catalog.title);
    await page.getByRole('navigation', { name: en.nav.label }).getByRole('link', { name: enStats.nav }).click();
    await page.waitForURL('**/statistics');
    await h1(page, enStats.title);
    await page.getByText(scope(EN, data, enStats.filters.allStates)).waitFor();
    await expectHeadline(page, EN, data);
    await audit(page, 'en-stats-overview');

    await expectCharts(page, EN, data);
    await expectOpenData(page, EN, data);
    await audit(page, 'en-stats-tables');

    // The country filter: in the address, and the figures are the API's for that country.
    const kz = await stats('state=KZ');
    expect(kz.totals.provided).toBeGreaterThan(0);
    expect(kz.totals.provided).toBeLessThan(data.totals.provided);
    await page.getByLabel(enStats.filters.state, { exact: true }).selectOption('KZ');
    await page.getByRole('button', { name: enStats.filters.apply }).click();
    await page.waitForURL(/\/statistics\?state=KZ$/);
    await page.getByText(scope(EN, kz, en.region.KZ)).waitFor();
    await expectHeadline(page, EN, kz);
    await expectCharts(page, EN, kz);
    await expectOpenData(page, EN, kz);
    await audit(page, 'en-stats-state');

    // Other months: an impossible period is refused at the field, then a good one goes to the address.
    const [first, last] = [data.byMonth[2].month, data.byMonth[5].month];
    await page.getByLabel(enStats.filters.period, { exact: true }).selectOption('custom');
    await page.getByLabel(enStats.filters.from).fill(last);
    await page.getByLabel(enStats.filters.to).fill(first);
    await page.getByRole('button', { name: enStats.filters.apply }).click();
    await page.getByRole('alert').filter({ hasText: enStats.filters.errors.order }).waitFor();
    const to = page.getByLabel(enStats.filters.to);
    expect(await to.getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement.id')).toBe(await to.getAttribute('id'));
    await audit(page, 'en-stats-error');
    await page.getByLabel(enStats.filters.from).fill(first);
    await page.getByLabel(enStats.filters.to).fill(last);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/statistics\\?state=KZ&from=${first}&to=${last}$`));
    const period = await stats(`state=KZ&from=${first}&to=${last}`);
    expect(period.byMonth.map((m) => m.month)).toHaveLength(4);
    await page.getByText(scope(EN, period, en.region.KZ)).waitFor();
    await expectHeadline(page, EN, period);

    // The address alone gives the same page.
    await page.reload();
    await h1(page, enStats.title);
    await page.getByText(scope(EN, period, en.region.KZ)).waitFor();
    expect(await page.getByLabel(enStats.filters.state, { exact: true }).inputValue()).toBe('KZ');
    await context.close();
  }, 60_000);

  it('shows the same figures in Russian', async () => {
    const data = await stats('', 'ru');
    const context = await node.newContext('ru-RU');
    const page = await context.newPage();
    await page.goto('/statistics');
    await h1(page, ruStats.title);
    expect(await htmlLang(page)).toBe('ru');
    await page.getByText(scope(RU, data, ruStats.filters.allStates)).waitFor();
    await expectHeadline(page, RU, data);
    await expectCharts(page, RU, data);
    await expectOpenData(page, RU, data);
    await audit(page, 'ru-stats-overview');
    await context.close();
  }, 40_000);

  it('fits a 390 px wide phone screen (kk), tables and all', async () => {
    const data = await stats('state=KZ', 'kk');
    const context = await node.newContext('kk-KZ', { width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto('/statistics?state=KZ');
    await h1(page, kkStats.title);
    await page.getByText(scope(KK, data, kk.region.KZ)).waitFor();
    await expectHeadline(page, KK, data);
    for (const summary of await page.getByText(kkStats.chart.showTable, { exact: true }).all()) await summary.click();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    // Month names from the messages: Chromium has no Kazakh dates ("2026 M11").
    const text = await page.getByRole('main').innerText();
    expect(text).not.toMatch(/\bM\d{1,2}\b/);
    await audit(page, 'kk-stats-390');
    await context.close();
  }, 30_000);
});
