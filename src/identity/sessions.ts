import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/index.js';
import { ACTOR_COLUMNS, actorOf, type Actor } from './accounts.js';
import { identityReadsOf } from './kept-reads.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** Opens a session; the token goes to the client (cookie or bearer), only its hash is stored (with the certificate that opened it). */
export async function openSession(db: Db, accountId: string, now: Date, hours: number, certificateSerial?: string): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + hours * 3600_000);
  await db.insertInto('sessions').values({ token_hash: hash(token), account_id: accountId, created_at: now, expires_at: expiresAt, certificate_serial: certificateSerial ?? null }).execute();
  return { token, expiresAt };
}

/**
 * The actor behind a session token, in one query (it runs on every signed-in request), or none when the node keeps
 * the session read already (kept-reads.ts).
 */
export async function resolveSession(db: Db, token: string, now: Date): Promise<Actor | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const tokenHash = hash(token);
  const load = async () => {
    const row = await db
      .selectFrom('sessions as s')
      .innerJoin('accounts as a', 'a.id', 's.account_id')
      .innerJoin('persons as p', 'p.id', 'a.person_id')
      .select([...ACTOR_COLUMNS, 's.expires_at'])
      .where('s.token_hash', '=', tokenHash)
      .where('s.revoked_at', 'is', null)
      .executeTakeFirst();
    const actor = actorOf(row);
    return actor && row ? { actor, expiresAt: row.expires_at } : undefined;
  };
  const kept = identityReadsOf(db);
  const session = kept ? await kept.session(tokenHash, load) : await load();
  return session && session.expiresAt > now ? session.actor : undefined;
}

export async function closeSession(db: Db, token: string, now: Date): Promise<void> {
  const tokenHash = hash(token);
  await db.updateTable('sessions').set({ revoked_at: now }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  // Other processes drop it when the change notice reaches them; this one at once.
  identityReadsOf(db)?.forgetSession(tokenHash);
}
