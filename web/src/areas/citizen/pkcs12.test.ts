import { afterAll, describe, expect, it } from 'vitest';
import { CmsRefused, verifyCitizenCms } from '../../../../src/pki/citizen-cms.js';
import { loadTrustList } from '../../../../src/pki/trust.js';
import { EC_P256, EKU_CLIENT_AUTH, EKU_EMAIL, OpensslPki, RSA_2048 } from '../../../../test/support/openssl-pki.js';
import { openP12, P12Error, signCms } from './pkcs12';

// The portal's PKCS #12 reading and CMS signing (over Node's WebCrypto, as the browser's) against files made by
// `openssl pkcs12 -export` with OpenSSL 3's defaults, and the signatures checked by the node's own reader.
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Intermediate', 'root')
  .person('auth', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`)
  .person('sign-ec', 'intermediate', EC_P256, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation,digitalSignature\nextendedKeyUsage=${EKU_EMAIL}\n`);
afterAll(() => pki.remove());
const trust = loadTrustList(pki.trustFolder({ KZ: ['root'] }), new Date());

const problem = async (p: Promise<unknown>) => p.then(() => 'opened', (e: unknown) => (e instanceof P12Error ? e.problem : `threw ${String(e)}`));

describe('a .p12 key file in the browser', () => {
  it('opens an RSA key with its certificate and CA, shows the holder, and signs a detached CMS the node accepts', async () => {
    const key = await openP12(pki.p12('auth', 'сәлем-1234', ['intermediate']), 'сәлем-1234');
    expect(key.key.extractable).toBe(false);
    expect(key.key.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect(key.holder).toMatchObject({ name: 'СЕЙІТОВА АЙГЕРІМ', identifier: '900412473208', state: 'KZ', issuer: 'Test NCA Intermediate' });
    expect(key.holder.notAfter!.getTime()).toBeGreaterThan(Date.now());
    expect(key.chain).toHaveLength(1);
    const nonce = 'bm9uY2UtZm9yLXRoZS1wMTI';
    const cms = Buffer.from(await signCms(key, nonce), 'base64');
    const signer = verifyCitizenCms(cms, Buffer.from(nonce), trust, 'authentication', new Date());
    expect(signer).toMatchObject({ state: 'KZ', nationalId: '900412473208' });
    expect(signer.signingTime).not.toBeNull();
    // other content: refused
    expect(() => verifyCitizenCms(cms, Buffer.from('other'), trust, 'authentication', new Date())).toThrow(CmsRefused);
  });

  it('opens an ECDSA P-256 key and signs an application the node accepts with the signing usage', async () => {
    const key = await openP12(pki.p12('sign-ec', 'pw', ['intermediate', 'root']), 'pw');
    expect(key.key.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(key.chain).toHaveLength(2);
    const payload = '{"data":{"a":"ә"},"service":"kz-x"}';
    const cms = Buffer.from(await signCms(key, payload), 'base64');
    expect(verifyCitizenCms(cms, Buffer.from(payload, 'utf8'), trust, 'signing', new Date())).toMatchObject({ nationalId: '900412473208' });
  });

  it('says what is wrong: the password, an older cipher, not a PKCS #12 file', async () => {
    const file = pki.p12('auth', 'right', ['intermediate']);
    expect(await problem(openP12(file, 'wrong'))).toBe('wrongPassword');
    expect(await problem(openP12(file, ''))).toBe('wrongPassword');
    expect(await problem(openP12(pki.p12('auth', 'right', [], true), 'right'))).toBe('legacyCipher');
    expect(await problem(openP12(pki.p12('auth', 'right', [], true), 'wrong'))).toBe('wrongPassword');
    expect(await problem(openP12(Buffer.from('{"kty":"EC"}'), 'x'))).toBe('notP12');
    expect(await problem(openP12(file.subarray(0, 100), 'right'))).toBe('notP12');
  });
});
