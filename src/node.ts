import type { RevocationChecker } from './pki/revocation.js';
import type { TrustList } from './pki/trust.js';
import type { AuditSealer } from './audit/index.js';
import type { Catalog } from './catalog/index.js';
import type { NodeCa } from './pki/index.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { Database } from './platform/db/index.js';
import type { JobRunner } from './platform/jobs.js';
import type { FederationView, GatewayDeps, OwnTsa, MessageLogArchiver, MessageLogTimestamper, NodeCredentials, RemoteProviders } from './exchange/index.js';
import type { WorkingCalendar } from './workflow/index.js';

/** Everything a running node is made of, built once at start (src/start.ts) and handed to the HTTP layer. */
export interface Node {
  config: Config;
  database: Database;
  catalog: Catalog;
  calendars: Map<string, WorkingCalendar>;
  ca: NodeCa;
  /** the member states' certification authorities and profiles, for citizens' own e-signatures (besides the node's CA) */
  trust: TrustList;
  /** asks the states' OCSP responders and CRLs about their certificates, keeping answers until their next update */
  revocation: RevocationChecker;
  /** the node's time-stamping authority (RFC 3161): documents' signatures, the message log, and others at POST /tsa */
  tsa: OwnTsa;
  clock: Clock;
  /** runs due jobs and timers; main.ts starts its polling, tests call runDue() */
  jobs: JobRunner;
  /** links new audit entries into the hash chain; main.ts starts it, tests call sealAudit() */
  auditSealer: AuditSealer;
  /** the exchange gateway: the services this node provides (registers), other nodes, limits and logging */
  gateway: GatewayDeps;
  /** when the node belongs to a federation: its view of the configuration, its gateway identity, other nodes */
  federation?: { view: FederationView; creds: NodeCredentials; remote: RemoteProviders };
  /** time-stamps the message log in batches; main.ts starts it, tests call runOnce() */
  timestamper: MessageLogTimestamper;
  archiver: MessageLogArchiver;
  /** the TLS key and certificate of the exchange's client interface (information systems pin the certificate) */
  clientInterfaceTls: { keyPem: string; certPem: string };
}
