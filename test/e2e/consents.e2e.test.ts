import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPersona } from '../../src/demo/seed.js';
import { canonicalJson } from '../../src/platform/canonical-json.js';
import { applicationSignature } from '../support/node.js';
import { audit, h1, startPortalNode, type PortalNode } from '../support/portal.js';
import enCommon from '../../web/src/locales/en.json' with { type: 'json' };
import ruCommon from '../../web/src/locales/ru.json' with { type: 'json' };
import enCitizen from '../../web/src/locales/citizen/en.json' with { type: 'json' };
import ruCitizen from '../../web/src/locales/citizen/ru.json' with { type: 'json' };

// A person another's application names, in the portal (Chromium; harness: test/support/portal.ts): the applicant
// (through the API) applies to register a marriage naming the other KZ citizen persona; the application waits for
// that person's signature, its fee not payable; the named person signs in with their own key file, finds the request
// in "Requests to sign" with the application's data labelled from the form, and signs the same payload in the
// browser: the application goes on to payment. Another one they decline, with a reason the applicant then reads.
// Every page is checked with axe-core.
const MARRIAGE = 'kz-marriage-registration';

let node: PortalNode;
let personas: DemoPersona[];
let applicant: DemoPersona;
let spouse: DemoPersona;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  node = await startPortalNode();
  personas = await node.json('/api/v1/auth/demo-personas');
  const citizen = (name: string) => personas.find((p) => p.role === 'citizen' && p.state === 'KZ' && p.name.startsWith(name))!;
  applicant = citizen('Айгерім');
  spouse = citizen('Ерлан');
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await node?.stop();
});

const fill = (text: string, params: Record<string, unknown>) => text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k]));
const plural = (forms: Record<string, string>, lang: string, count: number) => fill(forms[new Intl.PluralRules(lang).select(count)] ?? forms.other, { count, n: count });
/** every axe-core violation on the page, whatever its impact (audit() has added axe to the page) */
const allViolations = (page: Page) => page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`) as Promise<string[]>;
const keyFile = (p: DemoPersona) => ({ name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(p.keyFile)) });

async function open(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await node.newContext(locale);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${locale}] page error: ${e.message}`));
  return { context, page };
}

/** The applicant, signed in in a browser context of their own: applies through the API, reads in the portal. */
async function applicantSession() {
  const { context, page } = await open('en-GB');
  expect((await context.request.post('/api/v1/auth/demo-login', { data: { identifier: applicant.qualifiedIdentifier, role: 'citizen' } })).status()).toBe(200);
  const service = await node.json(`/api/v1/services/${MARRIAGE}`);
  let n = 0;
  return {
    page,
    get: async (id: string) => (await context.request.get(`/api/v1/applications/${id}`)).json(),
    async apply() {
      const data = { ...service.form.example, spouseIdentifier: spouse.identifier, applicantSurnameAfter: 'Жақсыбекова', spouseSurnameAfter: 'Жақсыбеков' };
      const res = await context.request.post('/api/v1/applications', {
        headers: { 'idempotency-key': `consents-e2e-${n++}` },
        data: { service: MARRIAGE, data, signature: await applicationSignature(applicant, MARRIAGE, data) },
      });
      expect(res.status(), await res.text()).toBe(201);
      const app = (await res.json()) as { id: string; number: string; status: string };
      expect(app.status).toBe('awaiting_consent');
      return { ...app, data };
    },
  };
}

describe('consent by the person an application names, in Chromium', () => {
  it('the named spouse signs the application with their key file in "Requests to sign", and it goes on to payment; another they decline', async () => {
    const C = ruCommon as unknown as typeof enCommon;
    const L = ruCitizen as unknown as typeof enCitizen;
    const s = await node.json(`/api/v1/services/${MARRIAGE}?lang=ru`);
    const label = (field: string) => s.form.schema.properties[field]['x-labels'].ru as string;

    // The applicant's application waits for the spouse: no fee to pay yet, and the page says why.
    const me = await applicantSession();
    const app = await me.apply();
    await me.page.goto(`/my/applications/${app.id}`);
    await h1(me.page, fill(enCommon.application.title, { number: app.number }));
    await me.page.getByRole('main').getByText(enCommon.status.awaiting_consent).first().waitFor();
    await me.page.getByRole('heading', { level: 2, name: enCitizen.consentWait.title }).waitFor();
    expect(await me.page.getByRole('button', { name: enCitizen.pay.start }).count()).toBe(0);
    await audit(me.page, 'en-consents-applicant-waiting');
    expect(await allViolations(me.page)).toEqual([]);

    // The spouse signs in with their own key file (held in memory only), in Russian; the account counts the request.
    const { context, page } = await open('ru-RU');
    await page.goto('/signin?next=/my');
    await h1(page, C.signin.title);
    await page.getByLabel(C.signin.key.label, { exact: true }).setInputFiles(keyFile(spouse));
    await page.getByRole('status').getByText(spouse.identifier).waitFor();
    await page.getByRole('button', { name: C.signin.key.submit, exact: true }).click();
    await page.waitForURL('**/my');
    await h1(page, L.account.title);
    await page.getByText(plural(L.account.consentsCount, 'ru', 1)).waitFor();
    await audit(page, 'ru-consents-account');
    await page.getByRole('main').getByRole('link', { name: L.consents.title }).click();
    await h1(page, L.consents.title);

    // A reload forgets the key: the request asks for the key file. It shows who asks, the number, and the data
    // with the form's labels in Russian, and the exact text to be signed.
    await page.reload();
    await h1(page, L.consents.title);
    const card = page.getByRole('article').filter({ hasText: app.number });
    await card.getByRole('heading', { level: 2, name: s.title }).waitFor();
    await card.getByText(L.consents.status.pending, { exact: true }).waitFor();
    await card.getByText(applicant.name, { exact: true }).waitFor();
    await card.locator('dd', { hasText: label('spouseIdentifier') }).waitFor();
    const data = card.locator('.review-list');
    await data.getByText(label('registryOffice')).waitFor();
    await data.getByText(app.data.registryOffice).waitFor();
    await data.getByText(spouse.identifier).waitFor();
    await card.getByText(L.review.signedText, { exact: true }).click();
    expect(await card.locator('.signed-text pre').innerText()).toBe(canonicalJson({ service: MARRIAGE, data: app.data }));
    await audit(page, 'ru-consents');
    expect(await allViolations(page)).toEqual([]);

    // Signing without a key: the error summary, focused, leads to the key file field.
    await card.getByRole('button', { name: L.consents.sign, exact: true }).click();
    const summary = card.getByRole('alert').filter({ has: page.getByRole('heading', { name: L.form.errorTitle }) });
    await summary.getByRole('link', { name: L.consents.keyNeeded }).waitFor();
    expect(await page.evaluate(`document.activeElement?.classList.contains('error-summary')`)).toBe(true);
    await summary.getByRole('link', { name: L.consents.keyNeeded }).click();
    expect(await page.evaluate('document.activeElement?.type')).toBe('file');
    await audit(page, 'ru-consents-errors');
    expect(await allViolations(page)).toEqual([]);
    // someone else's key is refused before anything is signed
    const keyField = card.getByLabel(L.review.keyLabel, { exact: true });
    await keyField.setInputFiles(keyFile(applicant));
    await card.locator('.error-message').filter({ hasText: L.keyFile.notYours.split('{{')[0] }).waitFor();
    expect(await card.getByRole('button', { name: L.consents.sign, exact: true }).isDisabled()).toBe(true);
    await keyField.setInputFiles(keyFile(spouse));
    await card.locator('.key-holder').filter({ hasText: L.review.signingWith }).getByText(spouse.identifier).waitFor();

    // Signed in the browser: the same payload the applicant signed, with the spouse's certificate; an Idempotency-Key.
    const posted = page.waitForRequest((r) => r.url().endsWith(`/api/v1/applications/${app.id}/consent`) && r.method() === 'POST');
    await card.getByRole('button', { name: L.consents.sign, exact: true }).click();
    const request = await posted;
    expect(request.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    const [header, payload] = (request.postDataJSON().signature as string).split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'ES256', x5c: spouse.keyFile.x5c });
    expect(Buffer.from(payload, 'base64url').toString()).toBe(canonicalJson({ service: MARRIAGE, data: app.data }));
    await card.getByRole('status').getByText(fill(L.consents.signed, { number: app.number })).waitFor();
    await card.getByText(L.consents.status.given, { exact: true }).waitFor();
    expect(await card.getByRole('button', { name: L.consents.sign, exact: true }).count()).toBe(0);
    expect((await me.get(app.id)).status).toBe('awaiting_payment');
    await audit(page, 'ru-consents-signed');
    expect(await allViolations(page)).toEqual([]);

    // The applicant may now pay; the history says who signed.
    await me.page.reload();
    await me.page.getByRole('button', { name: enCitizen.pay.start }).waitFor();
    const timeline = me.page.getByRole('region', { name: enCommon.application.timeline });
    await timeline.getByText(enCommon.action.consent, { exact: true }).waitFor();
    await timeline.getByText(fill(enCommon.application.by, { actor: enCommon.actor.party })).waitFor();
    await audit(me.page, 'en-consents-applicant-payable');

    // Another application the spouse declines, with a reason: it is closed, and the applicant reads why.
    const other = await me.apply();
    await page.reload();
    const next = page.getByRole('article').filter({ hasText: other.number });
    await next.getByRole('button', { name: L.consents.decline, exact: true }).click();
    await next.getByRole('heading', { name: fill(L.consents.confirmTitle, { number: other.number }) }).waitFor();
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H4');
    const reason = 'Мы не договаривались об этой дате.';
    await next.getByLabel(L.consents.reason).fill(reason);
    await audit(page, 'ru-consents-decline');
    expect(await allViolations(page)).toEqual([]);
    await next.getByRole('button', { name: L.consents.confirm, exact: true }).click();
    await next.getByRole('status').getByText(fill(L.consents.declined, { number: other.number })).waitFor();
    await next.getByText(L.consents.status.declined, { exact: true }).waitFor();
    expect((await me.get(other.id)).status).toBe('declined');
    await me.page.goto(`/my/applications/${other.id}`);
    const closed = me.page.getByRole('region', { name: enCitizen.consentClosed.title });
    await closed.getByText(enCitizen.consentClosed.declined).waitFor();
    await closed.getByText(reason).waitFor();
    await me.page.getByRole('main').getByText(enCommon.status.declined).first().waitFor();
    expect(await me.page.getByRole('button', { name: enCitizen.pay.start }).count()).toBe(0);
    await audit(me.page, 'en-consents-applicant-declined');
    await context.close();
  }, 90_000);
});
