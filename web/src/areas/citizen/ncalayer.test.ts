import { afterAll, describe, expect, it } from 'vitest';
import { EKU_CLIENT_AUTH, OpensslPki, RSA_2048 } from '../../../../test/support/openssl-pki.js';
import { bareBase64, cmsSigner, loopbackWss } from './ncalayer';

// What the portal makes of NCALayer's answer: the CMS (PEM-armoured, as NCALayer sends it) as base64 DER, and whose
// certificate signed it, read from CMS made by `openssl cms -sign` (signer named by issuer and serial, or by key id).
const pki = new OpensslPki()
  .ca('root', '/C=KZ/O=Test NCA/CN=Test NCA Root')
  .ca('intermediate', '/C=KZ/O=Test NCA/CN=Test NCA Intermediate', 'root')
  .person('auth', 'intermediate', RSA_2048, '/C=KZ/CN=СЕЙІТОВА АЙГЕРІМ/serialNumber=IIN900412473208', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\nsubjectKeyIdentifier=hash\n`);
afterAll(() => pki.remove());

const pem = (der: Buffer) => `-----BEGIN CMS-----\r\n${der.toString('base64').match(/.{1,64}/g)!.join('\r\n')}\r\n-----END CMS-----\r\n`;

describe("NCALayer's answer", () => {
  it('is read as base64 DER, and its signer as the certificate the CMS names, with the CA certificates beside it', () => {
    for (const extra of [[], ['-keyid']]) {
      const der = pki.sign('nonce', 'auth', ['intermediate', 'root'], ...extra);
      const cms = bareBase64(pem(der));
      expect(cms).toBe(der.toString('base64'));
      expect(cmsSigner(cms)).toMatchObject({ name: 'СЕЙІТОВА АЙГЕРІМ', state: 'KZ', identifier: '900412473208', issuer: 'Test NCA Intermediate' });
    }
  });

  it('has no signer when it is not a CMS', () => {
    expect(cmsSigner('bm90IGEgQ01T')).toBeNull();
  });

  it("is asked for at NCALayer's published address, or at another port on the loopback only", () => {
    expect(loopbackWss('wss://127.0.0.1:40123')).toBe('wss://127.0.0.1:40123');
    expect(loopbackWss('wss://localhost:13579/')).toBe('wss://localhost:13579/');
    for (const bad of ['ws://127.0.0.1:13579', 'wss://evil.example:13579', 'wss://127.0.0.1.evil.example:1', 'wss://127.0.0.1:13579/x', 'https://127.0.0.1:13579', '', null]) expect(loopbackWss(bad)).toBeNull();
  });
});
