import { randomUUID } from 'node:crypto';
import { claimedContent, CmsRefused, digestOf, signerStatus, verifyCitizenCms, type CmsSigner, type DigestName } from '../pki/citizen-cms.js';
import type { CertificateStatus, RevocationChecker } from '../pki/revocation.js';
import type { TrustList } from '../pki/trust.js';
import { type Db, sql, transaction, type Tx } from '../platform/db/index.js';
import { unauthenticated } from '../platform/errors.js';
import type { Role } from './accounts.js';
import { consumeChallenge, startSession, type SignInResult } from './signin.js';

/** The payload is base64 of DER, nothing else (a CMS of 5 MB is refused by the route's body limit first). */
function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64');
}

const refused = (e: unknown): never => {
  if (e instanceof CmsRefused) throw unauthenticated(`errors.${e.code}`, { why: e.why });
  throw e;
};

/**
 * Sign-in with a citizen's own e-signature: a CMS SignedData over the UTF-8 bytes of a challenge's nonce, by a
 * certificate of a member state's trust list with the profile's authentication usage. The challenge is consumed in
 * the transaction that opens the session (a replay finds it used). A person the node does not know yet is enrolled by
 * the certificate: the person (national number and name as the certificate has them, the caller's language) and a
 * citizen account, in the same transaction.
 */
export async function signInWithCms(db: Db, trust: TrustList, revocation: RevocationChecker, cms: string, now: Date, sessionHours: number, role: Role | undefined, language: string): Promise<SignInResult> {
  const der = decodeBase64(cms);
  if (!der) throw unauthenticated('errors.signature_invalid', { why: 'not base64' });
  let signer: CmsSigner;
  let nonce: string;
  let status: CertificateStatus;
  try {
    const claimed = claimedContent(der);
    // the nonce it carries; a detached signature's by the digest it signed, among the challenges still open
    const found = claimed.content?.toString('utf8') ?? (await challengeByDigest(db, claimed.digest, claimed.hash, now));
    if (!found) throw unauthenticated('errors.challenge_unknown_or_used');
    nonce = found;
    signer = verifyCitizenCms(der, Buffer.from(nonce, 'utf8'), trust, 'authentication', now);
    status = await signerStatus(signer, revocation, now);
  } catch (e) {
    return refused(e);
  }
  return transaction(db, async (tx) => {
    if (!(await consumeChallenge(tx, nonce, now))) throw unauthenticated('errors.challenge_unknown_or_used');
    const { personId, enrolled } = await personOf(tx, signer, language, now);
    // (the session is not tied to it as to a certificate of the node's own CA, whose revocation ends sessions: the
    // state's certificate, its serial and issuer, are in the audit entry)
    const session = await startSession(tx, personId, role, now, sessionHours, {
      method: 'cms',
      signerCertificate: signer.certificate.serialNumber,
      issuer: signer.certificate.issuer.replace(/\n/g, ', '),
      enrolled,
      certificateStatus: statusSummary(status),
      ...(signer.organizationId ? { organization: signer.organizationId, capacity: signer.capacity } : {}),
    });
    if (signer.organizationId) await recordMandate(tx, session.accountId, signer, now);
    return session;
  });
}

/**
 * For whom the holder may act, as the certificate says (its organization, as head or employee by its policies):
 * recorded with the certificate that showed it, refreshed at each sign-in with it.
 */
async function recordMandate(tx: Tx, accountId: string, signer: CmsSigner, now: Date): Promise<void> {
  const certificate = {
    capacity: signer.capacity,
    certificate_serial: signer.certificate.serialNumber,
    certificate_issuer: signer.certificate.issuer.replace(/\n/g, ', '),
    certificate_valid_until: new Date(signer.certificate.validTo),
    last_seen_at: now,
  };
  await tx
    .insertInto('organization_mandates')
    .values({ account_id: accountId, organization_state: signer.state, organization_id: signer.organizationId!, first_seen_at: now, ...certificate })
    .onConflict((c) => c.columns(['account_id', 'organization_state', 'organization_id']).doUpdateSet(certificate))
    .execute();
}

/** The organizations the account's holder may act for, as their certificates said, while those certificates are valid. */
export async function mandatesOf(db: Db, accountId: string, now: Date): Promise<{ state: string; organization: string; capacity: 'head' | 'employee' | null; since: Date; validUntil: Date }[]> {
  const rows = await db
    .selectFrom('organization_mandates')
    .select(['organization_state', 'organization_id', 'capacity', 'first_seen_at', 'certificate_valid_until'])
    .where('account_id', '=', accountId)
    .where('certificate_valid_until', '>', now)
    .orderBy('first_seen_at')
    .execute();
  return rows.map((r) => ({ state: r.organization_state, organization: r.organization_id, capacity: r.capacity, since: r.first_seen_at, validUntil: r.certificate_valid_until }));
}

/** The open challenge whose nonce has this digest: SHA-2 in the database; Streebog (GOST) over the open ones, here. */
async function challengeByDigest(db: Db, digest: Buffer, hash: DigestName, now: Date): Promise<string | undefined> {
  const open = db.selectFrom('auth_challenges').select('nonce').where('used_at', 'is', null).where('expires_at', '>', now);
  if (hash === 'streebog256' || hash === 'streebog512') {
    // (challenges live minutes and sign-ins are rate-limited: the open ones are few; the newest first)
    const rows = await open.orderBy('expires_at', 'desc').limit(5000).execute();
    return rows.find((r) => digestOf(hash, Buffer.from(r.nonce, 'utf8')).equals(digest))?.nonce;
  }
  const row = await open.where(sql`${sql.raw(hash)}(convert_to(nonce, 'UTF8'))`, '=', digest).executeTakeFirst();
  return row?.nonce;
}

/** The person of the certificate's state and number, enrolled with a citizen account the first time they sign in. */
async function personOf(tx: Tx, signer: CmsSigner, language: string, now: Date): Promise<{ personId: string; enrolled: boolean }> {
  const known = await tx.selectFrom('persons').select('id').where('state', '=', signer.state).where('national_id', '=', signer.nationalId).executeTakeFirst();
  if (known) return { personId: known.id, enrolled: false };
  const [first, ...rest] = (signer.name.common ?? '').split(/\s+/).filter(Boolean);
  // (certificates name a person as "FAMILY GIVEN" in CN when they carry no SN and GN)
  const family = signer.name.family ?? first ?? signer.nationalId;
  const given = signer.name.given ?? (rest.join(' ') || '—');
  const personId = randomUUID();
  await tx.insertInto('persons').values({ id: personId, state: signer.state, national_id: signer.nationalId, given_name: given, family_name: family, patronymic: null, birth_date: null, sex: null, language, phone: null, email: null, created_at: now }).onConflict((c) => c.columns(['state', 'national_id']).doNothing()).execute();
  const person = await tx.selectFrom('persons').select('id').where('state', '=', signer.state).where('national_id', '=', signer.nationalId).executeTakeFirstOrThrow();
  await tx.insertInto('accounts').values({ id: randomUUID(), person_id: person.id, role: 'citizen', agency_code: null, created_at: now }).onConflict((c) => c.columns(['person_id', 'role']).doNothing()).execute();
  return { personId: person.id, enrolled: person.id === personId };
}

/**
 * An applicant's CMS signature over the application's canonical JSON: by a certificate of the trust list with the
 * profile's signing usage, naming the person signed in (one person's signature in another's session is refused).
 * Answers the problem's code, or the certificate that signed.
 */
export async function verifyApplicantCms(
  trust: TrustList,
  revocation: RevocationChecker,
  cms: string,
  payload: Uint8Array,
  applicant: { state: string; nationalId: string },
  now: Date,
): Promise<{ ok: false; problem: string } | { ok: true; serial: string; issuer: string; status: CertificateStatus }> {
  const der = decodeBase64(cms);
  if (!der) return { ok: false, problem: 'signature_invalid' };
  try {
    const signer = verifyCitizenCms(der, payload, trust, 'signing', now);
    if (signer.state !== applicant.state || signer.nationalId !== applicant.nationalId) return { ok: false, problem: 'signer_is_not_applicant' };
    const status = await signerStatus(signer, revocation, now);
    return { ok: true, serial: signer.certificate.serialNumber, issuer: signer.certificate.issuer.replace(/\n/g, ', '), status };
  } catch (e) {
    if (e instanceof CmsRefused) return { ok: false, problem: e.code };
    throw e;
  }
}

/** What the audit keeps of a certificate's status: how it was learnt and when it held (the response itself stays with applications). */
function statusSummary(status: CertificateStatus): Record<string, unknown> {
  const { ocspResponse: _response, ...rest } = status;
  return rest;
}
