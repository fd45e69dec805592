import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCa, generateKeyPair, issueCertificate } from '../pki/certificates.js';
import { answerTimestampRequest, readTimestampResponse, timestampRequest, verifyToken } from './timestamps.js';

// RFC 3161 with OpenSSL on the other end: OpenSSL verifies the node's own TSA's answers, and answers as a TSA for
// the node's client.
const dir = mkdtempSync(join(tmpdir(), 'ortak-tsa-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const digest = createHash('sha256').update('the message log\'s chain heads').digest();

describe('the node\'s own time-stamping authority', async () => {
  const now = new Date();
  const ca = await createSelfSignedCa('CN=Test node CA', new Date(now.getTime() - 60_000), 5);
  const keys = await generateKeyPair();
  const cert = await issueCertificate({
    issuer: ca.cert, issuerKey: ca.keys.privateKey, subject: 'CN=Test TSA', publicKey: keys.publicKey,
    notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 86_400_000), extendedKeyUsage: ['1.3.6.1.5.5.7.3.8'],
  });
  const tsa = { certPem: cert.toString('pem'), privateKey: keys.privateKey };
  writeFileSync(join(dir, 'ca.pem'), ca.cert.toString('pem'));

  it('answers a request with a token OpenSSL verifies, over that digest only', async () => {
    const { der, nonce } = timestampRequest(digest);
    const reply = await answerTimestampRequest(tsa, der, now);
    writeFileSync(join(dir, 'own.tsr'), reply);
    writeFileSync(join(dir, 'own.tsq'), der);
    expect(openssl('ts', '-verify', '-queryfile', 'own.tsq', '-in', 'own.tsr', '-CAfile', 'ca.pem')).toContain('Verification: OK');
    expect(openssl('ts', '-reply', '-in', 'own.tsr', '-text')).toContain('Policy OID: 1.3.6.1.4.1.57264.1.1');
    const other = createHash('sha256').update('something else').digest('hex');
    expect(() => openssl('ts', '-verify', '-digest', other, '-in', 'own.tsr', '-CAfile', 'ca.pem')).toThrow();
    const read = await readTimestampResponse(reply, digest, nonce, ca.cert.toString('pem'));
    expect(Math.abs(read.genTime.getTime() - now.getTime())).toBeLessThan(1000);
    await expect(verifyToken(read.token, createHash('sha256').update('x').digest(), undefined, ca.cert.toString('pem'))).rejects.toThrow(/another digest/);
    // one changed byte in the token's signed content (its time) breaks it
    const changed = Buffer.from(read.token);
    const time = changed.indexOf(Buffer.from(String(now.getUTCFullYear())));
    expect(time).toBeGreaterThan(0);
    changed[time + 3] ^= 1;
    await expect(verifyToken(changed, digest, undefined, ca.cert.toString('pem'))).rejects.toThrow();
  });
});

describe('the node\'s time-stamping client, against OpenSSL as the TSA', () => {
  it('reads and checks OpenSSL\'s reply, and refuses it under another trust anchor', async () => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.pem', '-days', '1', '-subj', '/CN=OpenSSL TSA', '-addext', 'extendedKeyUsage=critical,timeStamping');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(
      join(dir, 'tsa.cnf'),
      ['[ tsa ]', 'default_tsa = tsa_config', '[ tsa_config ]', `serial = ${join(dir, 'serial')}`, 'signer_digest = sha256', 'default_policy = 1.2.3.4.1', 'digests = sha256', 'ess_cert_id_alg = sha256', 'accuracy = secs:1'].join('\n'),
    );
    const { der, nonce } = timestampRequest(digest);
    writeFileSync(join(dir, 'client.tsq'), der);
    openssl('ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'client.tsq', '-inkey', 'tsa.key', '-signer', 'tsa.pem', '-out', 'client.tsr');
    const reply = readFileSync(join(dir, 'client.tsr'));
    const read = await readTimestampResponse(reply, digest, nonce, readFileSync(join(dir, 'tsa.pem'), 'utf8'));
    expect(Math.abs(read.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '1', '-subj', '/CN=Another');
    await expect(readTimestampResponse(reply, digest, nonce, readFileSync(join(dir, 'other.pem'), 'utf8'))).rejects.toThrow(/not signed by the trusted/);
    await expect(readTimestampResponse(reply, digest, Buffer.from('0102030405060708', 'hex'), readFileSync(join(dir, 'tsa.pem'), 'utf8'))).rejects.toThrow(/nonce/);
  });
});
