import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listArchives, verifyArchive } from '../src/exchange/index.js';
import { createTestNode, type TestNode } from './support/node.js';

// The message log archived on a schedule, as X-Road's Security Server archives its own: time-stamped rows into signed
// files in the archive folder, each ending at a time-stamp and verifying on its own, every row in exactly one.
let t: TestNode;
const dir = mkdtempSync(join(tmpdir(), 'ortak-archives-'));

beforeAll(async () => {
  t = await createTestNode({ env: { ORTAK_ARCHIVE_DIR: dir, ORTAK_ARCHIVE_MAX_ROWS: '8' } });
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const person = () => t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
async function roundTrips(n: number) {
  for (let i = 0; i < n; i++) {
    const res = await t.exchange({ url: `/r1/KZ/GOV/MVD/REGISTRIES/population/persons/${person().identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });
    expect(res.statusCode).toBe(200);
  }
}
/** every message log row id in the archive files of the folder */
const archivedIds = () =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.asice'))
    .flatMap((f) => strFromU8(unzipSync(readFileSync(join(dir, f)))['messages.jsonl']).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id))
    .sort((a, b) => a - b);

describe('the message log archiver', () => {
  it('archives nothing before a time-stamp covers the rows', async () => {
    await roundTrips(2);
    expect(await t.node.archiver.runOnce()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the stamped rows into files that end at a time-stamp, each verifying offline, each recorded with its digest', async () => {
    await t.node.timestamper.runOnce();
    await roundTrips(1);
    await t.node.timestamper.runOnce();
    await roundTrips(1);
    await t.node.timestamper.runOnce();
    // three stamps over 8, 4 and 4 rows; at most 8 rows a file: one file for the first, one for the other two
    const written = await t.node.archiver.runOnce();
    expect(written.map((w) => w.rows)).toEqual([8, 8]);
    const ca = t.node.ca.certificate.toString('pem');
    for (const w of written) expect(await verifyArchive(readFileSync(w.file), ca)).toMatchObject({ ok: true, rows: w.rows });
    const recorded = await listArchives(t.node.database.db);
    expect(recorded.map((r) => [Number(r.after_id), Number(r.last_id), r.rows])).toEqual([
      [written[0].lastId, written[1].lastId, 8],
      [0, written[0].lastId, 8],
    ]);
    for (const r of recorded) expect(createHash('sha256').update(readFileSync(join(dir, r.file))).digest('hex')).toBe(r.sha256);
    expect(readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(false);
  });

  it('archives every row exactly once, run after run', async () => {
    expect(await t.node.archiver.runOnce()).toEqual([]);
    await roundTrips(3);
    await t.node.timestamper.runOnce();
    expect((await t.node.archiver.runOnce()).map((w) => w.rows)).toEqual([12]);
    const all = (await t.node.database.db.selectFrom('message_log').select('id').orderBy('id').execute()).map((r) => Number(r.id));
    expect(archivedIds()).toEqual(all);
  });
});
