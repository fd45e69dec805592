import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/platform/paths.js';

// `npm run exchange -- …` is this command after a build, on the node's own database (PGlite in a folder here).
const cli = join(paths.root, 'dist', 'src', 'cli', 'exchange.js');
const dataDir = mkdtempSync(join(tmpdir(), 'ortak-exchange-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ORTAK_DATA_DIR: dataDir, DATABASE_URL: '' }, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('npm run exchange', () => {
  it('grants, lists and revokes access rights, and refuses unknown services and malformed clients', () => {
    expect(run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/population', 'KG/GOV/MVD/WORKPERMITS')).toMatchObject({ status: 0, out: expect.stringContaining('granted') });
    expect(run('access', 'list').out).toContain('KZ/GOV/MVD/REGISTRIES/population\tKG/GOV/MVD/WORKPERMITS');
    expect(run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/nothing', 'KG/GOV/MVD')).toMatchObject({ status: 1, out: expect.stringContaining('provides no service') });
    expect(run('access', 'grant', 'KZ/GOV/MVD/REGISTRIES/population', 'not/an/id/at/all')).toMatchObject({ status: 1, out: expect.stringContaining('not an X-Road client id') });
    expect(run('access', 'revoke', 'KZ/GOV/MVD/REGISTRIES/population', 'KG/GOV/MVD/WORKPERMITS')).toMatchObject({ status: 0, out: expect.stringContaining('revoked') });
    expect(run('access', 'list').out).not.toContain('WORKPERMITS');
    expect(run('verify-log')).toMatchObject({ status: 0, out: expect.stringContaining('message log intact') });
    expect(run('nonsense').status).toBe(2);
    // each run starts the node's database (PGlite) afresh, several seconds when the other e2e files load the machine
  }, 120_000);
});
