import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, type TestNode } from './support/node.js';
import { output, run } from './support/run.js';

// The documents a node issues carry a PAdES signature a PDF reader sees, time-stamped by the node's own authority,
// which also answers others at POST /tsa. Checked with tools this project did not write: poppler's pdfsig, and
// openssl's cms, ts and asn1parse.
let t: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'ortak-pades-'));
let pdf: Buffer;

beforeAll(async () => {
  t = await createTestNode();
  // a document: Айгерім's criminal-record certificate (no record, so no officer decides)
  const persona = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  const token = await t.signIn(persona);
  const service = 'kz-criminal-record-certificate';
  expect((await t.submit(token, persona, service, t.node.catalog.get(service)!.form.example)).statusCode).toBe(201);
  await t.runJobs();
  const document = (await t.app.inject({ url: '/api/v1/documents', headers: { authorization: `Bearer ${token}` } })).json().items[0];
  pdf = (await t.app.inject({ url: `/api/v1/documents/${document.id}/pdf`, headers: { authorization: `Bearer ${token}` } })).rawPayload;
  writeFileSync(join(dir, 'document.pdf'), pdf);
  writeFileSync(join(dir, 'ca.pem'), t.node.ca.certificate.toString('pem'));
  writeFileSync(join(dir, 'tsa.pem'), t.node.tsa.certPem);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The signature's bytes as the PDF holds them: /ByteRange and the hex in /Contents (what any PAdES reader takes). */
function embedded(file: Buffer): { ranges: number[]; cms: Buffer; signed: Buffer } {
  const text = file.toString('latin1');
  const ranges = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(text)!.slice(1).map(Number);
  const hex = text.slice(ranges[0] + ranges[1] + 1, ranges[2] - 1);
  const cms = Buffer.from(hex.replace(/(00)+$/, ''), 'hex');
  return { ranges, cms, signed: Buffer.concat([file.subarray(ranges[0], ranges[1]), file.subarray(ranges[2], ranges[2] + ranges[3])]) };
}

describe('an issued PDF carries a PAdES signature and a time-stamp', () => {
  it('pdfsig (poppler) reports the signature valid, ETSI.CAdES.detached, by the agency, over the whole file', async () => {
    const said = await run('pdfsig', [join(dir, 'document.pdf')]);
    expect(said.stdout).toContain('Signature #1');
    expect(said.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(said.stdout).toContain('Signature Type: ETSI.CAdES.detached');
    expect(said.stdout).toContain('Total document signed');
    expect(said.stdout).toMatch(/Signer Certificate Common Name: .*(Committee|Ministry|Prosecutor|Legal)/);
    // with the node's CA trusted (an NSS database, as a verifier who installs it has), the signer's certificate is too
    mkdirSync(join(dir, 'nss'));
    await output('certutil', ['-N', '-d', `sql:${join(dir, 'nss')}`, '--empty-password']);
    await output('certutil', ['-A', '-d', `sql:${join(dir, 'nss')}`, '-n', 'Ortak node CA', '-t', 'C,C,C', '-i', join(dir, 'ca.pem')]);
    const trusted = await run('pdfsig', ['-nssdir', `sql:${join(dir, 'nss')}`, join(dir, 'document.pdf')]);
    expect(trusted.stdout).toContain('Signature Validation: Signature is Valid.');
    expect(trusted.stdout).toContain('Certificate Validation: Certificate is Trusted.');
  });

  it('openssl cms verifies the signature over the byte ranges under the node CA, and openssl ts the time-stamp over its value', async () => {
    const { cms, signed } = embedded(pdf);
    writeFileSync(join(dir, 'signature.der'), cms);
    writeFileSync(join(dir, 'signed.bin'), signed);
    const verified = await run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', 'signed.bin', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir });
    expect(verified.stderr).toContain('Verification successful');
    // PAdES baseline: signing-certificate-v2 among the signed attributes, and no signing-time there
    const dump = await output('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'signature.der'], { cwd: dir });
    expect(dump).toContain('id-smime-aa-signingCertificateV2');
    expect(dump).not.toContain('signingTime');
    expect(dump).toContain('id-smime-aa-timeStampToken');

    const signerInfo = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(new Uint8Array(cms).buffer).content }).signerInfos[0];
    const token = Buffer.from(signerInfo.unsignedAttrs!.attributes[0].values[0].toBER(false));
    writeFileSync(join(dir, 'token.der'), token);
    const digest = createHash('sha256').update(Buffer.from(signerInfo.signature.valueBlock.valueHexView)).digest('hex');
    expect(await output('openssl', ['ts', '-verify', '-digest', digest, '-token_in', '-in', 'token.der', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'], { cwd: dir })).toContain('Verification: OK');
  });

  it('POST /api/v1/documents/verify checks the embedded signature and its time-stamp; one changed byte is seen', async () => {
    const checked = await t.app.inject({ method: 'POST', url: '/api/v1/documents/verify', headers: { 'content-type': 'application/pdf' }, payload: pdf });
    expect(checked.json()).toMatchObject({ match: true, signature: { valid: true, signer: expect.stringContaining('O=KZ'), timestamp: { time: expect.any(String), authority: expect.stringContaining('time-stamping') } } });
    const changed = Buffer.from(pdf);
    const { ranges } = embedded(pdf);
    // a byte inside the page content, in the signed range
    changed[Math.floor(ranges[1] / 2)] ^= 0x01;
    const tampered = (await t.app.inject({ method: 'POST', url: '/api/v1/documents/verify', headers: { 'content-type': 'application/pdf' }, payload: changed })).json();
    expect(tampered).toMatchObject({ match: false, signature: { valid: false, problem: 'the content is not the one signed' } });
    writeFileSync(join(dir, 'changed.pdf'), changed);
    expect((await run('pdfsig', [join(dir, 'changed.pdf')])).stdout).not.toContain('Signature is Valid.');
  });
});

describe('POST /tsa: the node time-stamps for others (RFC 3161)', () => {
  it('answers an openssl ts query with a reply openssl ts verifies against the node CA', async () => {
    writeFileSync(join(dir, 'data.txt'), 'a contract to be dated');
    await output('openssl', ['ts', '-query', '-data', 'data.txt', '-sha256', '-cert', '-out', 'query.tsq'], { cwd: dir });
    const reply = await t.app.inject({ method: 'POST', url: '/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload: readFileSync(join(dir, 'query.tsq')) });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toBe('application/timestamp-reply');
    writeFileSync(join(dir, 'reply.tsr'), reply.rawPayload);
    expect(await output('openssl', ['ts', '-verify', '-queryfile', 'query.tsq', '-in', 'reply.tsr', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'], { cwd: dir })).toContain('Verification: OK');
    // its certificate: issued by the node CA, for time-stamping only, critical
    expect(await output('openssl', ['x509', '-in', 'tsa.pem', '-noout', '-ext', 'extendedKeyUsage'], { cwd: dir })).toMatch(/critical[\s\S]*Time Stamping/);
  });

  it('refuses what is not a request (400, a rejection openssl reads), another digest, and another content type', async () => {
    const garbage = await t.app.inject({ method: 'POST', url: '/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload: Buffer.from('not DER at all') });
    expect(garbage.statusCode).toBe(400);
    writeFileSync(join(dir, 'rejected.tsr'), garbage.rawPayload);
    expect(await output('openssl', ['ts', '-reply', '-in', 'rejected.tsr', '-text'], { cwd: dir })).toMatch(/Status: Rejected[\s\S]*Failure info: the data submitted has the wrong format/);
    writeFileSync(join(dir, 'old.txt'), 'stamped with an old digest');
    await output('openssl', ['ts', '-query', '-data', 'old.txt', '-sha1', '-out', 'sha1.tsq'], { cwd: dir });
    const sha1 = await t.app.inject({ method: 'POST', url: '/tsa', headers: { 'content-type': 'application/timestamp-query' }, payload: readFileSync(join(dir, 'sha1.tsq')) });
    expect(sha1.statusCode).toBe(400);
    writeFileSync(join(dir, 'sha1.tsr'), sha1.rawPayload);
    expect(await output('openssl', ['ts', '-reply', '-in', 'sha1.tsr', '-text'], { cwd: dir })).toMatch(/unrecognized or unsupported algorithm/i);
    const json = await t.app.inject({ method: 'POST', url: '/tsa', payload: { digest: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(json.headers['content-type']).toContain('application/problem+json');
  });
});
