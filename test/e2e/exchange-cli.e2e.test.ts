import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runCommand } from '../support/run.js';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/platform/paths.js';
import { archiveMessageLog, loadOwnTsa } from '../../src/exchange/index.js';
import { createTestNode } from '../support/node.js';

// `npm run exchange -- …` is this command after a build, on the node's own database (PGlite in a folder here).
const cli = join(paths.root, 'dist', 'src', 'cli', 'exchange.js');
const dataDir = mkdtempSync(join(tmpdir(), 'ortak-exchange-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = async (...args: string[]) => {
  const r = await runCommand(process.execPath, [cli, ...args], { env: { ...process.env, ORTAK_DATA_DIR: dataDir, DATABASE_URL: '' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('npm run exchange', () => {
  it('grants, lists and revokes access rights, and refuses unknown services, malformed clients and whole members', async () => {
    expect(await run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/population', 'KG/GOV/MVD/WORKPERMITS')).toMatchObject({ status: 0, out: expect.stringContaining('granted') });
    expect(await run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/population', 'KG/GOV/MVD/HR', 'GET', '/persons/*')).toMatchObject({ status: 0, out: expect.stringContaining('GET /persons/*') });
    const list = (await run('access', 'list')).out;
    expect(list).toContain('KZ/GOV/MVD/REGISTRIES/population\tSUBSYSTEM\tKG/GOV/MVD/WORKPERMITS\t* **');
    expect(list).toContain('KZ/GOV/MVD/REGISTRIES/population\tSUBSYSTEM\tKG/GOV/MVD/HR\tGET /persons/*');
    expect(await run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/nothing', 'KG/GOV/MVD/X')).toMatchObject({ status: 1, out: expect.stringContaining('provides no exchange service') });
    expect(await run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/population', 'not/an/id/at/all')).toMatchObject({ status: 1, out: expect.stringContaining('must be an X-Road identifier') });
    expect(await run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/population', 'KG/GOV/MVD')).toMatchObject({ status: 1, out: expect.stringContaining('never a whole member') });
    expect(await run('access', 'revoke', 'KZ/GOV/MVD/REGISTRIES/population', 'KG/GOV/MVD/WORKPERMITS')).toMatchObject({ status: 0, out: expect.stringContaining('revoked') });
    expect((await run('access', 'list')).out).not.toContain('WORKPERMITS');
    expect(await run('verify-log')).toMatchObject({ status: 0, out: expect.stringContaining('message log intact') });
    expect((await run('nonsense')).status).toBe(2);
    // each run starts the node's database (PGlite) afresh, several seconds when the other e2e files load the machine
  }, 120_000);

  it('registers information systems, and prints the client interface\'s certificate for them to pin', async () => {
    expect(await run('clients', 'add', 'KZ/GOV/MVD/HR', 'HTTP', '--address', '10.1.2.0/24', '--rate', '600')).toMatchObject({ status: 0, out: expect.stringContaining('registered: KZ/GOV/MVD/HR (HTTP from 10.1.2.0/24)') });
    expect((await run('clients', 'list')).out).toContain('KZ/GOV/MVD/HR\tHTTP\t10.1.2.0/24\t600/min');
    expect(await run('clients', 'add', 'KZ/GOV/MVD/HR', 'HTTP', '--address', 'not-an-address')).toMatchObject({ status: 1, out: expect.stringContaining('not an IP address') });
    const pem = await run('tls-certificate');
    expect(pem).toMatchObject({ status: 0, out: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/) });
    expect(await run('clients', 'remove', 'KZ/GOV/MVD/HR')).toMatchObject({ status: 0, out: expect.stringContaining('removed') });
  }, 120_000);

  it('archives the message log into a signed file, and verifies an archive offline', async () => {
    // an archive with rows, made by a node of this test's own (its database is its own: one process per database)
    const t = await createTestNode();
    const file = join(dataDir, 'log.asice');
    const ca = join(dataDir, 'ca.pem');
    try {
      const person = t.persona({ role: 'citizen', state: 'KZ', language: 'kk' });
      await t.exchange({ url: `/r1/KZ/GOV/MVD/REGISTRIES/population/persons/${person.identifier}`, headers: { 'x-road-client': 'KZ/GOV/LEGALSTAT/CASES' } });
      await t.node.timestamper.runOnce();
      const archive = await archiveMessageLog(t.node.database.db, t.node.gateway.signer, (await loadOwnTsa(t.node.database.db, t.node.ca, t.clock)).certPem, t.clock.now());
      writeFileSync(file, archive.file);
      writeFileSync(ca, t.node.ca.certificate.toString('pem'));
    } finally {
      await t.close();
    }
    expect(await run('verify-archive', file, ca)).toMatchObject({ status: 0, out: expect.stringContaining('archive verifies: 4 rows, 1 time-stamps') });
    const changed = readFileSync(file);
    changed[Math.floor(changed.length / 2)] ^= 1;
    writeFileSync(file, changed);
    expect(await run('verify-archive', file, ca)).toMatchObject({ status: 1, out: expect.stringContaining('archive does not verify') });
    // the command that writes one, on the node's own database (no row time-stamped there yet: an empty archive)
    const own = join(dataDir, 'own.asice');
    expect(await run('archive', own)).toMatchObject({ status: 0, out: expect.stringContaining('archived 0 rows') });
    expect((await run('tls-certificate')).status).toBe(0);
  }, 120_000);
});
