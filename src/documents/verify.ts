import { createHash } from 'node:crypto';
import { compactVerify } from 'jose';
import { appendAudit } from '../audit/index.js';
import type { Catalog } from '../catalog/index.js';
import type { Actor } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { certificatePublicKey, checkIssuedBy, parseCertificate, readJwsHeader, type NodeCa } from '../pki/index.js';
import { type Db, sql, transaction } from '../platform/db/index.js';
import { conflict, forbidden, notFound } from '../platform/errors.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import { type CertifiedStatement, publicStatements } from './certified.js';
import { verifyUrl } from './issue.js';
import { maskName } from './mask.js';
import { checkEmbeddedSignature, type EmbeddedSignature } from './pades.js';

/**
 * How much a verifier is shown. `full` by what only the document's holder and those they hand it to have (the random
 * id in its QR code, or the PDF itself): whose it is, by initials, and what it certifies. `status` by what can be
 * guessed or stepped through (the short number and the application number are sequential): only whether a document by
 * that number is authentic and valid, so that nobody learns, number after number, whose criminal record says what.
 */
export type Disclosure = 'full' | 'status';

export interface Verification {
  disclosure: Disclosure;
  /** (full disclosure only: the id leads to the full verification) */
  documentId?: string;
  /** the short number printed on it */
  number: string;
  /** the agency's signature over the document's hash verifies under the node's CA */
  authentic: boolean;
  status: 'valid' | 'revoked' | 'expired';
  kind: string;
  title: Record<string, string>;
  issuer: { agency: string; name: Record<string, string>; member: string };
  issuedAt: string;
  validUntil: string | null;
  /** (full disclosure only) */
  holder?: string;
  revokedAt: string | null;
  revocationReason: string | null;
  sha256: string;
  /** (full disclosure only) */
  verifyUrl?: string;
  /** what the document certifies beyond the form (a register's answer as decided); empty unless full disclosure */
  certified: CertifiedStatement[];
}

type DocumentRow = {
  id: string;
  number: string;
  agency_code: string;
  kind: string;
  title: Record<string, string>;
  issued_at: Date;
  valid_until: string | null;
  sha256: string;
  signature: string;
  revoked_at: Date | null;
  revocation_reason: string | null;
  given_name: string;
  family_name: string;
  certified: unknown[];
};

async function signatureHolds(signature: string, sha256: string, ca: NodeCa, at: Date): Promise<boolean> {
  try {
    const header = readJwsHeader(signature);
    const cert = parseCertificate(header!.x5c![0]);
    if (await checkIssuedBy(cert, ca.certificate, at)) return false;
    const { payload } = await compactVerify(signature, await certificatePublicKey(cert), { algorithms: ['ES256'] });
    return JSON.parse(new TextDecoder().decode(payload)).sha256 === sha256;
  } catch {
    return false;
  }
}

async function describe(row: DocumentRow, disclosure: Disclosure, catalog: Catalog, ca: NodeCa, today: string, publicUrl: string): Promise<Verification> {
  const agency = catalog.agency(row.agency_code);
  const status: Omit<Verification, 'certified'> = {
    disclosure,
    number: row.number,
    authentic: await signatureHolds(row.signature, row.sha256, ca, row.issued_at),
    status: row.revoked_at ? 'revoked' : row.valid_until && row.valid_until < today ? 'expired' : 'valid',
    kind: row.kind,
    title: row.title,
    issuer: { agency: row.agency_code, name: agency?.name ?? {}, member: agency?.member ?? '' },
    issuedAt: row.issued_at.toISOString(),
    validUntil: row.valid_until,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revocationReason: row.revocation_reason,
    sha256: row.sha256,
  };
  if (disclosure === 'status') return { ...status, certified: [] };
  return {
    ...status,
    documentId: row.id,
    holder: maskName(`${row.given_name} ${row.family_name}`),
    verifyUrl: verifyUrl(publicUrl, row.id),
    certified: publicStatements(row.certified as CertifiedStatement[]),
  };
}

function findDocuments(db: Db) {
  return db
    .selectFrom('documents as d')
    .innerJoin('persons as p', 'p.id', 'd.holder_person_id')
    .select(['d.id', 'd.number', 'd.agency_code', 'd.kind', 'd.title', 'd.issued_at', 'd.valid_until', 'd.sha256', 'd.signature', 'd.revoked_at', 'd.revocation_reason', 'd.certified', 'p.given_name', 'p.family_name']);
}

export interface VerifyDeps {
  db: Db;
  catalog: Catalog;
  ca: NodeCa;
  publicUrl: string;
}

/**
 * A document by what a verifier has of it: the id in its QR code (full disclosure: authentic or not, valid or revoked,
 * issuer, date, the holder's initials, what it certifies), or, status only, the short number printed on it
 * (KZ-CRC-2026-000123, in any case) or the number of the application it was issued on (its newest document).
 */
export async function verifyById(deps: VerifyDeps, key: string, today: string): Promise<Verification | undefined> {
  const typed = key.trim().toUpperCase();
  let q = findDocuments(deps.db);
  const byId = /^[0-9a-f-]{36}$/i.test(key);
  if (byId) q = q.where('d.id', '=', key);
  else if (/^[A-Z]{2}-[A-Z]+-\d{4}-\d{6,}$/.test(typed)) q = q.where(sql`upper(d.number)`, '=', typed);
  // (by the application's number: its applicant's copy, when the parties have one each)
  else if (/^[A-Z]{2}-\d{4}-\d{8,}$/.test(typed)) {
    q = q.innerJoin('applications as a', 'a.id', 'd.application_id').where('a.number', '=', typed).orderBy(sql`d.holder_person_id = a.applicant_person_id`, 'desc').orderBy('d.issued_at', 'desc');
  }
  else return undefined;
  const row = await q.executeTakeFirst();
  return row ? describe(row as DocumentRow, byId ? 'full' : 'status', deps.catalog, deps.ca, today, deps.publicUrl) : undefined;
}

/**
 * Whether these bytes are exactly a document this node issued (any change to a single byte fails), and what the
 * signature embedded in the PDF says: valid over the whole file or not, by whom, time-stamped when.
 */
export async function verifyBytes(deps: VerifyDeps, bytes: Uint8Array, today: string): Promise<{ match: boolean; document?: Verification; signature: EmbeddedSignature | null }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const signature = checkEmbeddedSignature(bytes, deps.ca.certificate.toString('pem')) ?? null;
  const row = await findDocuments(deps.db).where('d.sha256', '=', sha256).executeTakeFirst();
  if (!row) return { match: false, signature };
  return { match: true, document: await describe(row as DocumentRow, 'full', deps.catalog, deps.ca, today, deps.publicUrl), signature };
}

export interface OwnDocument {
  id: string;
  number: string;
  applicationId: string;
  kind: string;
  title: Record<string, string>;
  issuedAt: string;
  validUntil: string | null;
  revoked: boolean;
  verifyUrl: string;
}

export async function listMyDocuments(db: Db, actor: Actor, publicUrl: string): Promise<OwnDocument[]> {
  const rows = await db.selectFrom('documents').select(OWN_COLUMNS).where('holder_person_id', '=', actor.personId).orderBy('issued_at', 'desc').execute();
  return rows.map((r) => ownDocument(r, publicUrl));
}

/**
 * The documents issued for an application, for a caller already allowed to read the application: an officer sees
 * every copy, a citizen (`holderPersonId`) only their own (a spouse's copy is the spouse's).
 */
export async function documentsOfApplication(db: Db, applicationId: string, publicUrl: string, holderPersonId?: string): Promise<OwnDocument[]> {
  let q = db.selectFrom('documents').select(OWN_COLUMNS).where('application_id', '=', applicationId);
  if (holderPersonId) q = q.where('holder_person_id', '=', holderPersonId);
  const rows = await q.orderBy('issued_at').execute();
  return rows.map((r) => ownDocument(r, publicUrl));
}

const OWN_COLUMNS = ['id', 'number', 'application_id', 'kind', 'title', 'issued_at', 'valid_until', 'revoked_at'] as const;

function ownDocument(
  r: { id: string; number: string; application_id: string; kind: string; title: unknown; issued_at: Date; valid_until: string | null; revoked_at: Date | null },
  publicUrl: string,
): OwnDocument {
  return {
    id: r.id,
    number: r.number,
    applicationId: r.application_id,
    kind: r.kind,
    title: r.title as Record<string, string>,
    issuedAt: r.issued_at.toISOString(),
    validUntil: r.valid_until,
    revoked: r.revoked_at !== null,
    verifyUrl: verifyUrl(publicUrl, r.id),
  };
}

/** The PDF as issued, for its holder or an officer of the issuing agency. */
export async function documentPdf(db: Db, actor: Actor, id: string, now: Date): Promise<{ bytes: Uint8Array; fileName: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('errors.document_not_found');
  const row = await db.selectFrom('documents').select(['pdf', 'number', 'holder_person_id', 'agency_code', 'kind']).where('id', '=', id).executeTakeFirst();
  const holder = row && actor.role === 'citizen' && row.holder_person_id === actor.personId;
  const officer = row && actor.role === 'officer' && row.agency_code === actor.agencyCode;
  if (!row || !(holder || officer)) throw notFound('errors.document_not_found');
  if (officer) {
    await transaction(db, (tx) => appendAudit(tx, { at: now, actorAccountId: actor.accountId, action: 'personal_data.read', subjectType: 'document', subjectId: id, personId: row.holder_person_id, details: {} }));
  }
  return { bytes: row.pdf, fileName: `${row.kind}-${row.number}.pdf` };
}

/**
 * The issuing agency revokes a document, with a reason. Every party's copy of the same result goes with it (the copies
 * certify one fact: a marriage annulled is annulled for both spouses), and each holder is told.
 */
export async function revokeDocument(deps: VerifyDeps & { now: Date }, actor: Actor, id: string, reason: string, key: string): Promise<StoredAnswer<{ id: string; revokedAt: string; reason: string; copies: string[] }>> {
  const now = deps.now;
  return once(deps.db, actor.accountId, key, requestHash(`POST /api/v1/documents/${id}/revoke`, { reason }), now, async (tx) => {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await tx.selectFrom('documents').select(['agency_code', 'revoked_at', 'application_id']).where('id', '=', id).forUpdate().executeTakeFirst()
      : undefined;
    if (!row || actor.role !== 'officer' || row.agency_code !== actor.agencyCode) throw notFound('errors.document_not_found');
    if (!actor.permissions.includes('decide')) throw forbidden('errors.missing_permission', { permission: 'decide' });
    if (row.revoked_at) throw conflict('errors.already_revoked');
    const copies = await tx
      .selectFrom('documents as d')
      .innerJoin('applications as a', 'a.id', 'd.application_id')
      .leftJoin('accounts as holder', (j) => j.onRef('holder.person_id', '=', 'd.holder_person_id').on('holder.role', '=', 'citizen'))
      .select(['d.id', 'd.title', 'd.holder_person_id', 'a.number', 'holder.id as holder_account_id'])
      .where('d.application_id', '=', row.application_id)
      .where('d.revoked_at', 'is', null)
      .orderBy(sql`d.id = ${id}`, 'desc')
      .forUpdate('d')
      .execute();
    await tx.updateTable('documents').set({ revoked_at: now, revoked_by: actor.accountId, revocation_reason: reason }).where('id', 'in', copies.map((c) => c.id)).execute();
    for (const copy of copies) {
      if (copy.holder_account_id) {
        await notify(tx, { recipientAccountId: copy.holder_account_id, template: 'document_revoked', applicationId: row.application_id, params: { number: copy.number, document: copy.title as Record<string, string>, reason } }, now);
      }
      await appendAudit(tx, { at: now, actorAccountId: actor.accountId, action: 'document.revoke', subjectType: 'document', subjectId: copy.id, personId: copy.holder_person_id, details: copy.id === id ? { reason } : { reason, with: id } });
    }
    return { status: 200, body: { id, revokedAt: now.toISOString(), reason, copies: copies.map((c) => c.id) } };
  });
}
