import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { output } from '../../test/support/run.js';
import { EKU_CLIENT_AUTH, EKU_OCSP_SIGNING, freePort, OpensslPki, RSA_2048 } from '../../test/support/openssl-pki.js';
import { RevocationChecker } from './revocation.js';

// A state's CA as openssl runs it: `openssl ocsp` answering from the CA's database (signed by the CA, by a responder
// it delegated, or by a key it gave no authority), `openssl ca -gencrl` making its CRL, and addresses that hang.
const ports = { ocsp: await freePort(), delegated: await freePort(), rogue: await freePort(), crl: await freePort(), hang: await freePort(), staleCrl: await freePort() };
const url = (port: number, path = '') => `http://127.0.0.1:${port}${path}`;
const person = (ocsp?: number, crl?: number) =>
  `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n${ocsp ? `authorityInfoAccess=OCSP;URI:${url(ocsp)}\n` : ''}${crl ? `crlDistributionPoints=URI:${url(crl, '/ca.crl')}\n` : ''}`;

const pki = new OpensslPki()
  .ca('ca', '/C=KZ/O=Test NCA/CN=Test NCA')
  .ca('other', '/C=KZ/O=Other/CN=Other CA')
  .person('good', 'ca', RSA_2048, '/CN=GOOD/serialNumber=IIN900412473208', person(ports.ocsp))
  .person('revoked', 'ca', RSA_2048, '/CN=REVOKED/serialNumber=IIN871103379671', person(ports.ocsp))
  .person('by-delegate', 'ca', RSA_2048, '/CN=DELEGATE CHECKED/serialNumber=IIN010203500017', person(ports.delegated))
  .person('by-rogue', 'ca', RSA_2048, '/CN=ROGUE CHECKED/serialNumber=IIN010203500017', person(ports.rogue))
  .person('crl-good', 'ca', RSA_2048, '/CN=CRL GOOD/serialNumber=IIN010203500017', person(undefined, ports.crl))
  .person('crl-revoked', 'ca', RSA_2048, '/CN=CRL REVOKED/serialNumber=IIN010203500017', person(undefined, ports.crl))
  .person('hanging', 'ca', RSA_2048, '/CN=HANGING/serialNumber=IIN010203500017', person(ports.hang))
  .person('falls-back', 'ca', RSA_2048, '/CN=FALLS BACK/serialNumber=IIN010203500017', person(ports.hang, ports.crl))
  .person('stale', 'ca', RSA_2048, '/CN=STALE/serialNumber=IIN010203500017', person(undefined, ports.staleCrl))
  .person('nowhere', 'ca', RSA_2048, '/CN=NOWHERE/serialNumber=IIN010203500017', person())
  .person('responder', 'ca', RSA_2048, '/CN=Test NCA OCSP', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_OCSP_SIGNING}\n`)
  .person('not-a-responder', 'ca', RSA_2048, '/CN=Test NCA TLS', `keyUsage=critical,digitalSignature\nextendedKeyUsage=${EKU_CLIENT_AUTH}\n`)
  .revoke('revoked', 'ca')
  .revoke('crl-revoked', 'ca');

const cert = (name: string) => new X509Certificate(pki.pem(name));
const ca = cert('ca');
const checker = () => new RevocationChecker({ mode: 'require', timeoutMs: 1500 });

beforeAll(async () => {
  await pki.ocspResponder('ca', ports.ocsp);
  await pki.ocspResponder('ca', ports.delegated, 'responder');
  await pki.ocspResponder('ca', ports.rogue, 'not-a-responder');
  const crl = pki.crl('ca');
  await pki.serve(ports.crl, () => crl);
  const stale = pki.crl('ca', 1);
  await pki.serve(ports.staleCrl, () => stale);
  await pki.serve(ports.hang, 'hang');
});
afterAll(() => pki.remove());

describe('certificate status by OCSP (openssl ocsp as the responder)', () => {
  it('answers good, with the signed response kept as evidence and the nonce echoed', async () => {
    const status = await checker().status(cert('good'), ca, new Date());
    expect(status).toMatchObject({ status: 'good', source: 'ocsp', url: url(ports.ocsp), nonce: true });
    // the evidence kept is the responder's signed answer: openssl reads it back, finds it signed by the CA, and good
    writeFileSync(join(pki.dir, 'kept.der'), Buffer.from(status.ocspResponse!, 'base64'));
    const read = await output('openssl', ['ocsp', '-respin', 'kept.der', '-issuer', 'ca.pem', '-cert', 'good.pem', '-CAfile', 'ca.pem', '-no_nonce'], { cwd: pki.dir });
    expect(read).toContain('good.pem: good');
    expect(new Date(status.nextUpdate!).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it('answers revoked, with the time of revocation', async () => {
    const status = await checker().status(cert('revoked'), ca, new Date());
    expect(status).toMatchObject({ status: 'revoked', source: 'ocsp' });
    expect(new Date(status.revokedAt!).getTime()).toBeLessThan(Date.now());
  });

  it('takes a responder the CA delegated (id-kp-OCSPSigning), not one signing with a key the CA gave no such authority', async () => {
    expect(await checker().status(cert('by-delegate'), ca, new Date())).toMatchObject({ status: 'good', source: 'ocsp' });
    const rogue = await checker().status(cert('by-rogue'), ca, new Date());
    expect(rogue).toMatchObject({ status: 'unknown', source: 'ocsp' });
    expect(rogue.why).toContain('no authority');
  });

  it('is unknown when the responder hangs, within the time limit', async () => {
    const started = Date.now();
    const status = await checker().status(cert('hanging'), ca, new Date());
    expect(status).toMatchObject({ status: 'unknown', source: 'ocsp' });
    expect(status.why).toContain('did not answer within 1500 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('keeps an answer until its next update: asked again with the responder gone, the same answer', async () => {
    const own = new OpensslPki().ca('ca2', '/CN=Cached CA');
    const port = await freePort();
    own.person('p', 'ca2', RSA_2048, '/CN=P/serialNumber=IIN010203500017', person(port));
    const [p, issuer] = [new X509Certificate(own.pem('p')), new X509Certificate(own.pem('ca2'))];
    await own.ocspResponder('ca2', port);
    const c = checker();
    const first = await c.status(p, issuer, new Date());
    expect(first.status).toBe('good');
    own.remove();
    expect(await c.status(p, issuer, new Date())).toBe(first);
    // past the answer's next update, it is asked again: and now nobody answers
    expect((await c.status(p, issuer, new Date(Date.now() + 61 * 60_000))).status).toBe('unknown');
  });
});

describe('certificate status by CRL (openssl ca -gencrl)', () => {
  it('answers good or revoked from the CRL, with its number', async () => {
    const c = checker();
    expect(await c.status(cert('crl-good'), ca, new Date())).toMatchObject({ status: 'good', source: 'crl', crlNumber: expect.stringMatching(/^\d+$/) });
    expect(await c.status(cert('crl-revoked'), ca, new Date())).toMatchObject({ status: 'revoked', source: 'crl' });
  });

  it('falls back to the CRL when the OCSP responder does not answer', async () => {
    expect(await checker().status(cert('falls-back'), ca, new Date())).toMatchObject({ status: 'good', source: 'crl' });
  });

  it('is unknown from a CRL past its next update, and for a certificate that names nowhere to ask', async () => {
    const later = new Date(Date.now() + 2 * 3600_000);
    const stale = await checker().status(cert('stale'), ca, later);
    expect(stale).toMatchObject({ status: 'unknown', source: 'crl' });
    expect(stale.why).toContain('stale');
    expect(await checker().status(cert('nowhere'), ca, new Date())).toMatchObject({ status: 'unknown', source: 'none' });
  });

  it("refuses a CRL another CA signed", async () => {
    const other = cert('other');
    const status = await checker().status(cert('crl-good'), other, new Date());
    expect(status.status).toBe('unknown');
  });
});
