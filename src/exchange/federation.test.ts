import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.js';
import { type FederationConfig, FederationView, signFederationConfig, verifyFederationConfig } from './federation.js';
import { createTrustAnchor, issueNodeCertificate } from './federation-admin.js';
import { remoteProviders } from './remote.js';

const now = new Date('2026-06-01T00:00:00Z');
const config = (expiresAt: string, nodes: FederationConfig['nodes'] = []): FederationConfig => ({ version: 1, issuedAt: now.toISOString(), expiresAt, nodes });

describe('the federation configuration', async () => {
  const anchor = await createTrustAnchor('test anchor', now);
  const other = await createTrustAnchor('another anchor', now);

  it('verifies only when signed under the node\'s trust anchor and not expired', async () => {
    const jws = await signFederationConfig(config('2026-06-02T00:00:00Z'), anchor.keyPem, anchor.certPem);
    expect((await verifyFederationConfig(jws, anchor.certPem, now)).config?.expiresAt).toBe('2026-06-02T00:00:00Z');
    expect((await verifyFederationConfig(jws, other.certPem, now)).problem).toBe('signature');
    expect((await verifyFederationConfig(jws, anchor.certPem, new Date('2026-06-03T00:00:00Z'))).problem).toBe('expired');
    expect((await verifyFederationConfig('not a jws', anchor.certPem, now)).problem).toBe('malformed');
    const [h, p, s] = jws.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify(config('2030-01-01T00:00:00Z'))).toString('base64url')}.${s}`;
    expect((await verifyFederationConfig(tampered, anchor.certPem, now)).problem).toBe('signature');
    expect(p).toBeTruthy();
  });

  it('is kept while valid when a bad one arrives, and no longer used once expired', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortak-fed-'));
    const file = join(dir, 'config.jws');
    const clock = new ManualClock(now);
    writeFileSync(file, await signFederationConfig(config('2026-06-01T12:00:00Z'), anchor.keyPem, anchor.certPem));
    const view = new FederationView(file, anchor.certPem, clock, 'KZ');
    await view.refresh();
    expect(view.current()).toBeDefined();
    writeFileSync(file, await signFederationConfig(config('2026-07-01T00:00:00Z'), other.keyPem, other.certPem));
    await view.refresh();
    expect(view.lastProblem).toBe('signature');
    expect(view.current()?.expiresAt).toBe('2026-06-01T12:00:00Z');
    clock.set('2026-06-01T13:00:00Z');
    expect(view.current()).toBeUndefined();
    // and the gateway then refuses to call other nodes, with X-Road's error for it
    const node = await issueNodeCertificate(anchor, 'KZ', '127.0.0.1', now);
    const remote = remoteProviders(view, { id: 'KZ', ...node, anchorPem: anchor.certPem }, 1000, 1024 * 1024);
    expect(() => remote.locate({ instance: 'KG', memberClass: 'GOV', memberCode: 'MVD', subsystem: 'REGISTRIES', service: 'population' })).toThrow(
      expect.objectContaining({ type: 'Server.ClientProxy.OutdatedGlobalConf' }),
    );
  });

  it('names the instances, member classes and global groups identifiers may use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortak-fed-'));
    const file = join(dir, 'config.jws');
    const withGroups: FederationConfig = {
      ...config('2026-06-02T00:00:00Z'),
      instances: [{ id: 'KZ', memberClasses: ['GOV', 'COM'] }, { id: 'EE', memberClasses: ['GOV'] }],
      globalGroups: [{ id: 'KZ/security-agencies', members: ['KZ/GOV/KNB/CASES', 'EE/GOV/70000562/RIHA'] }],
    };
    writeFileSync(file, await signFederationConfig(withGroups, anchor.keyPem, anchor.certPem));
    const view = new FederationView(file, anchor.certPem, new ManualClock(now), 'KZ');
    await view.refresh();
    expect([view.knowsMember('EE', 'GOV'), view.knowsMember('KZ', 'COM'), view.knowsMember('KZ', 'NGO'), view.knowsMember('UZ', 'GOV')]).toEqual([true, true, false, false]);
    expect(view.globalGroupsOf('EE/GOV/70000562/RIHA')).toEqual(['KZ/security-agencies']);
    expect(view.globalGroupsOf('KZ/GOV/MVD/CASES')).toEqual([]);
  });
});
