import { createHash } from 'node:crypto';
import { canonicalJson } from '../platform/canonical-json.js';
import { type Db, type Tx, sql, transaction } from '../platform/db/index.js';

export interface LoggedMessage {
  at: Date;
  side: 'client' | 'provider';
  direction: 'request' | 'response';
  xRoadId: string;
  requestId: string;
  clientId: string;
  serviceId: string;
  userId?: string | null;
  issue?: string | null;
  method: string;
  path: string;
  status?: number | null;
  errorType?: string | null;
  requestHash?: string | null;
  /** the signature of the message between nodes (JWS signature value), when it crossed to another node */
  signature?: string | null;
  body: Uint8Array;
  /** keep the body itself, not only its hash (a subsystem set to full logging) */
  keepBody: boolean;
}

const CHAIN_LOCK = 7283003;

function rowHash(prev: string | null, row: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson({ prev, ...row })).digest('hex');
}

function metadata(m: LoggedMessage) {
  return {
    at: m.at.toISOString(),
    side: m.side,
    direction: m.direction,
    xRoadId: m.xRoadId,
    requestId: m.requestId,
    clientId: m.clientId,
    serviceId: m.serviceId,
    userId: m.userId ?? null,
    issue: m.issue ?? null,
    method: m.method,
    path: m.path,
    status: m.status ?? null,
    errorType: m.errorType ?? null,
    requestHash: m.requestHash ?? null,
    signature: m.signature ?? null,
    bodySha512: createHash('sha512').update(m.body).digest('base64'),
  };
}

/**
 * Appends messages to the gateway's log in one transaction, each row chained to the one before it (metadata always,
 * the body's SHA-512 always, the body itself where the subsystem logs fully). Returns only once durable.
 */
export async function logMessages(db: Db | Tx, messages: LoggedMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const write = async (tx: Tx) => {
    await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
    const last = await tx.selectFrom('message_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    let prev = last?.hash ?? null;
    for (const m of messages) {
      const meta = metadata(m);
      const hash = rowHash(prev, meta);
      await tx
        .insertInto('message_log')
        .values({
          at: m.at,
          side: m.side,
          direction: m.direction,
          x_road_id: m.xRoadId,
          request_id: m.requestId,
          client_id: m.clientId,
          service_id: m.serviceId,
          user_id: meta.userId,
          issue: meta.issue,
          method: m.method,
          path: m.path,
          status: meta.status,
          error_type: meta.errorType,
          request_hash: meta.requestHash,
          signature: meta.signature,
          body_sha512: meta.bodySha512,
          body: m.keepBody ? m.body : null,
          prev_hash: prev,
          hash,
        })
        .execute();
      prev = hash;
    }
  };
  if ('isTransaction' in db && db.isTransaction) await write(db as Tx);
  else await transaction(db as Db, write);
}

/** Walks the message log's chain; names the first row that does not hold. */
export async function verifyMessageLog(db: Db): Promise<{ ok: boolean; rows: number; brokenAt?: number }> {
  let prev: string | null = null;
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = await db.selectFrom('message_log').selectAll().where('id', '>', after).orderBy('id').limit(5000).execute();
    if (page.length === 0) return { ok: true, rows };
    for (const r of page) {
      rows += 1;
      const meta = {
        at: r.at.toISOString(), side: r.side, direction: r.direction, xRoadId: r.x_road_id, requestId: r.request_id, clientId: r.client_id,
        serviceId: r.service_id, userId: r.user_id, issue: r.issue, method: r.method, path: r.path, status: r.status, errorType: r.error_type,
        requestHash: r.request_hash, signature: r.signature, bodySha512: r.body_sha512,
      };
      const bodyTampered = r.body !== null && createHash('sha512').update(r.body).digest('base64') !== r.body_sha512;
      if (r.prev_hash !== prev || rowHash(prev, meta) !== r.hash || bodyTampered) return { ok: false, rows, brokenAt: Number(r.id) };
      prev = r.hash;
      after = Number(r.id);
    }
  }
}

export interface MessageLogEntry {
  id: number;
  at: string;
  side: string;
  direction: string;
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

/** The log for the node's operator, newest first (metadata only; bodies stay in the database). */
export async function listMessageLog(db: Db, limit: number, filter: { requestId?: string; before?: number } = {}): Promise<MessageLogEntry[]> {
  let q = db.selectFrom('message_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
  if (filter.before) q = q.where('id', '<', filter.before);
  return (await q.execute()).map((r) => ({
    id: Number(r.id), at: r.at.toISOString(), side: r.side, direction: r.direction, xRoadId: r.x_road_id, requestId: r.request_id,
    client: r.client_id, service: r.service_id, userId: r.user_id, issue: r.issue, method: r.method, path: r.path, status: r.status,
    errorType: r.error_type, requestHash: r.request_hash, signature: r.signature, hash: r.hash,
  }));
}
