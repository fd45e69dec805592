import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPayload } from '../src/applications/index.js';
import { translate } from '../src/i18n/index.js';
import { createTestNode, type TestNode } from './support/node.js';
import { output } from './support/run.js';
import { EKU_CLIENT_AUTH, EKU_EMAIL, freePort, GOST_256, GOST_512, OpensslPki, RSA_2048 } from './support/openssl-pki.js';

// Sign-in with the e-signature a citizen's state gave them: a CMS made by `openssl cms -sign` over the challenge's
// nonce, under a Kazakh root the operator installed in the trust list (ORTAK_TRUST_DIR). The intermediate CA's
// certificates name its OCSP responder (`openssl ocsp`); one names a responder that never answers.
const ocspPort = await freePort();
const hangingPort = await freePort();
const status = (port = ocspPort) => `authorityInfoAccess=OCSP;URI:http://127.0.0.1:${port}\n`;
const AUTH = `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n${status()}`;
const SIGN = `keyUsage=critical,nonRepudiation\nextendedKeyUsage=${EKU_EMAIL}\n${status()}`;
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Authentication (RSA)', 'root')
  .ca('stranger', '/C=KZ/O=Self-made/CN=Fake NCA')
  // Айгерім, a demo persona the node knows; a person it does not know yet; a self-made certificate with her IIN
  .person('aigerim', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', AUTH)
  .person('newcomer', 'intermediate', RSA_2048, '/C=KZ/CN=ОМАРОВ ДАНИЯР/SN=ОМАРОВ/GN=ДАНИЯР/serialNumber=IIN010203500017', AUTH)
  .person('signing-only', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', SIGN)
  .person('aigerim-signing', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', SIGN.replace('nonRepudiation', 'nonRepudiation,digitalSignature'))
  .person('newcomer-signing', 'intermediate', RSA_2048, '/C=KZ/CN=ОМАРОВ ДАНИЯР/serialNumber=IIN010203500017', SIGN)
  .person('fake', 'stranger', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', AUTH)
  // her earlier certificate, revoked; and one whose CA's responder never answers
  .person('aigerim-revoked', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', AUTH)
  .person('aigerim-unanswered', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', AUTH.replace(status(), status(hangingPort)))
  // Ерлан as the head of his company: its BIN in OU, the head's policy (trust/KZ/profile.yaml)
  .person('erlan-head', 'intermediate', RSA_2048, '/C=KZ/CN=ЖАКСЫБЕКОВ ЕРЛАН/serialNumber=IIN871103379671/OU=BIN123456789021/O=ТОО Жаксыбеков', `${AUTH}certificatePolicies=1.2.398.3.3.4.1.2.1\n`)
  .revoke('aigerim-revoked', 'intermediate');
// and a GOST root, as NCA's: a 512-bit key signing persons' GOST certificates and its own OCSP answers
const gostOcspPort = await freePort();
const gost = new OpensslPki({ gost: true })
  .ca('gost-root', '/C=KZ/O=Test NCA/CN=Test NCA Root (GOST)', undefined, GOST_512)
  .person('aigerim-gost', 'gost-root', GOST_512, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', AUTH.replace(status(), status(gostOcspPort)))
  .person('aigerim-gost-signing', 'gost-root', GOST_256, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', SIGN.replace(status(), status(gostOcspPort)))
  .person('aigerim-gost-revoked', 'gost-root', GOST_512, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', AUTH.replace(status(), status(gostOcspPort)))
  .revoke('aigerim-gost-revoked', 'gost-root');
const trustDir = pki.trustFolder({ KZ: ['root'] });
writeFileSync(join(trustDir, 'KZ', 'gost-root.pem'), gost.pem('gost-root'));
let t: TestNode;
beforeAll(async () => {
  await pki.ocspResponder('intermediate', ocspPort);
  await gost.ocspResponder('gost-root', gostOcspPort, 'gost-root', 60, 'md_gost12_512');
  await pki.serve(hangingPort, 'hang');
  // (the node's clock at this moment: openssl issued the certificates just now)
  t = await createTestNode({ start: new Date().toISOString(), env: { ORTAK_TRUST_DIR: trustDir, ORTAK_REVOCATION_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await t.close();
  pki.remove();
  gost.remove();
});

/** A DER TimeStampReq for some digest, as `openssl ts -query` makes them (RFC 3161). */
const timestampQuery = () =>
  Buffer.concat([Buffer.from('3036 020101 3031 300d 0609 608648016503040201 0500 0420'.replace(/ /g, ''), 'hex'), Buffer.alloc(32, 7)]);
const challenge = async () => (await t.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json().nonce as string;
const signIn = (cms: Buffer | string, lang = 'en') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/signin', headers: { 'accept-language': lang }, payload: { cms: Buffer.isBuffer(cms) ? cms.toString('base64') : cms } });
const me = async (token: string) => (await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).json();

describe('sign-in with a CMS signature by a certificate of the trust list', () => {
  it('signs in the person the certificate names, detached or carrying the nonce; a replay finds the challenge used', async () => {
    const nonce = await challenge();
    const signed = await signIn(pki.sign(nonce, 'aigerim', ['intermediate']));
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().role).toBe('citizen');
    expect(await me(signed.json().token)).toMatchObject({ identifier: '900412473208', state: 'KZ' });
    const again = await signIn(pki.sign(nonce, 'aigerim', ['intermediate']));
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('challenge_unknown_or_used');
    const carried = await signIn(pki.sign(await challenge(), 'aigerim', ['intermediate'], '-nodetach'));
    expect(carried.statusCode, carried.body).toBe(200);
  });

  it('enrols a person the node does not know yet: their account, the name as the certificate has it, the caller\'s language', async () => {
    const signed = await signIn(pki.sign(await challenge(), 'newcomer', ['intermediate']), 'ru');
    expect(signed.statusCode, signed.body).toBe(200);
    expect(await me(signed.json().token)).toMatchObject({ identifier: '010203500017', state: 'KZ', name: 'ДАНИЯР ОМАРОВ', role: 'citizen', language: 'ru' });
    const audit = await t.node.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'signin').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ method: 'cms', enrolled: true });
    // the next sign-in finds the same account
    const next = await signIn(pki.sign(await challenge(), 'newcomer', ['intermediate']));
    expect((await me(next.json().token)).accountId).toBe((await me(signed.json().token)).accountId);
  });

  it('refuses, in the caller\'s language and writing nothing, a self-made CA with a real IIN, a signing-only key, garbage', async () => {
    const persons = async () => Number((await t.node.database.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await persons();
    const nonce = await challenge();
    const cases: [Buffer | string, string][] = [
      [pki.sign(nonce, 'fake', []), 'certificate_untrusted'],
      [pki.sign(nonce, 'signing-only', ['intermediate']), 'certificate_wrong_usage'],
      [pki.sign(nonce, 'aigerim-revoked', ['intermediate']), 'certificate_revoked'],
      [pki.sign(nonce, 'aigerim-unanswered', ['intermediate']), 'certificate_status_unknown'],
      ['bm90IGEgc2lnbmF0dXJl', 'signature_invalid'],
      ['%%% not base64 %%%', 'signature_invalid'],
    ];
    // a time-stamp token is CMS too, of another content type; a signature cut short
    const token = await t.app.inject({ method: 'POST', url: '/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload: timestampQuery() });
    expect(token.statusCode).toBe(200);
    cases.push([Buffer.from(pkijs.TimeStampResp.fromBER(new Uint8Array(token.rawPayload).buffer).timeStampToken!.toSchema().toBER(false)), 'signature_invalid']);
    cases.push([pki.sign(nonce, 'aigerim', ['intermediate']).subarray(0, 200), 'signature_invalid']);
    for (const [cms, code] of cases) {
      const refused = await signIn(cms, 'kk');
      expect(refused.statusCode, refused.body).toBe(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ code, detail: translate('kk', `errors.${code}`) });
    }
    // 5 MB of base64: refused by the body limit before it is read
    const huge = await signIn('A'.repeat(5 * 1024 * 1024));
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('application/problem+json');
    expect(await persons()).toBe(before);
    // the challenge was not used up by the refusals: the genuine signature over it still signs in
    expect((await signIn(pki.sign(nonce, 'aigerim', ['intermediate']))).statusCode).toBe(200);
  });
});

describe("a certificate naming an organization", () => {
  it('signs in its holder and records for whom they may act: the organization, as its head', async () => {
    const signed = await signIn(pki.sign(await challenge(), 'erlan-head', ['intermediate']));
    expect(signed.statusCode, signed.body).toBe(200);
    const who = await me(signed.json().token);
    expect(who).toMatchObject({ identifier: '871103379671', actsFor: [{ state: 'KZ', organization: '123456789021', capacity: 'head' }] });
    // a sign-in with a personal certificate leaves others' mandates alone, and shows none of its own
    const aigerim = await signIn(pki.sign(await challenge(), 'aigerim', ['intermediate']));
    expect((await me(aigerim.json().token)).actsFor).toEqual([]);
  });
});

describe('an application signed with CMS by the applicant\'s own signing certificate', () => {
  const SERVICE = 'kz-criminal-record-certificate';
  const submit = (token: string, data: Record<string, unknown>, cms: Buffer | string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { authorization: `Bearer ${token}`, 'idempotency-key': crypto.randomUUID(), 'accept-language': 'ru' }, payload: { service: SERVICE, data, cms: Buffer.isBuffer(cms) ? cms.toString('base64') : cms } });

  it('is taken over the canonical JSON of {service, data}; another key, another person, other data: 422 at /cms, nothing written', async () => {
    const token = (await signIn(pki.sign(await challenge(), 'aigerim', ['intermediate']))).json().token as string;
    const data = t.node.catalog.get(SERVICE)!.form.example;
    const payload = Buffer.from(signedPayload(SERVICE, data));
    const count = async () => Number((await t.node.database.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const cases: [Buffer, string][] = [
      [pki.sign(payload, 'aigerim', ['intermediate']), 'certificate_wrong_usage'],
      [pki.sign(payload, 'newcomer-signing', ['intermediate']), 'signer_is_not_applicant'],
      [pki.sign(Buffer.from(signedPayload(SERVICE, { ...data, paperCopy: !data.paperCopy })), 'aigerim-signing', ['intermediate']), 'signature_invalid'],
    ];
    for (const [cms, code] of cases) {
      const refused = await submit(token, data, cms);
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json().errors).toEqual([expect.objectContaining({ field: '/cms', code, message: translate('ru', `errors.${code}`) })]);
    }
    expect(await count()).toBe(before);
    const taken = await submit(token, data, pki.sign(payload, 'aigerim-signing', ['intermediate']));
    expect(taken.statusCode, taken.body).toBe(201);
    const detail = (await t.app.inject({ url: `/api/v1/applications/${taken.json().id}`, headers: { authorization: `Bearer ${token}` } })).json();
    expect(detail.history[0]).toMatchObject({ type: 'submit', details: { format: 'cms', issuer: expect.stringContaining('Test NCA Authentication') } });
    // the CA's responder's signed answer is kept with the application: openssl reads it back, good when signed
    const kept = await t.node.database.db.selectFrom('application_actions').select('payload').where('application_id', '=', taken.json().id).where('type', '=', 'submit').executeTakeFirstOrThrow();
    const evidence = (kept.payload as { certificateStatus: { status: string; source: string; ocspResponse: string } }).certificateStatus;
    expect(evidence).toMatchObject({ status: 'good', source: 'ocsp' });
    writeFileSync(join(pki.dir, 'evidence.der'), Buffer.from(evidence.ocspResponse, 'base64'));
    expect(await output('openssl', ['ocsp', '-respin', 'evidence.der', '-issuer', 'intermediate.pem', '-cert', 'aigerim-signing.pem', '-CAfile', 'root.pem', '-no_nonce'], { cwd: pki.dir })).toContain('aigerim-signing.pem: good');
  });
});

describe('GOST R 34.10-2012 signatures (openssl with Debian\'s GOST engine), their status from a GOST-signed OCSP responder', () => {
  it('signs in with a 512-bit key (Streebog-512, detached: the challenge found by its digest), refuses the revoked one', async () => {
    const signed = await signIn(gost.sign(await challenge(), 'aigerim-gost', [], '-md', 'md_gost12_512'));
    expect(signed.statusCode, signed.body).toBe(200);
    expect(await me(signed.json().token)).toMatchObject({ identifier: '900412473208', state: 'KZ' });
    const audit = await t.node.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'signin').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ method: 'cms', certificateStatus: { status: 'good', source: 'ocsp' } });
    const revoked = await signIn(gost.sign(await challenge(), 'aigerim-gost-revoked', [], '-md', 'md_gost12_512'));
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('certificate_revoked');
  });

  it('takes an application signed with a 256-bit GOST signing key', async () => {
    const SERVICE = 'kz-criminal-record-certificate';
    const token = (await signIn(gost.sign(await challenge(), 'aigerim-gost', [], '-md', 'md_gost12_512', '-nodetach'))).json().token as string;
    const data = t.node.catalog.get(SERVICE)!.form.example;
    const cms = gost.sign(Buffer.from(signedPayload(SERVICE, data)), 'aigerim-gost-signing', [], '-md', 'md_gost12_256');
    const taken = await t.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { authorization: `Bearer ${token}`, 'idempotency-key': crypto.randomUUID() }, payload: { service: SERVICE, data, cms: cms.toString('base64') } });
    expect(taken.statusCode, taken.body).toBe(201);
  });
});

describe('ORTAK_REVOCATION=prefer: a status that cannot be learnt is recorded, and the signer goes on', () => {
  let preferring: TestNode;
  beforeAll(async () => {
    preferring = await createTestNode({ start: new Date().toISOString(), env: { ORTAK_TRUST_DIR: trustDir, ORTAK_REVOCATION: 'prefer', ORTAK_REVOCATION_TIMEOUT_MS: '1000' } });
  });
  afterAll(() => preferring.close());

  it('signs in with the unanswered certificate, its status unknown in the audit; a revoked one is refused all the same', async () => {
    const ask = async (name: string) => {
      const nonce = (await preferring.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json().nonce as string;
      return preferring.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { cms: pki.sign(nonce, name, ['intermediate']).toString('base64') } });
    };
    expect((await ask('aigerim-unanswered')).statusCode).toBe(200);
    const audit = await preferring.node.database.db.selectFrom('audit_events').select(['details']).where('action', '=', 'signin').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ method: 'cms', certificateStatus: { status: 'unknown', source: 'ocsp', why: expect.stringContaining('did not answer within 1000 ms') } });
    const revoked = await ask('aigerim-revoked');
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('certificate_revoked');
  });
});
