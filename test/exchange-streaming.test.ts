import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveMessageLog, clientInterfaceHandler, type ClientInterface, loadOwnTsa, startClientInterface, verifyArchive, verifyMessageLog } from '../src/exchange/index.js';
import { sql } from '../src/platform/db/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// Bodies of the full ORTAK_EXCHANGE_MAX_BODY (10 MiB by default) through the client interface, over a real socket, to
// an agency's system and back: spooled on their way rather than held, signed by their digest, logged in parts, and
// nothing left in the spool afterwards.
let t: TestNode;
let ci: ClientInterface;
let system: Server;
let received: { size: number; sha512: string }[] = [];
const MAX = 10 * 1024 * 1024;
const CLIENT = 'KZ/GOV/LEGALSTAT/CASES';
const answerBytes = randomBytes(MAX);
const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest('base64');

beforeAll(async () => {
  t = await createTestNode();
  expect(t.node.config.exchangeMaxBodyBytes).toBe(MAX);
  // the agency's system hashes what it receives as it arrives, and answers with 10 MiB of its own
  system = createServer((req, res) => {
    const digest = createHash('sha512');
    let size = 0;
    req.on('data', (c: Buffer) => (digest.update(c), (size += c.length)));
    req.on('end', () => {
      received.push({ size, sha512: digest.digest('base64') });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(req.url?.includes('small') ? 'ok' : answerBytes);
    });
  });
  await new Promise<void>((r) => system.listen(0, '127.0.0.1', () => r()));
  const operator = { authorization: `Bearer ${await t.signIn(t.persona({ role: 'operator' }))}` };
  const url = `http://127.0.0.1:${(system.address() as AddressInfo).port}`;
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/exchange/external-services', headers: operator, payload: { service: 'KZ/GOV/MINJUST/NOTARY/files', url } })).statusCode).toBe(201);
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/exchange/access-rights', headers: operator, payload: { service: 'KZ/GOV/MINJUST/NOTARY/files', client: CLIENT } })).statusCode).toBe(201);
  ci = await startClientInterface({ host: '127.0.0.1', port: 0, tls: t.node.clientInterfaceTls }, clientInterfaceHandler(t.node.gateway, { maxBodyBytes: t.node.config.exchangeMaxBodyBytes }));
});
afterAll(async () => {
  await ci.close();
  system.closeAllConnections();
  await new Promise((r) => system.close(r));
  await t.close();
});

function post(path: string, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port: ci.port, host: '127.0.0.1', method: 'POST', path, headers: { 'x-road-client': CLIENT, 'content-type': 'application/octet-stream', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** the spool files this process still holds, once the answer's file (removed when it has been sent) is gone */
async function spooled(): Promise<string[]> {
  const files = () =>
    readdirSync(tmpdir())
      .filter((d) => d.startsWith('ortak-spool-'))
      .flatMap((d) => readdirSync(join(tmpdir(), d)).filter((f) => f.startsWith(`${process.pid}-`)));
  for (let i = 0; i < 50 && files().length; i++) await new Promise((r) => setTimeout(r, 20));
  return files();
}

describe('bodies of the full size limit', () => {
  it('pass unchanged both ways, are logged whole (in parts, once per body) and leave nothing in the spool', async () => {
    const sent = randomBytes(MAX);
    const res = await post('/r1/KZ/GOV/MINJUST/NOTARY/files/deeds', sent);
    expect(res.status).toBe(200);
    expect(received.at(-1)).toEqual({ size: MAX, sha512: sha512(sent) });
    expect(res.headers['content-length']).toBe(String(MAX));
    expect(res.body.equals(answerBytes)).toBe(true);
    expect(await spooled()).toEqual([]);
    // four rows (the client's and the provider's side, request and answer), each body kept in parts
    const rows = await t.node.database.db.selectFrom('message_log').select(['side', 'direction', 'body_sha512', 'body_in_parts', 'body']).where('request_id', '=', String(res.headers['x-road-request-id'])).orderBy('id').execute();
    expect(rows.map((r) => [r.side, r.direction, r.body_sha512, r.body_in_parts, r.body])).toEqual([
      ['provider', 'request', sha512(sent), true, null],
      ['provider', 'response', sha512(answerBytes), true, null],
      ['client', 'request', sha512(sent), true, null],
      ['client', 'response', sha512(answerBytes), true, null],
    ]);
    // the same body logged on both sides of this node is kept once: ten parts of 1 MiB each
    const parts = await t.node.database.db.selectFrom('message_log_bodies').select(['sha512', 'part']).where('sha512', 'in', [sha512(sent), sha512(answerBytes)]).execute();
    expect(parts.length).toBe(20);
    expect(await verifyMessageLog(t.node.database.db)).toMatchObject({ ok: true });
  });

  it('are refused one byte over the limit, as an X-Road error, with nothing sent on', async () => {
    const before = received.length;
    const res = await post('/r1/KZ/GOV/MINJUST/NOTARY/files/deeds', Buffer.alloc(MAX + 1));
    expect([res.status, res.headers['x-road-error']]).toEqual([413, 'Client.RequestTooLarge']);
    expect(received.length).toBe(before);
    expect(await spooled()).toEqual([]);
  });

  it('leave small bodies in the log row itself', async () => {
    const res = await post('/r1/KZ/GOV/MINJUST/NOTARY/files/small', Buffer.from('{"deed":7}'));
    expect([res.status, res.body.toString()]).toEqual([200, 'ok']);
    const rows = await t.node.database.db.selectFrom('message_log').select(['body_in_parts', 'body']).where('request_id', '=', String(res.headers['x-road-request-id'])).execute();
    expect(rows.map((r) => [r.body_in_parts, Buffer.from(r.body!).toString()]).sort()).toEqual([[false, 'ok'], [false, 'ok'], [false, '{"deed":7}'], [false, '{"deed":7}']]);
  });

  it('are archived whole, and the archive verifies offline', async () => {
    const db = t.node.database.db;
    await t.node.timestamper.runOnce();
    const archive = await archiveMessageLog(db, t.node.gateway.signer, (await loadOwnTsa(db, t.node.ca, t.clock)).certPem, t.clock.now());
    expect((await verifyArchive(archive.file, t.node.ca.certificate.toString('pem'))).problem).toBeUndefined();
    const { unzipSync, strFromU8 } = await import('fflate');
    const rows = strFromU8(unzipSync(archive.file)['messages.jsonl']).split('\n').map((l) => JSON.parse(l) as { bodySha512: string; body: string | null });
    const answered = rows.find((r) => r.bodySha512 === sha512(answerBytes));
    expect(Buffer.from(answered!.body!, 'base64').equals(answerBytes)).toBe(true);
  });

  it('show a changed, missing or appended part of a logged body in the log verification', async () => {
    const [part] = await t.node.database.db.selectFrom('message_log_bodies').select(['sha512', 'part', 'bytes']).where('part', '=', 3).limit(1).execute();
    const restore = () => sql`UPDATE message_log_bodies SET bytes = ${part.bytes} WHERE sha512 = ${part.sha512} AND part = 3`.execute(t.node.database.db);
    const changed = Buffer.from(part.bytes);
    changed[12345] ^= 1;
    await sql`UPDATE message_log_bodies SET bytes = ${changed} WHERE sha512 = ${part.sha512} AND part = 3`.execute(t.node.database.db);
    expect(await verifyMessageLog(t.node.database.db)).toMatchObject({ ok: false });
    await restore();
    expect(await verifyMessageLog(t.node.database.db)).toMatchObject({ ok: true });
    await sql`INSERT INTO message_log_bodies (sha512, part, bytes) VALUES (${part.sha512}, 10, ${Buffer.from('more')})`.execute(t.node.database.db);
    expect(await verifyMessageLog(t.node.database.db)).toMatchObject({ ok: false });
    await sql`DELETE FROM message_log_bodies WHERE sha512 = ${part.sha512} AND part >= 9`.execute(t.node.database.db);
    expect(await verifyMessageLog(t.node.database.db)).toMatchObject({ ok: false });
  });
});
