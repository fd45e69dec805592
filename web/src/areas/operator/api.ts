// The node operator's API shapes (see /openapi.json: /api/v1/operator/*, /api/v1/exchange/*, /health).

export interface OperatorCatalogService {
  code: string;
  version: number;
  state: string;
  agency: string;
  title: string;
  category: string;
  /** the service definition's file, relative to the node's services folder */
  file: string;
  fee: { amount: number; currency: string };
  deadline: { days: number; type: 'working' | 'calendar' };
  /** how many steps the workflow has */
  steps: number;
  /** evidence from a register this node has no exchange service for: its rules send every application to an officer */
  evidenceUnavailable: { key: string; registry: string }[];
}

export interface OperatorCatalogAgency {
  code: string;
  state: string;
  /** the agency's X-Road member, e.g. KZ/GOV/LEGALSTAT */
  member: string;
  name: string;
}

export interface OperatorCatalog {
  loadedAt: string;
  /** service files left out of the catalog, each with what is wrong in it */
  errors: string[];
  services: OperatorCatalogService[];
  agencies: OperatorCatalogAgency[];
}

export interface AgencyOfficer {
  accountId: string;
  name: string;
  identifier: string;
  permissions: string[];
  active: boolean;
  assignedOpen: number;
}

export interface OperatorAgency {
  code: string;
  state: string;
  member: string;
  name: string;
  openApplications: number;
  overdueApplications: number;
  officers: AgencyOfficer[];
}

export interface QueueHealth {
  queue: string;
  /** timers and retries waiting for their time */
  scheduled: number;
  /** waiting to run now */
  due: number;
  running: number;
  failed: number;
  doneLastHour: number;
  oldestDueSeconds: number | null;
}

export interface FederationHealth {
  node: string;
  valid: boolean;
  nodes: number;
  expiresAt: string | null;
  problem: string | null;
}

export interface OperatorHealth {
  status: 'ok' | 'degraded';
  database: { kind: string; status: 'up' | 'down'; latencyMs?: number };
  queues: QueueHealth[];
  applications: { open: number; overdue: number };
  federation: FederationHealth | null;
}

/** GET /health: public, no session needed */
export interface NodeHealth {
  status: 'ok' | 'degraded';
  version: string;
  uptimeSeconds: number;
  database: { kind: string; status: 'up' | 'down'; latencyMs?: number; error?: string };
  catalog: { services: number; agencies: number };
  federation?: FederationHealth;
}

export interface ExchangeService {
  id: string;
  registry: string;
  state: string;
  openapi: Record<string, unknown>;
}

export type SubjectType = 'SUBSYSTEM' | 'LOCALGROUP' | 'GLOBALGROUP';
export const SUBJECT_TYPES: readonly SubjectType[] = ['SUBSYSTEM', 'LOCALGROUP', 'GLOBALGROUP'];

/** Who may call which endpoint of a service: a subsystem, a local group of the provider, or a global group. */
export interface AccessRight {
  serviceId: string;
  subjectType: SubjectType;
  /** a subsystem (KZ/GOV/MVD/CASES), a local group's code, or a global group (KZ/security-agencies) */
  subject: string;
  /** '*' for any method */
  method: string;
  /** a path pattern: '**' for any path, '*' within one segment */
  path: string;
  grantedAt: string;
}

/** The body's field that names a grant's subject, by its type (POST and DELETE /api/v1/exchange/access-rights). */
export const SUBJECT_FIELD: Record<SubjectType, 'client' | 'localGroup' | 'globalGroup'> = { SUBSYSTEM: 'client', LOCALGROUP: 'localGroup', GLOBALGROUP: 'globalGroup' };

export type ConnectionType = 'HTTP' | 'HTTPS_NO_AUTH' | 'HTTPS';
/** HTTPS (mutual TLS) first: the API's default */
export const CONNECTION_TYPES: readonly ConnectionType[] = ['HTTPS', 'HTTPS_NO_AUTH', 'HTTP'];

export interface ClientCertificate {
  /** SHA-256 of the certificate, 64 hex digits */
  fingerprint: string;
  subject: string;
  notAfter: string;
}

/** An information system registered on the client interface, as its subsystem. */
export interface ExchangeClient {
  clientId: string;
  connectionType: ConnectionType;
  /** addresses or CIDR ranges it may connect from; none: any (plain HTTP: loopback only) */
  allowedAddresses: string[];
  ratePerMinute: number | null;
  certificates: ClientCertificate[];
  registeredAt: string;
}

/** Where information systems connect, and the TLS certificate they pin. */
export interface ClientInterface {
  host: string;
  port: number;
  certificate: string;
}

export interface LocalGroup {
  /** the provider subsystem that keeps it, e.g. KZ/GOV/MVD/REGISTRIES */
  owner: string;
  code: string;
  description: string;
  members: string[];
}

/**
 * A service this node provides from an agency's own REST system: the gateway passes calls to its address (GET, POST
 * and DELETE /api/v1/exchange/external-services).
 */
export interface ExternalService {
  /** INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE, e.g. KZ/GOV/MINJUST/NOTARY/deeds */
  serviceId: string;
  /** the system's base address, http or https */
  url: string;
  /** the time limit for an answer */
  timeoutMs: number;
  /** https: whether the system's certificate is checked */
  tlsVerify: boolean;
  /** PEM: the CA or certificate the system's certificate must chain to; null: the usual trusted CAs */
  tlsCa: string | null;
  /** the service's OpenAPI 3 description */
  openapi: Record<string, unknown> | null;
  registeredAt: string;
}

/** An external service's time limit, in milliseconds: the API's default and bounds. */
export const EXTERNAL_TIMEOUT = { default: 30_000, min: 100, max: 600_000 } as const;

export interface MessageLogEntry {
  id: number;
  at: string;
  side: 'client' | 'provider' | string;
  direction: 'request' | 'response' | string;
  xRoadId: string;
  requestId: string;
  client: string;
  service: string;
  userId: string | null;
  issue: string | null;
  method: string;
  path: string;
  status: number | null;
  errorType: string | null;
  requestHash: string | null;
  signature: string | null;
  hash: string;
}

/** A queue whose oldest due job has waited this long (or any failed job) is a warning. */
export const SLOW_QUEUE_SECONDS = 120;

export const queueWarnings = (q: QueueHealth) => ({ failed: q.failed > 0, slow: (q.oldestDueSeconds ?? 0) >= SLOW_QUEUE_SECONDS });
