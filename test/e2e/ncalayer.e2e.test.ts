import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { EKU_CLIENT_AUTH, EKU_EMAIL, freePort, GOST_512, OpensslPki, RSA_2048 } from '../support/openssl-pki.js';
import { audit, h1, startPortalNode, type PortalNode } from '../support/portal.js';
import { output } from '../support/run.js';
import enCommon from '../../web/src/locales/en.json' with { type: 'json' };
import enCitizen from '../../web/src/locales/citizen/en.json' with { type: 'json' };

// A citizen signs in the portal and signs an application through NCALayer, the National Certification Authority of
// Kazakhstan's signer on their own computer. NCALayer here is a stand-in speaking its published WebSocket protocol
// (as sigex-kz's ncalayer-js-client, which the portal uses, expects it) over wss: with a self-signed certificate
// (Chromium started with --ignore-certificate-errors for this test only; the portal is pointed at it through
// localStorage['ortak.ncalayerUrl'], honoured for loopback wss: addresses only); it signs with `openssl cms -sign`, the
// independent implementation: an RSA authentication key for sign-in, a GOST R 34.10-2012 512-bit signing key (Debian's
// GOST engine) for the application — the keys a browser cannot use itself, and the reason NCALayer matters.
const SERVICE = 'kz-criminal-record-certificate'; // free of charge
const ocspPort = await freePort();
const gostOcspPort = await freePort();
const status = (port: number) => `authorityInfoAccess=OCSP;URI:http://127.0.0.1:${port}\n`;
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Intermediate', 'root')
  .person('auth', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n${status(ocspPort)}`);
const gost = new OpensslPki({ gost: true })
  .ca('gost-root', '/C=KZ/O=Test NCA/CN=Test NCA Root (GOST)', undefined, GOST_512)
  .person('gost-sign', 'gost-root', GOST_512, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation,digitalSignature\nextendedKeyUsage=${EKU_EMAIL}\n${status(gostOcspPort)}`);
const trustDir = pki.trustFolder({ KZ: ['root'] });
writeFileSync(join(trustDir, 'KZ', 'gost-root.pem'), gost.pem('gost-root'));

const C = enCommon;
const L = enCitizen;
let node: PortalNode;
const contexts: BrowserContext[] = [];

// ——— the stand-in for NCALayer ———

type Answer = { kind: 'sign'; pki: OpensslPki; signer: string; carry: string[]; extra: string[] } | { kind: 'cancel' };
let answer: Answer = { kind: 'cancel' };
/** every request NCALayer received, as sent */
const requests: any[] = [];
let ncalayer: Server;
let ncalayerUrl = '';

async function startNcaLayer(): Promise<void> {
  await output('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ncalayer.key', '-out', 'ncalayer.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: pki.dir });
  ncalayer = createServer({ key: readFileSync(join(pki.dir, 'ncalayer.key')), cert: readFileSync(join(pki.dir, 'ncalayer.pem')) });
  const wss = new WebSocketServer({ server: ncalayer });
  wss.on('connection', (ws: WebSocket) => {
    // NCALayer says its version first
    ws.send(JSON.stringify({ result: { version: '1.4' } }));
    ws.on('message', (raw) => {
      const request = JSON.parse(raw.toString());
      requests.push(request);
      if (request.module === 'kz.gov.pki.knca.basics' && request.method === 'sign') {
        if (answer.kind === 'cancel') return ws.send(JSON.stringify({ body: {}, status: true }));
        const der = answer.pki.sign(Buffer.from(request.args.data, 'base64'), answer.signer, answer.carry, ...answer.extra);
        // (NCALayer answers PEM)
        const pem = `-----BEGIN CMS-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CMS-----\n`;
        return ws.send(JSON.stringify({ body: { result: [pem] }, status: true }));
      }
      // anything else (KAZTOKEN's getVersion, which the client asks first): not a module of NCALayer
      ws.send(JSON.stringify({ code: '500', message: `unknown module ${request.module}` }));
    });
  });
  await new Promise<void>((resolve) => ncalayer.listen(0, '127.0.0.1', resolve));
  ncalayerUrl = `wss://127.0.0.1:${(ncalayer.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await Promise.all([pki.ocspResponder('intermediate', ocspPort), gost.ocspResponder('gost-root', gostOcspPort, 'gost-root', 60, 'md_gost12_512'), startNcaLayer()]);
  node = await startPortalNode({ ORTAK_TRUST_DIR: trustDir, ORTAK_REVOCATION_TIMEOUT_MS: '5000' }, { browserArgs: ['--ignore-certificate-errors'] });
}, 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await node?.stop();
  ncalayer?.close();
  ncalayer?.closeAllConnections();
  pki.remove();
  gost.remove();
});

async function open(url: string): Promise<{ context: BrowserContext; page: Page; posted: string[] }> {
  const context = await node.newContext('en-GB');
  contexts.push(context);
  await context.addInitScript((u) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('ortak.ncalayerUrl', u), url);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  const posted: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posted.push(new URL(r.url()).pathname);
  });
  return { context, page, posted };
}

/** The certificate's facts as the page lists them. */
async function certificateShown(page: Page): Promise<Record<string, string>> {
  const details = page.getByRole('main').locator('dl.certificate-details');
  await details.waitFor();
  const entries: Record<string, string> = {};
  for (const row of await details.locator('div').all()) entries[(await row.locator('dt').innerText()).trim()] = (await row.locator('dd').innerText()).trim();
  return entries;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const year = (name: string, p: OpensslPki) => String(new Date(new X509Certificate(p.pem(name)).validTo).getUTCFullYear());

describe('a citizen signs through NCALayer', () => {
  it('says so when NCALayer does not answer, with a hint to start it', async () => {
    const { page, posted } = await open(`wss://127.0.0.1:${await freePort()}`);
    await page.goto('/signin');
    await h1(page, C.signin.title);
    await page.getByRole('button', { name: L.ncalayer.signIn }).click();
    await page.getByRole('alert').getByText(L.ncalayer.absent).waitFor();
    expect(posted.filter((p) => p === '/api/v1/auth/signin')).toEqual([]);
    await audit(page, 'en-ncalayer-absent');
  }, 45_000);

  it('signs in with an RSA authentication key, then signs the application with a GOST-512 signing key; a cancel in NCALayer sends nothing', async () => {
    const { context, page, posted } = await open(ncalayerUrl);
    await page.goto('/signin');
    await h1(page, C.signin.title);

    // sign-in: NCALayer signs the challenge's nonce with an authentication key
    answer = { kind: 'sign', pki, signer: 'auth', carry: ['intermediate'], extra: [] };
    const challenge = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/challenge'));
    await page.getByRole('button', { name: L.ncalayer.signIn }).click();
    const { nonce } = await (await challenge).json();
    const shown = await certificateShown(page);
    expect(shown).toMatchObject({ [L.keyFile.cert.name]: 'СЕЙІТОВА АЙГЕРІМ', [L.keyFile.cert.number]: 'KZ 900412473208', [L.keyFile.cert.issuer]: 'Test NCA Intermediate' });
    expect(shown[L.keyFile.cert.validUntil]).toContain(year('auth', pki));
    const signs = () => requests.filter((r) => r.module === 'kz.gov.pki.knca.basics');
    expect(signs().at(-1)).toEqual({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: {
        allowedStorages: null,
        format: 'cms',
        data: b64(nonce),
        signingParams: { decode: true, encapsulate: false, digested: false, tsaProfile: {} },
        signerParams: { extKeyUsageOids: [EKU_CLIENT_AUTH] },
        locale: 'en',
      },
    });
    // nothing sent before the citizen has seen the certificate
    expect(posted.filter((p) => p === '/api/v1/auth/signin')).toEqual([]);
    await audit(page, 'en-ncalayer-signin');
    await page.getByRole('button', { name: L.ncalayer.confirmSignIn }).click();
    await page.waitForURL('**/my/applications');
    expect(await (await context.request.get('/api/v1/me')).json()).toMatchObject({ identifier: '900412473208', state: 'KZ', role: 'citizen' });

    // the application
    const service = await node.json(`/api/v1/services/${SERVICE}?lang=en`);
    await page.goto(`/services/${SERVICE}/apply`);
    await page.getByRole('heading', { level: 2, name: L.apply.stepForm }).waitFor();
    await page.getByRole('radio', { name: service.form.schema.properties.usage['x-enum-labels'].domestic.en }).check();
    await page.getByRole('button', { name: L.apply.continue }).click();
    await page.getByRole('heading', { level: 2, name: L.apply.stepReview }).waitFor();
    const signedText = await page.getByRole('main').locator('.signed-text pre').textContent();

    // the citizen closes NCALayer's window: said so, nothing sent
    answer = { kind: 'cancel' };
    await page.getByRole('button', { name: L.ncalayer.sign, exact: true }).click();
    await page.getByRole('alert').getByText(L.ncalayer.cancelled).waitFor();
    expect(posted.filter((p) => p === '/api/v1/applications')).toEqual([]);

    // then signs with the GOST key
    answer = { kind: 'sign', pki: gost, signer: 'gost-sign', carry: [], extra: ['-md', 'md_gost12_512'] };
    await page.getByRole('button', { name: L.ncalayer.sign, exact: true }).click();
    const signing = await certificateShown(page);
    expect(signing).toMatchObject({ [L.keyFile.cert.name]: 'СЕЙІТОВА АЙГЕРІМ', [L.keyFile.cert.number]: 'KZ 900412473208', [L.keyFile.cert.issuer]: 'Test NCA Root (GOST)' });
    expect(signing[L.keyFile.cert.validUntil]).toContain(year('gost-sign', gost));
    const request = signs().at(-1);
    expect(request).toMatchObject({ module: 'kz.gov.pki.knca.basics', method: 'sign', args: { format: 'cms', signingParams: { encapsulate: false }, signerParams: { extKeyUsageOids: [EKU_EMAIL] } } });
    const signedJson = Buffer.from(request.args.data, 'base64').toString('utf8');
    expect(signedJson).toBe(signedText);
    expect(JSON.parse(signedJson)).toMatchObject({ service: SERVICE, data: { usage: 'domestic' } });
    expect(posted.filter((p) => p === '/api/v1/applications')).toEqual([]);
    await audit(page, 'en-ncalayer-review');
    await page.getByRole('button', { name: L.ncalayer.confirmSubmit }).click();
    await page.waitForURL(/\/my\/applications\/[0-9a-f-]{36}(\?submitted=1)?$/);
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    const application = await (await context.request.get(`/api/v1/applications/${id}`)).json();
    expect(application.history[0]).toMatchObject({ type: 'submit', details: { format: 'cms', issuer: expect.stringContaining('Test NCA Root (GOST)') } });
  }, 90_000);
});
