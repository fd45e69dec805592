import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const STATE_CODES = ['KZ', 'AZ', 'KG', 'TR', 'UZ'] as const;

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; embedded PGlite under dataDir when absent */
  databaseUrl?: string;
  dataDir: string;
  /** the member states' CAs and profiles for citizens' own e-signatures (ORTAK_TRUST_DIR; pki/trust.ts) */
  trustDir: string;
  /**
   * Whether a citizen's certificate must have a known status (ORTAK_REVOCATION): `require` refuses a sign-in or a
   * submission whose certificate's OCSP responder or CRL cannot be reached; `prefer` records "unknown" and goes on.
   * A revoked certificate is refused either way. Responders and CRLs get `timeoutMs` (ORTAK_REVOCATION_TIMEOUT_MS).
   */
  revocation: { mode: 'require' | 'prefer'; timeoutMs: number };
  /** PostgreSQL connections of each node process (ORTAK_DB_POOL) */
  databasePool: number;
  /** demo personas and their key files, passwordless demo sign-in */
  demoMode: boolean;
  /** node processes serving side by side over one PostgreSQL (ORTAK_PROCESSES; 1 on the embedded database) */
  processes: number;
  /** demo mode: how many decided applications of the past year the demo data holds (for the public statistics) */
  demoHistory: number;
  /** whose service definitions this node loads */
  states: string[];
  defaultLanguage: string;
  /** public address of the node, used in links such as document verification URLs */
  publicUrl: string;
  bodyLimitBytes: number;
  sessionHours: number;
  logLevel: string;
  /** secure cookies need https; off for plain-http local runs */
  secureCookies: boolean;
  /** e-mail delivery: smtp://user:pass@host:port (unset: no e-mail) */
  smtpUrl?: string;
  mailFrom: string;
  /** SMS delivery through an HTTP provider (unset: no SMS) */
  smsUrl?: string;
  smsToken?: string;
  /** the bearer token the SMS provider presents on its inbound (reply) webhook */
  smsInboundToken?: string;
  /** shared secret of the demo payment provider's signed webhooks (a fixed demo value in demo mode) */
  paymentWebhookSecret?: string;
  /** sign-in attempts (challenge, sign-in, demo login) one address may make per minute */
  signInRateLimit: number;
  /**
   * The reverse proxies in front of the node whose X-Forwarded-For is believed (ORTAK_TRUST_PROXY: addresses or CIDR
   * ranges, comma-separated, or a number of hops); without it the client's address is the connection's, so behind a
   * proxy every citizen would share the proxy's sign-in limit.
   */
  trustProxy: string[] | number | false;
  /** how long a provider may take to answer through the exchange */
  exchangeTimeoutMs: number;
  /** the exchange's client interface for the registered information systems (HTTP and HTTPS on one port) */
  clientInterface: {
    host: string;
    port: number;
    /** the operator's TLS key and certificate files; unset: the node's own, made on first start */
    tlsKeyFile?: string;
    tlsCertFile?: string;
    /** requests per minute per client subsystem, unless its registration says otherwise */
    ratePerMinute: number;
  };
  /** member classes of this node's own instances (its states) when it is not in a federation */
  memberClasses: string[];
  /** the largest exchange message body, in bytes, on the client interface and between nodes */
  exchangeMaxBodyBytes: number;
  /** client subsystems whose messages are logged with their bodies, not only metadata and hashes ('*' for all) */
  /** subsystems (clients or providers) whose messages are logged without their bodies; every other body is kept */
  metadataOnlyLogging: string[];
  /** the message log's time-stamps: an RFC 3161 authority at a URL (with the certificate to trust), else the node's own */
  timestamps: { tsaUrl?: string; tsaCertFile?: string; intervalSeconds: number; failureSeconds: number };
  /** the message log's archives: written every interval into `dir`, about `maxRows` rows per file at most */
  archives: { dir: string; intervalSeconds: number; maxRows: number };
  /** membership of a federation: all of these, or none (a node on its own) */
  federation?: {
    nodeId: string;
    gatewayPort: number;
    keyFile: string;
    certFile: string;
    anchorFile: string;
    configFile: string;
    refreshSeconds: number;
  };
}

function revocationMode(value: string | undefined): 'require' | 'prefer' {
  if (value === undefined || value === '' || value === 'require') return 'require';
  if (value === 'prefer') return 'prefer';
  throw new Error(`ORTAK_REVOCATION must be require or prefer, got ${value}`);
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got ${value}`);
  return n;
}

function portNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${value}`);
  return n;
}

function requiredWith(env: NodeJS.ProcessEnv, name: string, other: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when ${other} is`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when ORTAK_NODE_ID is (a node of a federation)`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const states = (env.ORTAK_STATES ?? STATE_CODES.join(','))
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const s of states) {
    if (!(STATE_CODES as readonly string[]).includes(s)) throw new Error(`ORTAK_STATES: unknown state ${s}`);
  }
  const demoMode = flag(env.ORTAK_DEMO, true);
  const host = hostOf(env, demoMode);
  if (!demoMode) refuseDemoSettings(env);
  return {
    port,
    host,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.ORTAK_DATA_DIR ?? join(repoRoot, 'data'),
    trustDir: env.ORTAK_TRUST_DIR || join(repoRoot, 'trust'),
    revocation: { mode: revocationMode(env.ORTAK_REVOCATION), timeoutMs: positiveInteger(env, 'ORTAK_REVOCATION_TIMEOUT_MS', 5000) },
    databasePool: positiveInteger(env, 'ORTAK_DB_POOL', 10),
    demoMode,
    processes: Math.max(1, Math.floor(Number(env.ORTAK_PROCESSES ?? 1)) || 1),
    demoHistory: Number(env.ORTAK_DEMO_HISTORY ?? 360),
    states,
    defaultLanguage: env.ORTAK_DEFAULT_LANGUAGE ?? 'en',
    // (what the node's documents and messages link to: outside demo mode the operator's, never a guess)
    publicUrl: (env.ORTAK_PUBLIC_URL || (demoMode ? `http://localhost:${port}` : requiredOutsideDemo(env, 'ORTAK_PUBLIC_URL', 'the address citizens reach the node at, e.g. https://ortak.gov.kz; documents carry it in their QR codes'))).replace(/\/$/, ''),
    bodyLimitBytes: Number(env.ORTAK_BODY_LIMIT ?? 1024 * 1024),
    sessionHours: Number(env.ORTAK_SESSION_HOURS ?? 8),
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: flag(env.ORTAK_SECURE_COOKIES, (env.ORTAK_PUBLIC_URL ?? '').startsWith('https:')),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.ORTAK_MAIL_FROM ?? 'Ortak <no-reply@ortak.invalid>',
    smsUrl: env.SMS_URL || undefined,
    smsToken: env.SMS_TOKEN || undefined,
    smsInboundToken: smsInboundToken(env),
    signInRateLimit: Number(env.ORTAK_SIGNIN_RATE_LIMIT ?? 30),
    trustProxy: trustedProxies(env.ORTAK_TRUST_PROXY),
    exchangeTimeoutMs: Number(env.ORTAK_EXCHANGE_TIMEOUT_MS ?? 5000),
    clientInterface: {
      host: env.ORTAK_CLIENT_HOST || '127.0.0.1',
      port: portNumber(env, 'ORTAK_CLIENT_PORT', 8081),
      tlsKeyFile: env.ORTAK_CLIENT_TLS_KEY || undefined,
      tlsCertFile: env.ORTAK_CLIENT_TLS_CERT || undefined,
      ratePerMinute: positiveInteger(env, 'ORTAK_CLIENT_RATE_LIMIT', 60_000),
    },
    memberClasses: (env.ORTAK_MEMBER_CLASSES ?? 'GOV,COM,NGO').split(',').map((s) => s.trim()).filter(Boolean),
    exchangeMaxBodyBytes: positiveInteger(env, 'ORTAK_EXCHANGE_MAX_BODY', 10 * 1024 * 1024),
    metadataOnlyLogging: (env.ORTAK_MESSAGE_LOG_METADATA_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    timestamps: {
      tsaUrl: env.ORTAK_TSA_URL || undefined,
      tsaCertFile: env.ORTAK_TSA_URL ? requiredWith(env, 'ORTAK_TSA_CERT', 'ORTAK_TSA_URL') : undefined,
      intervalSeconds: positiveInteger(env, 'ORTAK_TIMESTAMP_INTERVAL_SECONDS', 60),
      // X-Road's acceptable time-stamp failure period
      failureSeconds: positiveInteger(env, 'ORTAK_TIMESTAMP_FAILURE_SECONDS', 14_400),
    },
    archives: {
      dir: env.ORTAK_ARCHIVE_DIR || join(env.ORTAK_DATA_DIR ?? join(repoRoot, 'data'), 'message-log-archives'),
      // X-Road's Security Server archives every six hours
      intervalSeconds: positiveInteger(env, 'ORTAK_ARCHIVE_INTERVAL_SECONDS', 6 * 3600),
      maxRows: positiveInteger(env, 'ORTAK_ARCHIVE_MAX_ROWS', 10_000),
    },
    federation: env.ORTAK_NODE_ID
      ? {
          nodeId: env.ORTAK_NODE_ID,
          gatewayPort: Number(env.ORTAK_GATEWAY_PORT ?? 8443),
          keyFile: required(env, 'ORTAK_NODE_KEY'),
          certFile: required(env, 'ORTAK_NODE_CERT'),
          anchorFile: required(env, 'ORTAK_FEDERATION_ANCHOR'),
          configFile: required(env, 'ORTAK_FEDERATION_CONFIG'),
          refreshSeconds: Number(env.ORTAK_FEDERATION_REFRESH_SECONDS ?? 30),
        }
      : undefined,
    // the demo card provider's: it exists in demo mode only
    paymentWebhookSecret: demoMode ? env.ORTAK_PAYMENT_WEBHOOK_SECRET || 'demo-webhook-secret' : undefined,
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Demo mode lets anyone who reaches the node sign in as anyone, the operator included, and hands out the personas'
 * private keys: by default it listens on loopback only. Another address needs demo mode asked for by name.
 */
function hostOf(env: NodeJS.ProcessEnv, demoMode: boolean): string {
  const host = env.HOST || (demoMode ? '127.0.0.1' : '0.0.0.0');
  const demoAskedFor = env.ORTAK_DEMO !== undefined && env.ORTAK_DEMO !== '';
  if (demoMode && !demoAskedFor && !LOOPBACK.has(host)) {
    throw new Error(
      `HOST=${host} would open demo mode (sign-in as anyone, the personas' private keys for the asking) to the network. ` +
        'Set ORTAK_DEMO=false for a real node, or ORTAK_DEMO=true to show the demo on that address on purpose.',
    );
  }
  return host;
}

function requiredOutsideDemo(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set outside demo mode (ORTAK_DEMO=false): ${what}`);
  return value;
}

// Settings that only mean something to the demo: outside it they would suggest a payment path that does not exist.
function refuseDemoSettings(env: NodeJS.ProcessEnv): void {
  if (env.ORTAK_PAYMENT_WEBHOOK_SECRET) {
    throw new Error('ORTAK_PAYMENT_WEBHOOK_SECRET configures the demo card provider, which exists in demo mode only (no real payment provider is integrated yet): unset it outside demo mode');
  }
}

const DEMO_SMS_TOKEN = 'demo-sms-inbound';

// The SMS provider's token lets its caller consent for citizens: outside demo mode it must be the operator's own.
function smsInboundToken(env: NodeJS.ProcessEnv): string | undefined {
  const demo = flag(env.ORTAK_DEMO, true);
  const token = env.SMS_INBOUND_TOKEN || (demo ? DEMO_SMS_TOKEN : undefined);
  if (!demo && token !== undefined && (token === DEMO_SMS_TOKEN || token.length < 16)) {
    throw new Error('SMS_INBOUND_TOKEN must be a secret of at least 16 characters of your own outside demo mode (not the demo value)');
  }
  return token;
}

function trustedProxies(value: string | undefined): string[] | number | false {
  const v = (value ?? '').trim();
  if (!v) return false;
  if (/^\d+$/.test(v)) return Number(v);
  // "true" would believe any client's X-Forwarded-For, and so let anyone choose the address their limit counts
  if (v === 'true') throw new Error('ORTAK_TRUST_PROXY: name the proxies (addresses or CIDR ranges) or a number of hops, not true');
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Whether a message is logged with its body: yes, unless its client or its provider subsystem is one the operator
 * set to metadata only (ORTAK_MESSAGE_LOG_METADATA_ONLY; '*' for all), as X-Road allows per subsystem.
 */
export function logsBodies(config: Pick<Config, 'metadataOnlyLogging'>): (clientId: string, serviceId: string) => boolean {
  const all = config.metadataOnlyLogging.includes('*');
  const set = new Set(config.metadataOnlyLogging);
  return (clientId, serviceId) => !all && !set.has(clientId) && !set.has(serviceId.split('/').slice(0, 4).join('/'));
}
