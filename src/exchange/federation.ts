import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CompactSign, compactVerify, importPKCS8, importX509 } from 'jose';
import { canonicalJson } from '../platform/canonical-json.js';
import type { Clock } from '../platform/clock.js';

/**
 * The federation's configuration: which nodes exist, where they listen, their gateway certificates, and which
 * members and subsystems each one serves. The federation operator signs it with the trust anchor's key; a node
 * accepts only a configuration signed under the anchor it was given, and only until it expires.
 */
export interface FederationNode {
  id: string;
  /** https://host:port of the node's gateway */
  address: string;
  /** PEM of the node's gateway certificate, issued under the trust anchor */
  certificate: string;
  /** X-Road members (INSTANCE/CLASS/MEMBER) the node speaks for */
  members: string[];
  /** subsystems (INSTANCE/CLASS/MEMBER/SUBSYSTEM) whose services the node provides */
  subsystems: string[];
}

/** A global group: subsystems of any node that providers may grant access to together (X-Road's global groups). */
export interface GlobalGroup {
  /** INSTANCE/CODE */
  id: string;
  description?: string;
  /** subsystems, INSTANCE/CLASS/MEMBER/SUBSYSTEM */
  members: string[];
}

/** An X-Road instance of the federation and its member classes (X-Road's global configuration holds these). */
export interface FederationInstance {
  id: string;
  memberClasses: string[];
}

export interface FederationConfig {
  version: 1;
  issuedAt: string;
  expiresAt: string;
  /** the instances and member classes identifiers may name; a configuration without them names its nodes' own */
  instances?: FederationInstance[];
  nodes: FederationNode[];
  globalGroups?: GlobalGroup[];
}

export async function signFederationConfig(config: FederationConfig, anchorKeyPem: string, anchorCertPem: string): Promise<string> {
  const key = await importPKCS8(anchorKeyPem, 'ES256');
  const der = new NodeX509(anchorCertPem).raw.toString('base64');
  return new CompactSign(new TextEncoder().encode(canonicalJson(config))).setProtectedHeader({ alg: 'ES256', typ: 'ortak-federation+jws', x5c: [der] }).sign(key);
}

export type ConfigProblem = 'malformed' | 'signature' | 'expired';

export async function verifyFederationConfig(jws: string, anchorCertPem: string, now: Date): Promise<{ config?: FederationConfig; problem?: ConfigProblem }> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws.trim(), await importX509(anchorCertPem, 'ES256'), { algorithms: ['ES256'] }));
  } catch (error) {
    return { problem: (error as Error).name === 'JWSSignatureVerificationFailed' ? 'signature' : 'malformed' };
  }
  let config: FederationConfig;
  try {
    config = JSON.parse(new TextDecoder().decode(payload)) as FederationConfig;
  } catch {
    return { problem: 'malformed' };
  }
  if (config.version !== 1 || !Array.isArray(config.nodes)) return { problem: 'malformed' };
  if (!(new Date(config.expiresAt) > now)) return { problem: 'expired' };
  return { config };
}

// Remembered per certificate: every message between nodes looks its sender and receiver up by fingerprint.
const fingerprints = new Map<string, string>();
export function certificateFingerprint(pemOrDer: string | Buffer): string {
  if (typeof pemOrDer !== 'string') return createHash('sha256').update(new NodeX509(pemOrDer).raw).digest('hex');
  let fingerprint = fingerprints.get(pemOrDer);
  if (!fingerprint) {
    fingerprint = createHash('sha256').update(new NodeX509(pemOrDer).raw).digest('hex');
    if (fingerprints.size > 1000) fingerprints.clear();
    fingerprints.set(pemOrDer, fingerprint);
  }
  return fingerprint;
}

/**
 * The node's view of the federation: the configuration is fetched again from the operator's server (or read from a
 * file) every `refreshSeconds`; a new one that does not verify, or none at all, leaves the last good one in force —
 * until it expires, after which this node can neither call nor be called across nodes.
 */
export class FederationView {
  private config?: FederationConfig;
  private timer?: NodeJS.Timeout;
  lastProblem?: ConfigProblem | 'unreadable';

  constructor(
    private readonly source: string,
    private readonly anchorPem: string,
    private readonly clock: Clock,
    readonly selfId: string,
  ) {}

  async refresh(): Promise<void> {
    const text = await this.read();
    if (text === undefined) return;
    const { config, problem } = await verifyFederationConfig(text, this.anchorPem, this.clock.now());
    this.lastProblem = problem;
    if (config) this.config = config;
  }

  /** The signed configuration, from the operator's server (http[s]://…) or a file; undefined when unreachable. */
  private async read(): Promise<string | undefined> {
    try {
      if (!/^https?:\/\//.test(this.source)) return readFileSync(this.source, 'utf8');
      const res = await fetch(this.source, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/jose' } });
      if (res.ok) return await res.text();
    } catch {
      // unreachable: keep the configuration in force
    }
    this.lastProblem = 'unreadable';
    return undefined;
  }

  start(refreshSeconds: number): void {
    this.timer = setInterval(() => void this.refresh(), refreshSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The configuration in force, or undefined when there is none or it has expired. */
  current(): FederationConfig | undefined {
    if (!this.config || !(new Date(this.config.expiresAt) > this.clock.now())) return undefined;
    return this.config;
  }

  node(id: string): FederationNode | undefined {
    return this.current()?.nodes.find((n) => n.id === id);
  }

  /** Whether the configuration in force knows this instance and member class. */
  knowsMember(instance: string, memberClass: string): boolean {
    const config = this.current();
    if (!config) return false;
    if (config.instances) return config.instances.some((i) => i.id === instance && i.memberClasses.includes(memberClass));
    return config.nodes.some((n) => [...n.members, ...n.subsystems].some((m) => m.startsWith(`${instance}/${memberClass}/`)));
  }

  /** Every member and subsystem the configuration in force names, for listClients. */
  members(): string[] {
    const config = this.current();
    return [...(config?.nodes ?? []).flatMap((n) => [...n.members, ...n.subsystems]), ...(config?.globalGroups ?? []).flatMap((g) => g.members)];
  }

  /** The global groups of the configuration in force that list this subsystem. */
  globalGroupsOf(clientId: string): string[] {
    return (this.current()?.globalGroups ?? []).filter((g) => g.members.includes(clientId)).map((g) => g.id);
  }

  nodeByCertificate(fingerprint: string): FederationNode | undefined {
    return this.current()?.nodes.find((n) => certificateFingerprint(n.certificate) === fingerprint);
  }
}
