import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveMessageLog, loadOwnTsa, verifyArchive } from '../src/exchange/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// The message log archived into a signed ASiC-E container, verified offline — by the node's own check, and its
// parts by unzip and OpenSSL (CMS signature over the manifest, RFC 3161 tokens).
let t: TestNode;
let archive: Awaited<ReturnType<typeof archiveMessageLog>>;
let caPem: string;
const dir = mkdtempSync(join(tmpdir(), 'ortak-archive-'));

beforeAll(async () => {
  t = await createTestNode();
  const person = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
  for (let i = 0; i < 5; i++) {
    const res = await t.exchange({ url: `/r1/KZ/GOV/MVD/REGISTRIES/population/persons/${person.identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });
    expect(res.statusCode).toBe(200);
  }
  await t.node.timestamper.runOnce();
  // a round trip after the stamp: not yet covered, so not archived
  await t.exchange({ url: `/r1/KZ/GOV/MVD/REGISTRIES/population/persons/${person.identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });
  const db = t.node.database.db;
  archive = await archiveMessageLog(db, t.node.gateway.signer, (await loadOwnTsa(db, t.node.ca, t.clock)).certPem, t.clock.now());
  caPem = t.node.ca.certificate.toString('pem');
  writeFileSync(join(dir, 'log.asice'), archive.file);
  writeFileSync(join(dir, 'ca.pem'), caPem);
});
afterAll(() => t.close());

describe('an archive of the message log', () => {
  it('holds every time-stamped row, bodies included, and verifies offline against the node\'s CA', async () => {
    expect(archive).toMatchObject({ rows: 20, stamps: 1 });
    expect(await verifyArchive(archive.file, caPem)).toEqual({ ok: true, rows: 20, stamps: 1 });
  });

  it('is an ASiC-E container whose signature and time-stamps OpenSSL verifies', () => {
    const listing = execFileSync('unzip', ['-Z1', 'log.asice'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    expect(listing[0]).toBe('mimetype');
    expect(listing).toEqual(expect.arrayContaining(['messages.jsonl', 'timestamps.jsonl', 'META-INF/ASiCManifest.xml', 'META-INF/signature.p7s']));
    expect(execFileSync('unzip', ['-p', 'log.asice', 'mimetype'], { cwd: dir, encoding: 'utf8' })).toBe('application/vnd.etsi.asic-e+zip');
    execFileSync('unzip', ['-o', '-q', 'log.asice', '-d', 'x'], { cwd: dir });
    const cms = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'x/META-INF/signature.p7s', '-content', 'x/META-INF/ASiCManifest.xml', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir, encoding: 'utf8' });
    expect(cms.stderr).toContain('Verification successful');
    const stamp = JSON.parse(execFileSync('unzip', ['-p', 'log.asice', 'timestamps.jsonl'], { cwd: dir, encoding: 'utf8' }).split('\n')[0]);
    writeFileSync(join(dir, 'token.der'), Buffer.from(stamp.token, 'base64'));
    expect(execFileSync('openssl', ['ts', '-verify', '-digest', stamp.digest, '-token_in', '-in', 'token.der', '-CAfile', 'ca.pem'], { cwd: dir, encoding: 'utf8' })).toContain('Verification: OK');
    // a manifest changed after signing does not verify
    writeFileSync(join(dir, 'x/META-INF/ASiCManifest.xml'), 'changed');
    expect(spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'x/META-INF/signature.p7s', '-content', 'x/META-INF/ASiCManifest.xml', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: dir }).status).not.toBe(0);
  });

  it('fails after any one changed byte, or against another certificate', { timeout: 120_000 }, async () => {
    // every byte of the file, each changed in turn (the entries are stored, the container read strictly: none passes)
    const undetected: number[] = [];
    for (let at = 0; at < archive.file.length; at++) {
      // (most changes are refused without a pause: let vitest's runner in now and then)
      if (at % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
      const changed = Buffer.from(archive.file);
      changed[at] ^= 0x01;
      if ((await verifyArchive(changed, caPem)).ok) undetected.push(at);
    }
    expect(undetected).toEqual([]);
    const other = await createTestNode();
    try {
      expect(await verifyArchive(archive.file, other.node.ca.certificate.toString('pem'))).toMatchObject({ ok: false, problem: expect.stringContaining('not signed by the trusted certificate') });
    } finally {
      await other.close();
    }
  });
});
