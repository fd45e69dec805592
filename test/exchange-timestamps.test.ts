import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerTimestampRequest, headsDigest, loadOwnTsa } from '../src/exchange/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// The message log time-stamped in batches by an RFC 3161 authority (the node's own here), each token verified by
// OpenSSL; and messaging that stops when no stamp can be had for longer than allowed.
let t: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'ortak-stamps-'));
const POPULATION = '/r1/KZ/GOV/MVD/REGISTRIES/population';

beforeAll(async () => {
  t = await createTestNode();
});
afterAll(() => t.close());

const ask = (node: TestNode) => node.exchange({ url: `${POPULATION}/persons/${node.persona({ role: 'citizen', state: 'KZ', language: 'kk' }).identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });

describe('time-stamps of the message log', () => {
  it('stamp the heads of the chains written since the last stamp, with a token OpenSSL verifies', async () => {
    for (let i = 0; i < 3; i++) expect((await ask(t)).statusCode).toBe(200);
    expect(await t.node.timestamper.runOnce()).toBe(1);
    // nothing new: nothing to stamp
    expect(await t.node.timestamper.runOnce()).toBe(0);
    const db = t.node.database.db;
    const [stamp] = await db.selectFrom('message_log_timestamps').selectAll().execute();
    const last = await db.selectFrom('message_log').select(['id', 'hash', 'chain']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(stamp.heads).toEqual([{ chain: last.chain, id: Number(last.id), hash: last.hash }]);
    expect(stamp.digest).toBe(headsDigest(stamp.heads).toString('hex'));
    writeFileSync(join(dir, 'token.der'), stamp.token);
    writeFileSync(join(dir, 'ca.pem'), t.node.ca.certificate.toString('pem'));
    const verified = execFileSync('openssl', ['ts', '-verify', '-digest', stamp.digest, '-token_in', '-in', 'token.der', '-CAfile', 'ca.pem'], { cwd: dir, encoding: 'utf8' });
    expect(verified).toContain('Verification: OK');
    // more messages: a new stamp over the new head
    await ask(t);
    expect(await t.node.timestamper.runOnce()).toBe(1);
    expect(await db.selectFrom('message_log_timestamps').select('id').execute()).toHaveLength(2);
  });

  it('stop messaging when no stamp can be had for longer than the acceptable period, and resume once one is', async () => {
    // a TSA at a URL (the first node's, over HTTP), down at first
    const tsa = await loadOwnTsa(t.node.database.db, t.node.ca, t.clock);
    let up = false;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        if (!up) return void res.writeHead(503).end();
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(await answerTimestampRequest(tsa, Buffer.concat(chunks), new Date()));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
    const node = await createTestNode({ env: { ORTAK_TSA_URL: url, ORTAK_TSA_CERT: join(dir, 'ca.pem'), ORTAK_TIMESTAMP_FAILURE_SECONDS: '600' } });
    try {
      expect((await ask(node)).statusCode).toBe(200);
      await expect(node.node.timestamper.runOnce()).rejects.toThrow();
      // within the period messaging goes on
      node.clock.advance(300_000);
      expect((await ask(node)).statusCode).toBe(200);
      node.clock.advance(301_000);
      const refused = await ask(node);
      expect([refused.statusCode, refused.headers['x-road-error']]).toEqual([500, 'Server.ClientProxy.TimestampingFailed']);
      expect(node.node.timestamper.lastError).toContain('503');
      up = true;
      expect(await node.node.timestamper.runOnce()).toBe(1);
      expect((await ask(node)).statusCode).toBe(200);
      const [stamp] = await node.node.database.db.selectFrom('message_log_timestamps').select('tsa').execute();
      expect(stamp.tsa).toBe(url);
    } finally {
      server.close();
      await node.close();
    }
  });
});
