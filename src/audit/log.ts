import { createHash } from 'node:crypto';
import { canonicalJson } from '../platform/canonical-json.js';
import { type Db, type Tx, sql } from '../platform/db/index.js';

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

// One lock for the chain: appends are serialised so that each row links to the one committed before it.
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
 * Appends to the tamper-evident audit log, in the caller's transaction. Each row holds the hash of the row before
 * it, so an edited or deleted row breaks the chain from there on. Call it last in a transaction: the chain's lock
 * is held until commit.
 */
export async function appendAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
  const last = await tx.selectFrom('audit_events').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? null;
  const row = {
    at: entry.at,
    actor_account_id: entry.actorAccountId,
    action: entry.action,
    subject_type: entry.subjectType,
    subject_id: entry.subjectId,
    person_id: entry.personId ?? null,
    details: entry.details ?? {},
  };
  await tx
    .insertInto('audit_events')
    .values({ ...row, details: JSON.stringify(row.details), prev_hash: prevHash, hash: entryHash(prevHash, row) })
    .execute();
}

export interface ChainCheck {
  ok: boolean;
  rows: number;
  /** the first row whose hash or link does not hold */
  brokenAt?: { id: number; reason: 'hash' | 'link' };
}

/** Walks the chain in order and names the first broken row. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<ChainCheck> {
  let prevHash: string | null = null;
  let afterId = 0;
  let rows = 0;
  for (;;) {
    const page = await db.selectFrom('audit_events').selectAll().where('id', '>', afterId).orderBy('id').limit(batch).execute();
    if (page.length === 0) return { ok: true, rows };
    for (const r of page) {
      rows += 1;
      if (r.prev_hash !== prevHash) return { ok: false, rows, brokenAt: { id: Number(r.id), reason: 'link' } };
      if (entryHash(r.prev_hash, r) !== r.hash) return { ok: false, rows, brokenAt: { id: Number(r.id), reason: 'hash' } };
      prevHash = r.hash;
      afterId = Number(r.id);
    }
  }
}
