import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../platform/canonical-json.js';
import { type Db, sql } from '../platform/db/index.js';
import type { Payload } from './payload.js';

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
  /** X-Road-Represented-Party, [CLASS/]CODE */
  representedParty?: string | null;
  method: string;
  path: string;
  status?: number | null;
  errorType?: string | null;
  requestHash?: string | null;
  /** the signature of the message between nodes (JWS signature value), when it crossed to another node */
  signature?: string | null;
  body: Payload;
  /** keep the body itself, not only its hash (a subsystem set to full logging) */
  keepBody: boolean;
}

export function rowHash(prev: string | null, row: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson({ prev, ...row })).digest('hex');
}

// The chain's name is hashed with the row (so a row cannot move to another chain) — for named chains only, so that
// rows from before chains had names keep their hashes.
function metadata(m: LoggedMessage, chain: string | null) {
  return {
    ...(chain === null ? {} : { chain }),
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
    bodySha512: m.body.sha512Base64,
    // (hashed only when there is one, so that rows from before it was kept keep their hashes)
    ...(m.representedParty ? { representedParty: m.representedParty } : {}),
  };
}

/** What a stored row's hash covers, from its columns (the message log's verification, and its archives'). */
export function storedMetadata(r: {
  chain: string | null; at: Date; side: string; direction: string; x_road_id: string; request_id: string; client_id: string; service_id: string; user_id: string | null;
  issue: string | null; method: string; path: string; status: number | null; error_type: string | null; request_hash: string | null; signature: string | null;
  body_sha512: string | null; represented_party: string | null;
}): Record<string, unknown> {
  return {
    ...(r.chain === null ? {} : { chain: r.chain }),
    at: r.at.toISOString(), side: r.side, direction: r.direction, xRoadId: r.x_road_id, requestId: r.request_id, clientId: r.client_id,
    serviceId: r.service_id, userId: r.user_id, issue: r.issue, method: r.method, path: r.path, status: r.status, errorType: r.error_type,
    requestHash: r.request_hash, signature: r.signature, bodySha512: r.body_sha512,
    ...(r.represented_party ? { representedParty: r.represented_party } : {}),
  };
}

/** A person named in an exchange message, for their data tracker. */
export interface DataAccessRecord {
  personState: string;
  personId: string;
  role: 'user' | 'subject';
  at: Date;
  clientId: string;
  serviceId: string;
  userId: string | null;
  issue: string | null;
  requestId: string;
}

/** What one round trip leaves on one side: its messages and the data tracker's entries. */
export interface ExchangeRecord {
  messages: LoggedMessage[];
  accesses: DataAccessRecord[];
}

// Records per statement at most, so that one slow batch does not hold too many round trips.
const MAX_BATCH = 250;

/**
 * The message log of one gateway process, written with group commit: a round trip waits until its record is
 * durable, but while one statement commits, the records that arrive queue up and go together in the next — so under
 * load one commit carries many round trips, and at rest each goes alone at once. Each batch is a single statement
 * (the data tracker's rows ride in it as a CTE), chained to this process's previous batch; the process's chain
 * starts from the row that was the log's last when it began. A batch that fails is retried record by record, so
 * one bad record fails only its own round trip.
 */
class MessageLogWriter {
  private queue: { record: ExchangeRecord; done: (error?: unknown) => void }[] = [];
  private writing = false;
  private readonly chain = randomUUID();
  /** the hash of this chain's last row; undefined until read (at the start, and again after a failure) */
  private last: string | null | undefined;
  /** whether a batch of this chain may have been committed (until then the chain has no row to look for) */
  private begun = false;

  constructor(private readonly db: Db) {}

  append(record: ExchangeRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.write(batch.map((b) => b.record));
        for (const b of batch) b.done();
      } catch (error) {
        if (batch.length === 1) batch[0].done(error);
        else for (const b of batch) await this.write([b.record]).then(() => b.done(), (e) => b.done(e));
      }
    }
    this.writing = false;
  }

  private async write(records: ExchangeRecord[]): Promise<void> {
    try {
      if (this.last === undefined) this.last = await this.head();
      let prev = this.last;
      const rows = records.flatMap((r) => r.messages).map((message) => {
        const meta = metadata(message, this.chain);
        const hash = rowHash(prev, meta);
        // (a spooled body was written in parts before the batch: storeBodyParts)
        const inline = message.keepBody ? message.body.inMemory : undefined;
        const row = { ...meta, representedParty: message.representedParty ?? null, bodyHex: inline ? inline.toString('hex') : null, inParts: message.keepBody && message.body.isSpooled, prev, hash };
        prev = hash;
        return row;
      });
      const accesses = records.flatMap((r) => r.accesses).map((a) => ({ ...a, at: a.at.toISOString() }));
      this.begun = true;
      // Column by column, as arrays: one statement text whatever the batch's size, so neither the node nor
      // PostgreSQL builds and parses a statement of thousands of parameters per batch.
      const m = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
      const a = <K extends keyof (typeof accesses)[number]>(key: K) => accesses.map((r) => r[key]);
      await sql`
        WITH accesses AS (
          INSERT INTO data_access_log (person_state, person_id, role, at, client_id, service_id, user_id, issue, request_id)
          SELECT * FROM unnest(${a('personState')}::text[], ${a('personId')}::text[], ${a('role')}::text[], ${a('at')}::timestamptz[], ${a('clientId')}::text[],
                               ${a('serviceId')}::text[], ${a('userId')}::text[], ${a('issue')}::text[], ${a('requestId')}::text[]))
        INSERT INTO message_log (at, side, direction, x_road_id, request_id, client_id, service_id, user_id, issue, method, path, status, error_type,
                                 request_hash, signature, body_sha512, body, body_in_parts, represented_party, chain, prev_hash, hash)
        SELECT at, side, direction, x_road_id, request_id, client_id, service_id, user_id, issue, method, path, status, error_type,
               request_hash, signature, body_sha512, decode(body_hex, 'hex'), in_parts, represented_party, ${this.chain}, prev_hash, hash
        FROM unnest(${m('at')}::timestamptz[], ${m('side')}::text[], ${m('direction')}::text[], ${m('xRoadId')}::text[], ${m('requestId')}::text[],
                    ${m('clientId')}::text[], ${m('serviceId')}::text[], ${m('userId')}::text[], ${m('issue')}::text[], ${m('method')}::text[], ${m('path')}::text[],
                    ${m('status')}::int[], ${m('errorType')}::text[], ${m('requestHash')}::text[], ${m('signature')}::text[], ${m('bodySha512')}::text[],
                    ${m('bodyHex')}::text[], ${m('inParts')}::boolean[], ${m('representedParty')}::text[], ${m('prev')}::text[], ${m('hash')}::text[])
          WITH ORDINALITY AS m(at, side, direction, x_road_id, request_id, client_id, service_id, user_id, issue, method, path, status, error_type,
                               request_hash, signature, body_sha512, body_hex, in_parts, represented_party, prev_hash, hash, ord)
        ORDER BY ord`.execute(this.db);
      this.last = prev;
    } catch (error) {
      // The statement may have committed without our hearing of it: read the chain's end again before the next.
      this.last = undefined;
      throw error;
    }
  }

  /** This chain's last hash, or — before its first row — the hash of the log's last row, which the chain follows. */
  private async head(): Promise<string | null> {
    // (a chain's rows are the newest, so walking the log backwards finds them at once; before the chain's first
    // batch there is nothing to find, and looking would walk the whole log)
    const own = this.begun ? await this.db.selectFrom('message_log').select('hash').where('chain', '=', this.chain).orderBy('id', 'desc').limit(1).executeTakeFirst() : undefined;
    if (own) return own.hash;
    const last = await this.db.selectFrom('message_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return last?.hash ?? null;
  }
}

const writers = new WeakMap<Db, MessageLogWriter>();

/** Logs one side of a round trip (and the data tracker's entries); resolves only once it is durable. */
export async function recordExchange(db: Db, record: ExchangeRecord): Promise<void> {
  for (const m of record.messages) if (m.keepBody && m.body.isSpooled) await storeBodyParts(db, m.body);
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new MessageLogWriter(db)));
  return writer.append(record);
}

const PART_BYTES = 1024 * 1024;

/**
 * Writes a spooled body into message_log_bodies, a part of 1 MiB at a time as it is read back from its file (so a
 * large body is never whole in memory), before the log row that names it commits. Parts are written in order, so a
 * body whose last part is there is there whole (the same body logged on both sides of one node is written once).
 * A crash between the parts and the row leaves parts no row names, which are harmless.
 */
async function storeBodyParts(db: Db, body: Payload): Promise<void> {
  const sha512 = body.sha512Base64;
  const last = Math.max(0, Math.ceil(body.size / PART_BYTES) - 1);
  if (await db.selectFrom('message_log_bodies').select('part').where('sha512', '=', sha512).where('part', '=', last).executeTakeFirst()) return;
  let part = 0;
  let pending: Buffer[] = [];
  let size = 0;
  const flush = async () => {
    await db.insertInto('message_log_bodies').values({ sha512, part: part++, bytes: Buffer.concat(pending) }).onConflict((oc) => oc.doNothing()).execute();
    pending = [];
    size = 0;
  };
  for await (const chunk of body.stream() as AsyncIterable<Buffer>) {
    for (let at = 0; at < chunk.length; ) {
      const take = chunk.subarray(at, at + PART_BYTES - size);
      pending.push(take);
      size += take.length;
      at += take.length;
      if (size === PART_BYTES) await flush();
    }
  }
  if (size > 0 || part === 0) await flush();
}

/** The SHA-512 (base64) of a body kept in parts, read a part at a time. */
async function partsDigest(db: Db, sha512: string): Promise<string> {
  const digest = createHash('sha512');
  for (let part = 0; ; part++) {
    const row = await db.selectFrom('message_log_bodies').select('bytes').where('sha512', '=', sha512).where('part', '=', part).executeTakeFirst();
    if (!row) return digest.digest('base64');
    digest.update(row.bytes);
  }
}

/** A logged body kept in parts, whole (the archive's copy of it). */
export async function bodyFromParts(db: Db, sha512: string): Promise<Buffer> {
  const rows = await db.selectFrom('message_log_bodies').select('bytes').where('sha512', '=', sha512).orderBy('part').execute();
  return Buffer.concat(rows.map((r) => r.bytes));
}

/**
 * Walks every chain of the message log; names the first row that does not hold: a row whose hash is not that of its
 * content and predecessor, a row that does not follow its chain's last row, a chain whose first row does not follow
 * a row written before it, or a kept body that does not match its hash.
 */
export async function verifyMessageLog(db: Db): Promise<{ ok: boolean; rows: number; brokenAt?: number }> {
  // The rows each chain starts from, found in a first pass so that the walk can check them as it passes them.
  const starts = await db
    .selectFrom('message_log')
    .distinctOn('chain')
    .select(['chain', 'prev_hash'])
    .where('chain', 'is not', null)
    .orderBy('chain')
    .orderBy('id')
    .execute();
  const wanted = new Set(starts.map((s) => s.prev_hash).filter((p): p is string => p !== null));
  const seen = new Set<string>();
  const tails = new Map<string | null, string | null>();
  let after = 0;
  let rows = 0;
  // (a body kept in parts is often logged on both sides of a node: its parts are read once)
  const partDigests = new Map<string, Promise<string>>();
  const digestOfParts = (sha512: string) => partDigests.get(sha512) ?? partDigests.set(sha512, partsDigest(db, sha512)).get(sha512)!;
  for (;;) {
    const page = await db.selectFrom('message_log').selectAll().where('id', '>', after).orderBy('id').limit(5000).execute();
    if (page.length === 0) return { ok: true, rows };
    for (const r of page) {
      rows += 1;
      const meta = storedMetadata(r);
      // A chain's first row follows nothing (the log was empty) or a row already passed; later rows, their chain's last.
      const follows = tails.has(r.chain) ? r.prev_hash === tails.get(r.chain) : r.prev_hash === null || seen.has(r.prev_hash);
      const bodyTampered =
        (r.body !== null && createHash('sha512').update(r.body).digest('base64') !== r.body_sha512) || (r.body_in_parts && (await digestOfParts(r.body_sha512 ?? '')) !== r.body_sha512);
      if (!follows || rowHash(r.prev_hash, meta) !== r.hash || bodyTampered) return { ok: false, rows, brokenAt: Number(r.id) };
      tails.set(r.chain, r.hash);
      if (wanted.has(r.hash)) seen.add(r.hash);
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
export interface MessageLogFilter {
  requestId?: string;
  before?: number;
  /** a client (`KG/GOV/MVD/X`) or any of a member's subsystems (`KG/GOV/MVD`) */
  client?: string;
  service?: string;
  /** only messages that carried an exchange error */
  errors?: boolean;
}

export async function listMessageLog(db: Db, limit: number, filter: MessageLogFilter = {}): Promise<MessageLogEntry[]> {
  let q = db.selectFrom('message_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
  if (filter.client) q = q.where((eb) => eb.or([eb('client_id', '=', filter.client!), eb('client_id', 'like', `${filter.client!.replace(/[\\%_]/g, '\\$&')}/%`)]));
  if (filter.service) q = q.where('service_id', '=', filter.service);
  if (filter.errors) q = q.where('error_type', 'is not', null);
  if (filter.before) q = q.where('id', '<', filter.before);
  return (await q.execute()).map((r) => ({
    id: Number(r.id), at: r.at.toISOString(), side: r.side, direction: r.direction, xRoadId: r.x_road_id, requestId: r.request_id,
    client: r.client_id, service: r.service_id, userId: r.user_id, issue: r.issue, method: r.method, path: r.path, status: r.status,
    errorType: r.error_type, requestHash: r.request_hash, signature: r.signature, hash: r.hash,
  }));
}
