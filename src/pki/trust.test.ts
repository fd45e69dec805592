import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../platform/paths.js';
import './certificates.js'; // (sets @peculiar/x509's crypto provider to Node's)
import { loadTrustList, nationalNumber } from './trust.js';

// The trust list as an operator installs it: CA certificates made by openssl (not by this code), the profiles that
// ship with the node.
const dir = mkdtempSync(join(tmpdir(), 'ortak-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/** A trust folder: the shipped profiles, and the files given per state. */
function trustFolder(name: string, files: Record<string, string> = {}): string {
  const root = join(dir, name);
  cpSync(join(paths.root, 'trust'), root, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/C=KZ/O=Test NCA/CN=Test NCA Root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'person.key', '-out', 'person.csr', '-subj', '/C=KZ/CN=SEITOVA AIGERIM/serialNumber=IIN900412473208/OU=BIN123456789021');
openssl('x509', '-req', '-in', 'person.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '365', '-out', 'person.pem');
const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');

async function selfSigned(notBefore: Date, notAfter: Date, ca: boolean): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=Old CA', notBefore, notAfter, keys, signingAlgorithm: alg, extensions: [new x509.BasicConstraintsExtension(ca, undefined, true)] });
  return cert.toString('pem');
}

describe('the trust list', () => {
  it('reads the profiles that ship with the node: five states, no CA until the operator installs one', () => {
    const list = loadTrustList(join(paths.root, 'trust'), new Date());
    expect([...list.keys()]).toEqual(['AZ', 'KG', 'KZ', 'TR', 'UZ']);
    expect([...list.values()].every((s) => s.authorities.length === 0)).toBe(true);
    expect(list.get('KZ')!.profile.person).toEqual({ attribute: 'serialNumber', pattern: '^IIN(\\d{12})$' });
  });

  it('takes a CA the operator installs, and reads a person\'s and an organization\'s number where the profile says', () => {
    const list = loadTrustList(trustFolder('installed', { 'KZ/nca-root.pem': caPem }), new Date());
    const kz = list.get('KZ')!;
    expect(kz.authorities.map((c) => c.subject)).toEqual(['C=KZ, O=Test NCA, CN=Test NCA Root']);
    const person = new x509.X509Certificate(readFileSync(join(dir, 'person.pem')));
    expect(nationalNumber(person, kz.profile.person)).toBe('900412473208');
    expect(nationalNumber(person, kz.profile.organization!)).toBe('123456789021');
    expect(nationalNumber(person, list.get('TR')!.profile.person)).toBeUndefined();
  });

  it('stops the start, naming the file, for an expired or not yet valid CA, a certificate that is no CA, unreadable PEM', async () => {
    const day = 86_400_000;
    const now = new Date();
    const cases: [string, string, RegExp][] = [
      ['KZ/expired.pem', await selfSigned(new Date(now.getTime() - 900 * day), new Date(now.getTime() - day), true), /KZ\/expired\.pem: CN=Old CA expired on/],
      ['TR/future.pem', await selfSigned(new Date(now.getTime() + 10 * day), new Date(now.getTime() + 900 * day), true), /TR\/future\.pem: CN=Old CA is not valid before/],
      ['UZ/leaf.pem', readFileSync(join(dir, 'person.pem'), 'utf8'), /UZ\/leaf\.pem: .* is not a certification authority/],
      ['AZ/broken.pem', '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n', /AZ\/broken\.pem: certificate 1 cannot be read/],
      ['KG/empty.pem', 'nothing here', /KG\/empty\.pem: holds no PEM certificate/],
    ];
    for (const [i, [file, text, message]] of cases.entries()) {
      expect(() => loadTrustList(trustFolder(`bad-${i}`, { [file]: text }), now)).toThrow(message);
    }
  });

  it('stops the start for a profile that does not fit, is another state\'s, is missing, or a folder of no member state', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'KZ/profile.yaml': 'state: KZ\nperson: { attribute: serialNumber, pattern: "^IIN\\\\d{12}$" }\nauthentication: { keyUsage: [digitalSignature], extendedKeyUsage: [] }\nsigning: { keyUsage: [nonRepudiation], extendedKeyUsage: [] }\n' }, /KZ\/profile\.yaml: pattern .*exactly one capturing group/],
      [{ 'KZ/profile.yaml': 'state: KZ\nperson: { attribute: serialNumber, pattern: "^(\\\\d+)$" }\nauthentication: { keyUsage: [sign], extendedKeyUsage: [] }\nsigning: { keyUsage: [nonRepudiation], extendedKeyUsage: [] }\n' }, /KZ\/profile\.yaml: \/authentication\/keyUsage\/0 must be equal to one of the allowed values/],
      [{ 'TR/profile.yaml': readFileSync(join(paths.root, 'trust', 'KZ', 'profile.yaml'), 'utf8') }, /TR\/profile\.yaml: is the profile of KZ, in the folder of TR/],
      [{ 'XX/ca.pem': caPem }, /XX: is not a member state's folder/],
    ];
    for (const [i, [files, message]] of cases.entries()) expect(() => loadTrustList(trustFolder(`profile-${i}`, files), new Date())).toThrow(message);
    const missing = trustFolder('no-profile');
    rmSync(join(missing, 'UZ', 'profile.yaml'));
    expect(() => loadTrustList(missing, new Date())).toThrow(/UZ\/profile\.yaml: is missing/);
  });
});
