import { BlockList, isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { appendAudit } from '../audit/index.js';
import { type Db, transaction } from '../platform/db/index.js';
import { badRequest, notFound } from '../platform/errors.js';
import { clientProxyError, ExchangeError } from './errors.js';
import { formatClientId, parseClientId } from './identifiers.js';

/**
 * The information systems registered on this node as exchange clients, as X-Road's Security Server registers
 * its clients' subsystems. Only they are served on the client interface, each over its connection type:
 * HTTP (from loopback or an allowed address), HTTPS_NO_AUTH (TLS) or HTTPS (mutual TLS with a pinned certificate).
 */
export type ConnectionType = 'HTTP' | 'HTTPS_NO_AUTH' | 'HTTPS';
export const CONNECTION_TYPES: readonly ConnectionType[] = ['HTTP', 'HTTPS_NO_AUTH', 'HTTPS'];

export interface ClientCertificate {
  fingerprint: string;
  subject: string;
  notAfter: string;
}

export interface ExchangeClient {
  clientId: string;
  connectionType: ConnectionType;
  allowedAddresses: string[];
  ratePerMinute: number | null;
  certificates: ClientCertificate[];
  registeredAt: string;
}

/** How a request reached the gateway: the client interface's connection, or the node's own portal in-process. */
export type Transport =
  | { kind: 'internal' }
  | { kind: 'http' | 'https'; remoteAddress: string; peerCertificate?: { fingerprint: string; validTo: Date } };

export async function listClients(db: Db): Promise<ExchangeClient[]> {
  const clients = await db.selectFrom('exchange_clients').selectAll().orderBy('client_id').execute();
  const certs = await db.selectFrom('exchange_client_certificates').selectAll().orderBy('added_at').execute();
  return clients.map((c) => ({
    clientId: c.client_id,
    connectionType: c.connection_type,
    allowedAddresses: c.allowed_addresses,
    ratePerMinute: c.rate_per_minute,
    registeredAt: c.registered_at.toISOString(),
    certificates: certs
      .filter((x) => x.client_id === c.client_id)
      .map((x) => ({ fingerprint: x.fingerprint, subject: new X509Certificate(x.certificate).subject.replace(/\n/g, ', '), notAfter: x.not_after.toISOString() })),
  }));
}

export interface ClientRegistration {
  client: string;
  /** HTTPS (mutual TLS) unless said otherwise */
  connectionType?: ConnectionType;
  allowedAddresses?: string[];
  ratePerMinute?: number | null;
}

function checkedSubsystem(text: string): string {
  const client = parseClientId(text);
  if (!client) throw badRequest('errors.invalid_client_id');
  if (client.subsystem === undefined) throw badRequest('errors.access_subject_not_subsystem', { subject: text });
  return formatClientId(client);
}

function checkedAddresses(addresses: string[]): string[] {
  for (const a of addresses) {
    const [address, bits, ...rest] = a.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || rest.length || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) throw badRequest('errors.invalid_client_address', { address: a });
  }
  return addresses;
}

/** Registers an information system's subsystem (or changes its registration). */
export async function registerClient(db: Db, r: ClientRegistration, now: Date, by: string | null): Promise<ExchangeClient> {
  const clientId = checkedSubsystem(r.client);
  const connectionType = r.connectionType ?? 'HTTPS';
  if (!CONNECTION_TYPES.includes(connectionType)) throw badRequest('errors.invalid_connection_type', { type: connectionType });
  const allowedAddresses = checkedAddresses(r.allowedAddresses ?? []);
  const values = { connection_type: connectionType, allowed_addresses: allowedAddresses, rate_per_minute: r.ratePerMinute ?? null };
  await transaction(db, async (tx) => {
    await tx
      .insertInto('exchange_clients')
      .values({ client_id: clientId, ...values, registered_at: now, registered_by: by })
      .onConflict((oc) => oc.column('client_id').doUpdateSet(values))
      .execute();
    await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.client_register', subjectType: 'exchange_client', subjectId: clientId, details: { connectionType, allowedAddresses, ratePerMinute: values.rate_per_minute } });
  });
  forgetClients(db);
  return (await listClients(db)).find((c) => c.clientId === clientId)!;
}

export async function removeClient(db: Db, client: string, now: Date, by: string | null): Promise<boolean> {
  const clientId = checkedSubsystem(client);
  const removed = await transaction(db, async (tx) => {
    const result = await tx.deleteFrom('exchange_clients').where('client_id', '=', clientId).executeTakeFirst();
    const done = Number(result.numDeletedRows) > 0;
    if (done) await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.client_remove', subjectType: 'exchange_client', subjectId: clientId });
    return done;
  });
  forgetClients(db);
  return removed;
}

/** Pins a TLS certificate (PEM) of the information system to its subsystem, for connection type HTTPS. */
export async function addClientCertificate(db: Db, client: string, pem: string, now: Date, by: string | null): Promise<ClientCertificate> {
  const clientId = checkedSubsystem(client);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw badRequest('errors.invalid_certificate');
  }
  const fingerprint = cert.fingerprint256.replace(/:/g, '').toLowerCase();
  const notAfter = new Date(cert.validTo);
  await transaction(db, async (tx) => {
    const known = await tx.selectFrom('exchange_clients').select('client_id').where('client_id', '=', clientId).executeTakeFirst();
    if (!known) throw notFound('errors.unknown_exchange_client', { client: clientId });
    await tx
      .insertInto('exchange_client_certificates')
      .values({ client_id: clientId, fingerprint, certificate: cert.toString(), not_after: notAfter, added_at: now })
      .onConflict((oc) => oc.columns(['client_id', 'fingerprint']).doNothing())
      .execute();
    await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.client_certificate_add', subjectType: 'exchange_client', subjectId: clientId, details: { fingerprint, subject: cert.subject } });
  });
  forgetClients(db);
  return { fingerprint, subject: cert.subject.replace(/\n/g, ', '), notAfter: notAfter.toISOString() };
}

export async function removeClientCertificate(db: Db, client: string, fingerprint: string, now: Date, by: string | null): Promise<boolean> {
  const clientId = checkedSubsystem(client);
  const removed = await transaction(db, async (tx) => {
    const result = await tx.deleteFrom('exchange_client_certificates').where('client_id', '=', clientId).where('fingerprint', '=', fingerprint.toLowerCase()).executeTakeFirst();
    const done = Number(result.numDeletedRows) > 0;
    if (done) await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.client_certificate_remove', subjectType: 'exchange_client', subjectId: clientId, details: { fingerprint } });
    return done;
  });
  forgetClients(db);
  return removed;
}

// A client's registration is remembered for a moment per process, like the access rights (see access.ts).
const CLIENT_CACHE_MS = 2000;
interface KnownClient {
  connectionType: ConnectionType;
  allowed?: BlockList;
  ratePerMinute: number | null;
  fingerprints: Set<string>;
}
const clientCache = new WeakMap<Db, Map<string, { client: KnownClient | null; until: number }>>();
const forgetClients = (db: Db) => clientCache.get(db)?.clear();

async function knownClient(db: Db, clientId: string): Promise<KnownClient | null> {
  let cache = clientCache.get(db);
  if (!cache) clientCache.set(db, (cache = new Map()));
  const known = cache.get(clientId);
  if (known && known.until > performance.now()) return known.client;
  const row = await db.selectFrom('exchange_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  let client: KnownClient | null = null;
  if (row) {
    const certs = await db.selectFrom('exchange_client_certificates').select('fingerprint').where('client_id', '=', clientId).execute();
    client = { connectionType: row.connection_type, ratePerMinute: row.rate_per_minute, fingerprints: new Set(certs.map((c) => c.fingerprint)) };
    if (row.allowed_addresses.length) {
      client.allowed = new BlockList();
      for (const a of row.allowed_addresses) {
        const [address, bits] = a.split('/');
        const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
        if (bits === undefined) client.allowed.addAddress(address, type);
        else client.allowed.addSubnet(address, Number(bits), type);
      }
    }
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(clientId, { client, until: performance.now() + CLIENT_CACHE_MS });
  return client;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
const plainAddress = (a: string) => a.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
const listed = (list: BlockList, address: string) => list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

/**
 * Checks that the client subsystem is registered and that this connection authenticates it as X-Road's Security
 * Server does (its IsAuthentication check), with X-Road's errors; answers the client's own rate, if it has one.
 */
export async function authenticateClient(db: Db, clientId: string, transport: Transport): Promise<{ ratePerMinute: number | null }> {
  // The node's own portal calls in-process, for its agencies' subsystems: authenticated by being the node.
  if (transport.kind === 'internal') return { ratePerMinute: null };
  const client = await knownClient(db, clientId);
  if (!client) throw clientProxyError('UnknownMember', `Client '${clientId}' is not registered on this node`);
  const address = plainAddress(transport.remoteAddress);
  if (client.allowed && !listed(client.allowed, address)) throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) may not connect from ${address}`);
  if (client.connectionType === 'HTTP') {
    if (transport.kind === 'http' && !listed(LOOPBACK, address) && !client.allowed) {
      throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) uses plain HTTP, which is accepted only from a loopback or allowed address`);
    }
    return client;
  }
  if (transport.kind === 'http') throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) specifies HTTPS but made a plaintext connection`);
  if (client.connectionType === 'HTTPS_NO_AUTH') return client;
  const cert = transport.peerCertificate;
  if (!cert) throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) specifies HTTPS but did not supply a TLS certificate`);
  if (!client.fingerprints.size) throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) has no IS certificates`);
  if (!client.fingerprints.has(cert.fingerprint)) throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) TLS certificate does not match any IS certificates`);
  if (cert.validTo < new Date()) throw clientProxyError('SslAuthenticationFailed', `Client (${clientId}) TLS certificate has expired`);
  return client;
}

/**
 * Per-client rate limits on the client interface: a token bucket per subsystem and process, refilled continuously.
 * With several node processes each keeps its own bucket, so the node's limit is the rate times the processes.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly defaultPerMinute: number) {}

  /** Takes one request from the client's allowance, or throws X-Road's error with the seconds to wait. */
  take(clientId: string, perMinute: number | null, nowMs = performance.now()): void {
    const rate = perMinute ?? this.defaultPerMinute;
    const bucket = this.buckets.get(clientId) ?? { tokens: rate, at: nowMs };
    bucket.tokens = Math.min(rate, bucket.tokens + ((nowMs - bucket.at) * rate) / 60_000);
    bucket.at = nowMs;
    if (bucket.tokens < 1) {
      const error = new ExchangeError('Client.RateLimitExceeded', `Client (${clientId}) exceeded its ${rate} requests per minute`, 429);
      error.retryAfterSeconds = Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / rate));
      throw error;
    }
    bucket.tokens -= 1;
    if (this.buckets.size > 10_000) this.buckets.clear();
    this.buckets.set(clientId, bucket);
  }
}
