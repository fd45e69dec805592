import { X509Certificate } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { EC_P256, EKU_CLIENT_AUTH, EKU_EMAIL, freePort, OpensslPki, RSA_2048 } from '../support/openssl-pki.js';
import { audit, h1, startPortalNode, type PortalNode } from '../support/portal.js';
import enCommon from '../../web/src/locales/en.json' with { type: 'json' };
import enCitizen from '../../web/src/locales/citizen/en.json' with { type: 'json' };
import kkCommon from '../../web/src/locales/kk.json' with { type: 'json' };
import kkCitizen from '../../web/src/locales/citizen/kk.json' with { type: 'json' };

// A citizen signs in the portal (Debian's Chromium; harness: test/support/portal.ts) the way citizens do: with the
// .p12 files their state's CA gave them (here a Kazakh test CA made by openssl, its certificates naming an
// `openssl ocsp` responder, installed in the node's trust list), opened in the page with their password (OpenSSL 3's
// default PBES2/AES-256-CBC). An authentication key (RSA 2048) signs the sign-in's challenge in CMS; a signing key
// (ECDSA P-256) signs the application; the page shows the certificate before it signs. A wrong password is said so,
// in the reader's language; a certificate without the signing usage is refused by the node and another can be chosen.
const SERVICE = 'kz-criminal-record-certificate'; // free of charge
const PASSWORD = 'Qwerty-123';
const ocspPort = await freePort();
const status = `authorityInfoAccess=OCSP;URI:http://127.0.0.1:${ocspPort}\n`;
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Intermediate', 'root')
  .person('auth', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n${status}`)
  .person('sign', 'intermediate', EC_P256, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation,digitalSignature\nextendedKeyUsage=${EKU_EMAIL}\n${status}`);
const authP12 = pki.p12('auth', PASSWORD, ['intermediate']);
const signP12 = pki.p12('sign', PASSWORD, ['intermediate']);
const trustDir = pki.trustFolder({ KZ: ['root'] });
const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/x-pkcs12', buffer });

const C = enCommon;
const L = enCitizen;
let node: PortalNode;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await pki.ocspResponder('intermediate', ocspPort);
  node = await startPortalNode({ ORTAK_TRUST_DIR: trustDir, ORTAK_REVOCATION_TIMEOUT_MS: '5000' });
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await node?.stop();
  pki.remove();
});

async function open(locale: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await node.newContext(locale);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${locale}] page error: ${e.message}`));
  return { context, page };
}

/** The certificate's facts as the page lists them. */
async function certificateShown(page: Page): Promise<Record<string, string>> {
  const details = page.getByRole('main').locator('dl.certificate-details');
  await details.waitFor();
  const entries: Record<string, string> = {};
  for (const row of await details.locator('div').all()) entries[(await row.locator('dt').innerText()).trim()] = (await row.locator('dd').innerText()).trim();
  return entries;
}

describe('a citizen signs with their own .p12 key file', () => {
  it('says a wrong password in the reader\'s language (Kazakh)', async () => {
    const { page } = await open('kk-KZ');
    await page.goto('/signin');
    await h1(page, kkCommon.signin.title);
    await page.getByLabel(kkCommon.signin.key.label, { exact: true }).setInputFiles(file('AUTH_RSA256_aigerim.p12', authP12));
    // signing in before the file is opened asks for its password
    await page.getByRole('button', { name: kkCommon.signin.key.submit, exact: true }).click();
    await page.getByRole('alert').getByText(kkCitizen.keyFile.openFirst).waitFor();
    await page.getByLabel(kkCitizen.keyFile.password).fill('қате');
    await page.getByRole('button', { name: kkCitizen.keyFile.open }).click();
    await page.getByRole('alert').getByText(kkCitizen.keyFile.p12.wrongPassword).waitFor();
    await audit(page, 'kk-p12-wrong-password');
  }, 45_000);

  it('signs in with the authentication .p12, then applies signing with the signing .p12: the application is taken as CMS', async () => {
    const { context, page } = await open('en-GB');
    await page.goto('/signin');
    await h1(page, C.signin.title);
    const keyInput = page.getByLabel(C.signin.key.label, { exact: true });
    await keyInput.setInputFiles(file('AUTH_RSA256_aigerim.p12', authP12));
    const password = page.getByLabel(L.keyFile.password);
    await password.fill('not the password');
    await page.getByRole('button', { name: L.keyFile.open }).click();
    await page.getByRole('alert').getByText(L.keyFile.p12.wrongPassword).waitFor();
    await password.fill(PASSWORD);
    await password.press('Enter');

    // the certificate, as the page reads it, before anything is signed
    const shown = await certificateShown(page);
    const expiry = new Date(new X509Certificate(pki.pem('auth')).validTo);
    expect(shown).toMatchObject({ [L.keyFile.cert.name]: 'СЕЙІТОВА АЙГЕРІМ', [L.keyFile.cert.number]: 'KZ 900412473208', [L.keyFile.cert.issuer]: 'Test NCA Intermediate' });
    expect(shown[L.keyFile.cert.validUntil]).toContain(String(expiry.getUTCFullYear()));
    await audit(page, 'en-p12-signin');
    await page.getByRole('button', { name: C.signin.key.submit, exact: true }).click();
    await page.waitForURL('**/my/applications');
    const me = await (await context.request.get('/api/v1/me')).json();
    expect(me).toMatchObject({ identifier: '900412473208', state: 'KZ', role: 'citizen' });

    // the application: the review asks for the signing key (the sign-in's is for authentication only)
    const service = await node.json(`/api/v1/services/${SERVICE}?lang=en`);
    await page.goto(`/services/${SERVICE}/apply`);
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
    await page.getByRole('radio', { name: service.form.schema.properties.usage['x-enum-labels'].domestic.en }).check();
    await page.getByRole('button', { name: L.apply.continue }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
    const reviewKey = page.getByLabel(L.review.keyLabel, { exact: true });

    // the authentication key first: the node refuses it for signing, and another file can be chosen
    await reviewKey.setInputFiles(file('AUTH_RSA256_aigerim.p12', authP12));
    await page.getByLabel(L.keyFile.password).fill(PASSWORD);
    await page.getByRole('button', { name: L.keyFile.open }).click();
    await page.getByText(L.review.signingWith).waitFor();
    await page.getByRole('button', { name: L.review.submit }).click();
    await page.getByText(translate('en', 'errors.certificate_wrong_usage')).waitFor();

    await page.getByLabel(L.review.keyLabel, { exact: true }).setInputFiles(file('RSA256_aigerim.p12', signP12));
    await page.getByLabel(L.keyFile.password).fill(PASSWORD);
    await page.getByRole('button', { name: L.keyFile.open }).click();
    await page.getByText(L.review.signingWith).waitFor();
    expect(await certificateShown(page)).toMatchObject({ [L.keyFile.cert.name]: 'СЕЙІТОВА АЙГЕРІМ', [L.keyFile.cert.number]: 'KZ 900412473208', [L.keyFile.cert.issuer]: 'Test NCA Intermediate' });
    await audit(page, 'en-p12-review');
    await page.getByRole('button', { name: L.review.submit }).click();
    await page.waitForURL(/\/my\/applications\/[0-9a-f-]{36}(\?submitted=1)?$/);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;

    const application = await (await context.request.get(`/api/v1/applications/${id}`)).json();
    expect(application.history[0]).toMatchObject({ type: 'submit', details: { format: 'cms', issuer: expect.stringContaining('Test NCA Intermediate') } });
    await page.goto('/my/applications');
    await h1(page, C.applications.title);
    await page.getByRole('main').getByText(application.number).waitFor();
  }, 60_000);
});
