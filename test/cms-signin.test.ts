import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedPayload } from '../src/applications/index.js';
import { translate } from '../src/i18n/index.js';
import { createTestNode, type TestNode } from './support/node.js';
import { EKU_CLIENT_AUTH, EKU_EMAIL, OpensslPki, RSA_2048 } from './support/openssl-pki.js';

// Sign-in with the e-signature a citizen's state gave them: a CMS made by `openssl cms -sign` over the challenge's
// nonce, under a Kazakh root the operator installed in the trust list (ORTAK_TRUST_DIR).
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Authentication (RSA)', 'root')
  .ca('stranger', '/C=KZ/O=Self-made/CN=Fake NCA')
  // Айгерім, a demo persona the node knows; a person it does not know yet; a self-made certificate with her IIN
  .person('aigerim', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`)
  .person('newcomer', 'intermediate', RSA_2048, '/C=KZ/CN=ОМАРОВ ДАНИЯР/SN=ОМАРОВ/GN=ДАНИЯР/serialNumber=IIN010203500017', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`)
  .person('signing-only', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation\nextendedKeyUsage=${EKU_EMAIL}\n`)
  .person('aigerim-signing', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation,digitalSignature\nextendedKeyUsage=${EKU_EMAIL}\n`)
  .person('newcomer-signing', 'intermediate', RSA_2048, '/C=KZ/CN=ОМАРОВ ДАНИЯР/serialNumber=IIN010203500017', `keyUsage=critical,nonRepudiation\nextendedKeyUsage=${EKU_EMAIL}\n`)
  .person('fake', 'stranger', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`);
let t: TestNode;
beforeAll(async () => {
  // (the node's clock at this moment: openssl issued the certificates just now)
  t = await createTestNode({ start: new Date().toISOString(), env: { ORTAK_TRUST_DIR: pki.trustFolder({ KZ: ['root'] }) } });
});
afterAll(async () => {
  await t.close();
  pki.remove();
});

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
      ['bm90IGEgc2lnbmF0dXJl', 'signature_invalid'],
      ['%%% not base64 %%%', 'signature_invalid'],
    ];
    for (const [cms, code] of cases) {
      const refused = await signIn(cms, 'kk');
      expect(refused.statusCode, refused.body).toBe(401);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ code, detail: translate('kk', `errors.${code}`) });
    }
    expect(await persons()).toBe(before);
    // the challenge was not used up by the refusals: the genuine signature over it still signs in
    expect((await signIn(pki.sign(nonce, 'aigerim', ['intermediate']))).statusCode).toBe(200);
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
  });
});
