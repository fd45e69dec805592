import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';
import { EC_P256, EKU_CLIENT_AUTH, EKU_EMAIL, GOST_256, GOST_512, OpensslPki, RSA_2048 } from '../../test/support/openssl-pki.js';
import './certificates.js';
import { CmsRefused, verifyCitizenCms } from './citizen-cms.js';
import { loadTrustList } from './trust.js';

// Signatures as a citizen's own software makes them, here by `openssl cms -sign` under CAs made by openssl: a
// Kazakh root with an intermediate (as NCA issues), the node reading them through the shipped KZ profile.
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Authentication (RSA)', 'root')
  .ca('stranger', '/C=KZ/O=Self-made/CN=Fake NCA')
  .person('aigerim', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/SN=СЕЙІТОВА/GN=АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`)
  .person('aigerim-ec', 'intermediate', EC_P256, '/C=KZ/CN=SEITOVA AIGERIM/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=${EKU_EMAIL}\n`)
  .person('head', 'intermediate', RSA_2048, '/C=KZ/CN=ZHAKSYBEKOV ERLAN/serialNumber=IIN871103379671/OU=BIN123456789021/O=Zhaksybekov LLC', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\ncertificatePolicies=1.2.398.3.3.4.1.2.1\n`)
  .person('no-auth', 'intermediate', RSA_2048, '/C=KZ/CN=SEITOVA AIGERIM/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation\nextendedKeyUsage=${EKU_EMAIL}\n`)
  .person('fake', 'stranger', RSA_2048, '/C=KZ/CN=SEITOVA AIGERIM/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`);
afterAll(() => pki.remove());
const trust = loadTrustList(pki.trustFolder({ KZ: ['root'] }), new Date());
const nonce = 'Zm9yIHNpZ25pbmcgaW4gb25jZQ';
const content = Buffer.from(nonce, 'utf8');
const sign = (text: string, signer: string, ...extra: string[]) => pki.sign(text, signer, ['intermediate'], ...extra);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CmsRefused) return e.code;
    throw e;
  }
  return 'accepted';
}

describe("a citizen's own CMS signature", () => {
  it('signs in: RSA, detached, chained through the intermediate it carries to the trust list; the IIN and the name read', () => {
    const signer = verifyCitizenCms(sign(nonce, 'aigerim'), content, trust, 'authentication', new Date());
    expect(signer).toMatchObject({ state: 'KZ', nationalId: '900412473208', name: { common: 'СЕЙІТОВА АЙГЕРІМ', given: 'АЙГЕРІМ', family: 'СЕЙІТОВА' }, capacity: null });
    expect(signer.chain.map((c) => c.subject.split('\n').at(-1))).toEqual(['CN=Test NCA Authentication (RSA)', 'CN=Test NCA Root']);
    expect(signer.signingTime).toBeInstanceOf(Date);
  });

  it('takes the content inside the signature, ECDSA P-256 keys, RSA-PSS, and the signing-certificate v2 attribute', () => {
    expect(verifyCitizenCms(sign(nonce, 'aigerim-ec', '-nodetach'), content, trust, 'signing', new Date()).nationalId).toBe('900412473208');
    expect(verifyCitizenCms(sign(nonce, 'aigerim', '-keyopt', 'rsa_padding_mode:pss'), content, trust, 'authentication', new Date()).nationalId).toBe('900412473208');
    expect(verifyCitizenCms(sign(nonce, 'aigerim', '-cades'), content, trust, 'authentication', new Date()).nationalId).toBe('900412473208');
  });

  it("reads an organization's number and its head from the profile's policy", () => {
    expect(verifyCitizenCms(sign(nonce, 'head'), content, trust, 'authentication', new Date())).toMatchObject({ nationalId: '871103379671', organizationId: '123456789021', capacity: 'head' });
  });

  it('refuses other content, a changed byte, a self-made CA with a real IIN, the wrong key usage, garbage, a truncation, an expired certificate', () => {
    const now = new Date();
    expect(refusal(() => verifyCitizenCms(sign(nonce, 'aigerim'), Buffer.from('another nonce'), trust, 'authentication', now))).toBe('signature_invalid');
    expect(refusal(() => verifyCitizenCms(sign('another nonce', 'aigerim', '-nodetach'), content, trust, 'authentication', now))).toBe('signature_invalid');
    const changed = sign(nonce, 'aigerim');
    changed[changed.length - 10] ^= 1;
    expect(refusal(() => verifyCitizenCms(changed, content, trust, 'authentication', now))).toBe('signature_invalid');
    expect(refusal(() => verifyCitizenCms(pki.sign(nonce, 'fake', []), content, trust, 'authentication', now))).toBe('certificate_untrusted');
    expect(refusal(() => verifyCitizenCms(sign(nonce, 'no-auth'), content, trust, 'authentication', now))).toBe('certificate_wrong_usage');
    expect(refusal(() => verifyCitizenCms(sign(nonce, 'aigerim'), content, trust, 'signing', now))).toBe('certificate_wrong_usage');
    expect(refusal(() => verifyCitizenCms(Buffer.from('not a signature at all'), content, trust, 'authentication', now))).toBe('signature_invalid');
    expect(refusal(() => verifyCitizenCms(sign(nonce, 'aigerim').subarray(0, 300), content, trust, 'authentication', now))).toBe('signature_invalid');
    // without the intermediate it was issued by, the chain does not reach the trust list
    expect(refusal(() => verifyCitizenCms(pki.sign(nonce, 'aigerim', []), content, trust, 'authentication', now))).toBe('certificate_untrusted');
    // two days before it was issued, it is not valid yet
    expect(refusal(() => verifyCitizenCms(sign(nonce, 'aigerim'), content, trust, 'authentication', new Date(now.getTime() - 2 * 86_400_000)))).toBe('certificate_not_yet_valid');
    // a year and a half on, the person's certificate has expired
    expect(refusal(() => verifyCitizenCms(sign(nonce, 'aigerim'), content, trust, 'authentication', new Date(now.getTime() + 500 * 86_400_000)))).toBe('certificate_expired');
  });

  it('refuses a signature whose attributes parse but hold the wrong thing (an empty signing certificate, a number for the time)', () => {
    const altered = (change: (attributes: pkijs.Attribute[]) => void) => {
      const info = pkijs.ContentInfo.fromBER(new Uint8Array(sign(nonce, 'aigerim')).buffer);
      const signed = new pkijs.SignedData({ schema: info.content });
      change(signed.signerInfos[0].signedAttrs!.attributes);
      return Buffer.from(new pkijs.ContentInfo({ contentType: info.contentType, content: signed.toSchema(true) }).toSchema().toBER(false));
    };
    const emptySigningCertificate = altered((a) => a.push(new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.47', values: [new asn1js.Sequence()] })));
    const numberForTime = altered((a) => (a.find((x) => x.type === '1.2.840.113549.1.9.5')!.values = [new asn1js.Integer({ value: 1 })]));
    for (const der of [emptySigningCertificate, numberForTime]) expect(refusal(() => verifyCitizenCms(der, content, trust, 'authentication', new Date()))).toBe('signature_invalid');
  });
});

// GOST R 34.10-2012 as Kazakhstan's NCA issues it: a root with a 512-bit key (TC 26 paramSetA), persons' 512- and
// 256-bit keys, signatures with Streebog digests; all made by openssl with Debian's GOST engine.
describe('a GOST signature (openssl with the GOST engine)', () => {
  const gost = new OpensslPki({ gost: true })
    .ca('gost-root', '/C=KZ/O=Test NCA/CN=Test NCA Root (GOST)', undefined, GOST_512)
    .person('gost-512', 'gost-root', GOST_512, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`)
    .person('gost-256', 'gost-root', GOST_256, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,nonRepudiation\nextendedKeyUsage=${EKU_EMAIL}\n`);
  afterAll(() => gost.remove());
  const gostTrust = loadTrustList(gost.trustFolder({ KZ: ['gost-root'] }), new Date());

  it('takes 512-bit keys with Streebog-512 and 256-bit keys with Streebog-256, detached or carried, chained to a GOST root', () => {
    const now = new Date();
    const signer = verifyCitizenCms(gost.sign(nonce, 'gost-512', [], '-md', 'md_gost12_512'), content, gostTrust, 'authentication', now);
    expect(signer).toMatchObject({ state: 'KZ', nationalId: '900412473208' });
    expect(signer.chain.map((c) => c.subject.split('\n').at(-1))).toEqual(['CN=Test NCA Root (GOST)']);
    expect(verifyCitizenCms(gost.sign(nonce, 'gost-256', [], '-md', 'md_gost12_256', '-nodetach'), content, gostTrust, 'signing', now).nationalId).toBe('900412473208');
  });

  it('refuses a changed byte, other content, and a GOST root not installed', () => {
    const now = new Date();
    const changed = gost.sign(nonce, 'gost-512', [], '-md', 'md_gost12_512');
    changed[changed.length - 5] ^= 1;
    expect(refusal(() => verifyCitizenCms(changed, content, gostTrust, 'authentication', now))).toBe('signature_invalid');
    expect(refusal(() => verifyCitizenCms(gost.sign(nonce, 'gost-512', [], '-md', 'md_gost12_512'), Buffer.from('other'), gostTrust, 'authentication', now))).toBe('signature_invalid');
    expect(refusal(() => verifyCitizenCms(gost.sign(nonce, 'gost-512', [], '-md', 'md_gost12_512'), content, trust, 'authentication', now))).toBe('certificate_untrusted');
  });
});

describe("the chain's certification authorities", () => {
  const AUTH = `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`;
  const IIN = '/C=KZ/CN=SEITOVA AIGERIM/serialNumber=IIN900412473208';
  const cas = new OpensslPki()
    .ca('tight-root', '/C=KZ/O=Test/CN=Root allowing no intermediate', undefined, RSA_2048, 'critical,CA:TRUE,pathlen:0')
    .ca('under-tight', '/C=KZ/O=Test/CN=Intermediate it may not have', 'tight-root')
    .person('too-deep', 'under-tight', RSA_2048, IIN, AUTH)
    .ca('crl-only-root', '/C=KZ/O=Test/CN=Root whose key may only sign CRLs', undefined, RSA_2048, 'critical,CA:TRUE', 'critical,cRLSign')
    .person('by-crl-key', 'crl-only-root', RSA_2048, IIN, AUTH)
    // two CAs that certify each other, and a person under one of them: a loop of carried certificates
    .ca('loop-a', '/C=KZ/O=Loop/CN=Loop A')
    .ca('loop-b', '/C=KZ/O=Loop/CN=Loop B')
    .crossCertify('a-by-b', 'loop-a', '/C=KZ/O=Loop/CN=Loop A', 'loop-b')
    .crossCertify('b-by-a', 'loop-b', '/C=KZ/O=Loop/CN=Loop B', 'loop-a')
    .person('in-loop', 'loop-a', RSA_2048, IIN, AUTH);
  afterAll(() => cas.remove());
  const casTrust = loadTrustList(cas.trustFolder({ KZ: ['tight-root', 'crl-only-root'] }), new Date());

  it("refuses an intermediate beyond the root's path length, and a CA whose key usage does not allow signing certificates", () => {
    const now = new Date();
    expect(refusal(() => verifyCitizenCms(cas.sign(nonce, 'too-deep', ['under-tight']), content, casTrust, 'authentication', now))).toBe('certificate_untrusted');
    expect(refusal(() => verifyCitizenCms(cas.sign(nonce, 'by-crl-key', []), content, casTrust, 'authentication', now))).toBe('certificate_untrusted');
  });

  it('ends a loop of cross-certificates the signature carries: untrusted, not a hang', () => {
    expect(refusal(() => verifyCitizenCms(cas.sign(nonce, 'in-loop', ['a-by-b', 'b-by-a']), content, casTrust, 'authentication', new Date()))).toBe('certificate_untrusted');
  });
});
