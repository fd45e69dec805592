import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { type Db, type Tx, type Write, transaction, writeTogether } from './db/index.js';
import { DomainError, isUniqueViolation } from './errors.js';

export interface StoredAnswer<T = unknown> {
  status: number;
  body: T;
  /** true when this is the first answer given again, not new work */
  replayed: boolean;
}

/** Fingerprint of a request: the operation and its canonical (RFC 8785) body. */
export function requestHash(operation: string, body: unknown): string {
  return createHash('sha256')
    .update(operation)
    .update('\n')
    .update(canonicalJson(body ?? null))
    .digest('base64url');
}

/**
 * Runs `work` at most once per (account, Idempotency-Key). The key is claimed in the same transaction as the work,
 * so the answer and the change commit together: a repeat gets the first answer back and writes nothing, a repeat
 * racing the first waits for it, and work that fails leaves the key unused so a corrected retry may use it.
 */
export async function once<T>(
  db: Db,
  accountId: string,
  key: string,
  hash: string,
  now: Date,
  work: (tx: Tx) => Promise<{ status: number; body: T }>,
): Promise<StoredAnswer<T>> {
  // No look before the transaction: the claim below finds a repeat too, and a new request saves the round trip.
  return transaction(db, async (tx) => {
    const claimed = await tx
      .insertInto('idempotency_keys')
      .values({ account_id: accountId, key, request_hash: hash, status_code: 0, response: 'null', created_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const answer = await findAnswer<T>(tx, accountId, key, hash);
      if (answer) return answer;
    }
    const result = await work(tx);
    await tx
      .updateTable('idempotency_keys')
      .set({ status_code: result.status, response: JSON.stringify(result.body) })
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .execute();
    return { ...result, replayed: false };
  });
}

/**
 * As `once`, for work whose writes can all be made in one statement (writeTogether): `work` checks and reads what
 * it needs and returns its answer with its writes, and the key is claimed with the answer in that same statement, so
 * the whole request costs one write round trip. A repeat fails the claim (the key's primary key; a repeat racing the
 * first waits for it) and gets the first answer back; a repeat whose checks fail now (say, a certificate revoked since)
 * still gets the first answer, not the new error.
 */
export async function onceTogether<T>(
  db: Db,
  accountId: string,
  key: string,
  hash: string,
  now: Date,
  work: () => Promise<{ status: number; body: T; writes: Write[] }>,
): Promise<StoredAnswer<T>> {
  let result: Awaited<ReturnType<typeof work>>;
  try {
    result = await work();
  } catch (error) {
    if (error instanceof DomainError) {
      const prior = await findAnswer<T>(db, accountId, key, hash);
      if (prior) return prior;
    }
    throw error;
  }
  const claim = db
    .insertInto('idempotency_keys')
    .values({ account_id: accountId, key, request_hash: hash, status_code: result.status, response: JSON.stringify(result.body), created_at: now });
  try {
    await writeTogether(db, [claim, ...result.writes]);
  } catch (error) {
    if (!isUniqueViolation(error, 'idempotency_keys_pkey')) throw error;
    const prior = await findAnswer<T>(db, accountId, key, hash);
    if (!prior) throw error;
    return prior;
  }
  return { status: result.status, body: result.body, replayed: false };
}

async function findAnswer<T>(db: Db | Tx, accountId: string, key: string, hash: string): Promise<StoredAnswer<T> | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'status_code', 'response'])
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash) {
    throw new DomainError('invalid', 'errors.idempotency_key_reused', {}, [{ field: '/', code: 'errors.idempotency_key_reused' }]);
  }
  return { status: row.status_code, body: row.response as T, replayed: true };
}
