import { randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Db, Tx } from '../platform/db/index.js';
import { transaction } from '../platform/db/index.js';
import { unauthenticated } from '../platform/errors.js';
import type { NodeCa } from '../pki/index.js';
import { pickAccount, type Role } from './accounts.js';
import { verifyPersonSignature } from './certificates.js';
import { parseQualifiedIdentifier } from './identifiers/index.js';
import { openSession, type NewSession } from './sessions.js';
import { appendAudit } from '../audit/index.js';

const CHALLENGE_MINUTES = 5;

export interface Challenge {
  nonce: string;
  expiresAt: Date;
}

/** A one-time value the client signs with its key to prove it holds it. */
export async function createChallenge(db: Db, now: Date): Promise<Challenge> {
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + CHALLENGE_MINUTES * 60_000);
  await db.insertInto('auth_challenges').values({ id: randomUUID(), nonce, expires_at: expiresAt }).execute();
  return { nonce, expiresAt };
}

/** Uses up a challenge still open: false when it is unknown, expired or used (a replay). */
export async function consumeChallenge(tx: Tx, nonce: string, now: Date): Promise<boolean> {
  const used = await tx
    .updateTable('auth_challenges')
    .set({ used_at: now })
    .where('nonce', '=', nonce)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('id')
    .executeTakeFirst();
  return used !== undefined;
}

export interface SignInResult extends NewSession {
  accountId: string;
  role: Role;
}

/**
 * Sign-in by e-signature: `signature` is a compact JWS (ES256) whose payload is `{"nonce": …}` from a challenge,
 * with the signer's certificate in its x5c header. The challenge is consumed in the same transaction that opens
 * the session, so a replayed signature finds it used.
 */
export async function signInWithSignature(
  db: Db,
  ca: NodeCa,
  signature: string,
  now: Date,
  sessionHours: number,
  role?: Role,
): Promise<SignInResult> {
  let nonce: unknown;
  try {
    nonce = decodeJwt(signature).nonce;
  } catch {
    throw unauthenticated('errors.signin_malformed');
  }
  if (typeof nonce !== 'string') throw unauthenticated('errors.signin_malformed');
  const payload = Buffer.from(signature.split('.')[1], 'base64url');
  const signer = await verifyPersonSignature(db, ca, signature, payload, now);
  if (signer.problem || !signer.personId) throw unauthenticated(`errors.signature_${signer.problem ?? 'signature'}`);
  const personId = signer.personId;

  return transaction(db, async (tx) => {
    if (!(await consumeChallenge(tx, nonce, now))) throw unauthenticated('errors.signin_challenge');
    return startSession(tx, personId, role, now, sessionHours, { method: 'signature', certificate: signer.certificateSerial });
  });
}

/** Demo mode only: sign in as a seeded persona by national identifier, without a key. */
export async function demoSignIn(db: Db, identifier: string, now: Date, sessionHours: number, role?: Role): Promise<SignInResult> {
  // Either the bare number or the cross-border form (KZ870412300416); the bare one must be unambiguous.
  const qualified = parseQualifiedIdentifier(identifier);
  let query = db
    .selectFrom('persons')
    .innerJoin('demo_key_files', 'demo_key_files.person_id', 'persons.id')
    .select('persons.id');
  query = qualified
    ? query.where('persons.state', '=', qualified.state).where('persons.national_id', '=', qualified.value)
    : query.where('persons.national_id', '=', identifier);
  const matches = await query.limit(2).execute();
  if (matches.length !== 1) throw unauthenticated('errors.demo_unknown_persona');
  const person = matches[0];
  return transaction(db, (tx) => startSession(tx, person.id, role, now, sessionHours, { method: 'demo' }));
}

/** Opens a session on the person's account (the role asked for, else their citizen account) and audits it. */
export async function startSession(tx: Tx, personId: string, role: Role | undefined, now: Date, sessionHours: number, details: { method: 'signature' | 'demo' | 'cms'; certificate?: string; signerCertificate?: string; issuer?: string; enrolled?: boolean; certificateStatus?: Record<string, unknown>; organization?: string; capacity?: string | null }): Promise<SignInResult> {
  const accountId = await pickAccount(tx, personId, role);
  if (!accountId) throw unauthenticated('errors.signin_no_account', { role: role ?? 'citizen' });
  const session = await openSession(tx, accountId, now, sessionHours, details.certificate);
  const account = await tx.selectFrom('accounts').select('role').where('id', '=', accountId).executeTakeFirstOrThrow();
  await appendAudit(tx, { at: now, actorAccountId: accountId, action: 'signin', subjectType: 'account', subjectId: accountId, personId, details });
  return { ...session, accountId, role: account.role };
}
