import * as x509 from '@peculiar/x509';
import { compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { applicationPayload, certificateHolder, challengePayload, nationalNumberOf, importSigningKey, KeyFileError, parseKeyFile, signCompact } from './signing';

// The browser's signing against what the node accepts: a compact JWS (ES256) that jose verifies, its protected
// header exactly {"alg":"ES256","x5c":[…]}, over the RFC 8785 text of {service, data} or {"nonce": …}.
x509.cryptoProvider.set(globalThis.crypto);

async function keyFile() {
  const keys = await generateKeyPair('ES256', { extractable: true });
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Сейітова Айгерім, 2.5.4.5=PNOKZ-900412473208, C=KZ',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2029-01-01T00:00:00Z'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys: keys as CryptoKeyPair,
  });
  const jwk = await exportJWK(keys.privateKey);
  return { file: { ...jwk, alg: 'ES256', use: 'sig', kid: 'k1', x5c: [cert.toString('base64')] }, publicKey: keys.publicKey };
}

describe('signing with a key file in the browser', () => {
  it('makes a compact JWS (ES256) with the certificate chain in x5c that verifies', async () => {
    const { file, publicKey } = await keyFile();
    const signer = await importSigningKey(parseKeyFile(JSON.stringify(file)));
    const payload = applicationPayload('kz-marriage-registration', { solemnCeremony: true, preferredDate: '2026-12-20', names: ['Әлихан'] });
    const jws = await signCompact(signer, payload);
    const verified = await compactVerify(jws, publicKey, { algorithms: ['ES256'] });
    expect(new TextDecoder().decode(verified.payload)).toBe(payload);
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', x5c: file.x5c });
    expect(JSON.parse(atob(jws.split('.')[0].replace(/-/g, '+').replace(/_/g, '/')))).toEqual({ alg: 'ES256', x5c: file.x5c });
    expect(jws.split('.')[2]).toMatch(/^[A-Za-z0-9_-]{86}$/); // r||s, 64 bytes
  });

  it('signs the RFC 8785 text of {service, data} and the challenge as {"nonce": …}', () => {
    expect(applicationPayload('svc', { b: 1, a: 'x', c: { z: null, y: [2, 1] } })).toBe('{"data":{"a":"x","b":1,"c":{"y":[2,1],"z":null}},"service":"svc"}');
    expect(challengePayload('abc')).toBe('{"nonce":"abc"}');
  });

  it("reads the holder from the certificate: name, state and national identifier, expiry", async () => {
    const { file } = await keyFile();
    expect(certificateHolder(file.x5c[0])).toMatchObject({ name: 'Сейітова Айгерім', state: 'KZ', identifier: '900412473208', notAfter: new Date('2029-01-01T00:00:00Z') });
    expect(certificateHolder('AAAA')).toEqual({ name: null, state: null, identifier: null, notAfter: null, issuer: null });
  });

  it("reads a national number from SERIALNUMBER in ETSI's form or a state's own prefix", () => {
    expect(nationalNumberOf('PNOKZ-900412473208')).toEqual({ state: 'KZ', identifier: '900412473208' });
    expect(nationalNumberOf('IIN900412473208')).toEqual({ state: null, identifier: '900412473208' });
    expect(nationalNumberOf('900412473208')).toEqual({ state: null, identifier: '900412473208' });
  });

  it('says what is wrong with a file that is not a key file', async () => {
    const { file } = await keyFile();
    const problem = (text: string) => {
      try {
        parseKeyFile(text);
        return null;
      } catch (e) {
        return e instanceof KeyFileError ? e.problem : 'other';
      }
    };
    expect(problem('not json')).toBe('json');
    expect(problem(JSON.stringify({ kty: 'RSA' }))).toBe('notKey');
    expect(problem(JSON.stringify({ ...file, d: undefined }))).toBe('notKey');
    expect(problem(JSON.stringify({ ...file, x5c: [] }))).toBe('noCertificate');
    expect(problem(`\uFEFF${JSON.stringify(file)}`)).toBeNull();
  });
});
