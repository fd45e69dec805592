import { createHash } from 'node:crypto';
import { canonicalJson } from '../platform/canonical-json.js';
import { type Db, type Tx, sql, transaction } from '../platform/db/index.js';

export interface AuditEntry {
  at: Date;
  actorAccountId: string | null;
  /** e.g. application.submit, application.approve, personal_data.read */
  action: string;
  subjectType: string;
  subjectId: string;
  /** whose personal data the action touched, if anyone's */
  personId?: string | null;
  details?: Record<string, unknown>;
}

// The sealer's lock: one process at a time links new rows into the chain.
const CHAIN_LOCK = 7283002;

export function entryHash(prevHash: string | null, e: { at: Date; actor_account_id: string | null; action: string; subject_type: string; subject_id: string; person_id: string | null; details: unknown }): string {
  const body = canonicalJson({
    prev: prevHash,
    at: e.at.toISOString(),
    actor: e.actor_account_id,
    action: e.action,
    subjectType: e.subject_type,
    subjectId: e.subject_id,
    person: e.person_id,
    details: e.details ?? {},
  });
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends to the audit log, in the caller's transaction: the entry commits or rolls back with the change it records.
 * It is linked into the tamper-evident hash chain moments later by the sealer (sealAudit), so that audited changes
 * do not wait for each other's commits.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await auditInsert(tx, entry).execute();
}

/** Whether an actor's action on a subject is in the log already (for what is recorded once, such as a refusal). */
export async function wasAudited(tx: Tx, entry: Pick<AuditEntry, 'action' | 'subjectId' | 'actorAccountId'>): Promise<boolean> {
  let query = tx.selectFrom('audit_events').select('id').where('action', '=', entry.action).where('subject_id', '=', entry.subjectId);
  query = entry.actorAccountId === null ? query.where('actor_account_id', 'is', null) : query.where('actor_account_id', '=', entry.actorAccountId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** The insert of an audit entry, to run together with the writes of the change it records (writeTogether). */
export function auditInsert(tx: Tx | Db, entry: AuditEntry) {
  return tx.insertInto('audit_events').values({
    at: entry.at,
    actor_account_id: entry.actorAccountId,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    person_id: entry.personId ?? null,
    details: JSON.stringify(entry.details ?? {}),
    prev_hash: null,
    hash: null,
  });
}

/**
 * Links the committed rows not yet in the chain, oldest first, each holding the hash of the row sealed before it,
 * so that an edited or deleted row breaks the chain from there on. One process seals at a time (a try-lock: the
 * others skip); a row that commits late is sealed in a later batch. Returns how many rows it sealed.
 */
export async function sealAudit(db: Db, limit = 5000): Promise<number> {
  return transaction(db, async (tx) => {
    const lock = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${CHAIN_LOCK}) AS locked`.execute(tx);
    if (!lock.rows[0]?.locked) return 0;
    const rows = await tx.selectFrom('audit_events').selectAll().where('chain_seq', 'is', null).orderBy('id').limit(limit).execute();
    if (!rows.length) return 0;
    const last = await tx.selectFrom('audit_events').select(['chain_seq', 'hash']).where('chain_seq', 'is not', null).orderBy('chain_seq', 'desc').limit(1).executeTakeFirst();
    let prev = last?.hash ?? null;
    let seq = Number(last?.chain_seq ?? 0);
    const ids: number[] = [];
    const seqs: number[] = [];
    const prevs: (string | null)[] = [];
    const hashes: string[] = [];
    for (const r of rows) {
      const hash = entryHash(prev, r);
      ids.push(Number(r.id));
      seqs.push(++seq);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await sql`
      UPDATE audit_events AS e SET chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
      FROM unnest(${ids}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) AS v(id, seq, prev, hash)
      WHERE e.id = v.id`.execute(tx);
    return rows.length;
  });
}

/** Seals in the background while the node runs: soon after each write, and once more when it stops. */
export class AuditSealer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly options: { intervalMs?: number; log?: (message: string, error?: unknown) => void } = {},
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      let sealed = 0;
      this.running = sealAudit(this.db)
        .then((n) => void (sealed = n))
        .catch((error) => this.options.log?.('audit sealer failed (retrying)', error));
      await this.running;
      // a full batch: more are waiting
      if (!this.stopped) this.timer = setTimeout(tick, sealed >= 5000 ? 0 : (this.options.intervalMs ?? 250));
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await sealAudit(this.db).catch((error) => this.options.log?.('audit sealer failed on stop', error));
  }
}

export interface ChainCheck {
  ok: boolean;
  /** rows in the chain */
  rows: number;
  /** rows written but not yet linked by the sealer */
  unsealed: number;
  /** the first row whose hash or link does not hold */
  brokenAt?: { id: number; reason: 'hash' | 'link' };
}

/** Walks the chain in the order it was sealed and names the first broken row. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<ChainCheck> {
  let prevHash: string | null = null;
  let after = 0;
  let rows = 0;
  const pending = await db.selectFrom('audit_events').select(sql<string>`count(*)`.as('n')).where('chain_seq', 'is', null).executeTakeFirstOrThrow();
  const unsealed = Number(pending.n);
  for (;;) {
    const page = await db.selectFrom('audit_events').selectAll().where('chain_seq', '>', after).orderBy('chain_seq').limit(batch).execute();
    if (page.length === 0) return { ok: true, rows, unsealed };
    for (const r of page) {
      rows += 1;
      if (r.prev_hash !== prevHash) return { ok: false, rows, unsealed, brokenAt: { id: Number(r.id), reason: 'link' } };
      if (entryHash(r.prev_hash, r) !== r.hash) return { ok: false, rows, unsealed, brokenAt: { id: Number(r.id), reason: 'hash' } };
      prevHash = r.hash;
      after = Number(r.chain_seq);
    }
  }
}
