import { createHash, randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { appendAudit } from '../audit/index.js';
import { type Agency, LANGUAGE_OF_STATE, type Catalog, type ServiceDefinition } from '../catalog/index.js';
import { consentingParties } from '../applications/index.js';
import { isLanguage, type Language, pickText } from '../i18n/index.js';
import { notify } from '../notifications/index.js';
import { certificateToBase64, loadSigningKey, nameAttribute, type NodeCa } from '../pki/index.js';
import { canonicalJson } from '../platform/canonical-json.js';
import type { Clock } from '../platform/clock.js';
import { type Db, sql, type Tx } from '../platform/db/index.js';
import { addDays } from '../workflow/calendar.js';
import { type CertifiedStatement, certifiedLines, certifiedStatements } from './certified.js';
import { PADES_SIGNATURE_ROOM, signPdf, type TimeStamper } from './pades.js';
import { particulars } from './particulars.js';

export { maskName } from './mask.js';

export const ISSUE_QUEUE = 'document.issue';

export interface DocumentsDeps {
  db: Db;
  catalog: Catalog;
  ca: NodeCa;
  clock: Clock;
  publicUrl: string;
  /** the node's time-stamping authority, whose token goes into each PDF's signature */
  stamp: TimeStamper;
}

export const verifyUrl = (publicUrl: string, id: string) => `${publicUrl}/verify/${id}`;

/**
 * A document's short number, as a verifier types it: the state, the initials of the service (kz-criminal-record-
 * certificate → CRC), the year of issue and a sequence — KZ-CRC-2026-000123.
 */
export function formatDocumentNumber(serviceCode: string, issuedAt: Date, n: number): string {
  const [state, ...words] = serviceCode.split('-');
  return `${state.toUpperCase()}-${words.map((w) => w[0]?.toUpperCase() ?? '').join('')}-${issuedAt.getUTCFullYear()}-${String(n).padStart(6, '0')}`;
}

/**
 * Issues the result document of an approved application: to its applicant and to every party who signed it with them
 * (a spouse gets the marriage certificate too), each copy in its holder's language with its own number. Renders the
 * PDF with the agency's embedded PAdES signature and time-stamp, signs the finished file's SHA-256 with the same key
 * (ES256 JWS, certificate under the node's CA, in the x5c header),
 * stores both, and tells the holder — in the transaction of the job that does it, so it happens once per holder.
 * Answers the applicant's document's id.
 */
export async function issueDocument(tx: Tx, deps: DocumentsDeps, applicationId: string, now: Date): Promise<string | undefined> {
  const app = await tx
    .selectFrom('applications')
    .select(['id', 'number', 'service_code', 'agency_code', 'status', 'data', 'language', 'applicant_account_id', 'applicant_person_id'])
    .where('id', '=', applicationId)
    .executeTakeFirst();
  if (!app || app.status !== 'approved') return undefined;
  const def = deps.catalog.get(app.service_code);
  const agency = deps.catalog.agency(app.agency_code);
  if (!def || !agency) throw new Error(`cannot issue a document for ${app.number}: its service or agency is gone from the catalog`);
  const holders = [{ personId: app.applicant_person_id, accountId: app.applicant_account_id }, ...(await consentingParties(tx, app.id))];
  const issued = await tx.selectFrom('documents').select(['id', 'holder_person_id']).where('application_id', '=', app.id).execute();
  const certified = await certifiedStatements(tx, def, app.id);
  for (const holder of holders) {
    if (issued.some((d) => d.holder_person_id === holder.personId)) continue;
    issued.push({ id: await issueCopy(tx, deps, { app, def, agency, certified }, holder, now), holder_person_id: holder.personId });
  }
  return issued.find((d) => d.holder_person_id === app.applicant_person_id)?.id;
}

type Issue = {
  app: { id: string; number: string; service_code: string; data: unknown; language: string };
  def: ServiceDefinition;
  agency: Agency;
  certified: CertifiedStatement[];
};

/** One holder's copy: their name, their language (their profile's, else the application's), its own number. */
async function issueCopy(tx: Tx, deps: DocumentsDeps, { app, def, agency, certified }: Issue, holder: { personId: string; accountId: string }, now: Date): Promise<string> {
  const person = await tx.selectFrom('persons').select(['given_name', 'family_name', 'patronymic', 'national_id', 'state', 'language']).where('id', '=', holder.personId).executeTakeFirstOrThrow();
  const language: Language = isLanguage(person.language) ? person.language : isLanguage(app.language) ? app.language : 'en';
  const id = randomUUID();
  const number = formatDocumentNumber(app.service_code, now, Number((await sql<{ n: string }>`SELECT nextval('document_number_seq')::text AS n`.execute(tx)).rows[0].n));
  const key = await loadSigningKey(tx, deps.ca, deps.clock, `agency:${agency.code}`, `CN=${agency.name.en ?? agency.code}, O=${agency.member}, C=${agency.state}`);
  const title = pickText(def.result.title, language, LANGUAGE_OF_STATE[def.state]);
  const validUntil = def.result.validDays ? addDays(now.toISOString().slice(0, 10), def.result.validDays) : null;
  // The PDF libraries and the fonts (some 17–20 MB resident) load with the first document a process issues, not when
  // it starts: most processes' time goes to other work, and memory at rest counts.
  const { renderDocumentPdf } = await import('./pdf.js');
  const unsigned = await renderDocumentPdf({
    documentId: id,
    number,
    language,
    title,
    agencyName: pickText(agency.name, language, LANGUAGE_OF_STATE[agency.state]),
    caName: nameAttribute(deps.ca.certificate, 'CN') ?? 'Ortak Node CA',
    applicationNumber: app.number,
    holderName: [person.family_name, person.given_name, person.patronymic].filter(Boolean).join(' '),
    holderIdentifier: `${person.state} ${person.national_id}`,
    issuedAt: now,
    validUntil,
    certified: certifiedLines(certified, language, deps.catalog),
    particulars: particulars(def, app.data as Record<string, unknown>, language),
    verifyUrl: verifyUrl(deps.publicUrl, id),
    signature: { name: pickText(agency.name, language, LANGUAGE_OF_STATE[agency.state]), location: agency.state, room: PADES_SIGNATURE_ROOM },
  });
  // the signature a PDF reader shows (PAdES, time-stamped); the JWS over the finished file's hash stays for /verify
  const bytes = await signPdf(unsigned, key, deps.stamp);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const signature = await new CompactSign(new TextEncoder().encode(canonicalJson({ documentId: id, sha256, issuer: agency.member, issuedAt: now.toISOString() })))
    .setProtectedHeader({ alg: 'ES256', typ: 'ortak-document+jws', x5c: key.chain.map(certificateToBase64) })
    .sign(key.privateKey);

  await tx
    .insertInto('documents')
    .values({
      id,
      number,
      application_id: app.id,
      agency_code: agency.code,
      holder_person_id: holder.personId,
      kind: def.result.document,
      title: JSON.stringify(def.result.title),
      language,
      issued_at: now,
      valid_until: validUntil,
      sha256,
      signature,
      pdf: bytes,
      certified: JSON.stringify(certified),
    })
    .execute();
  await notify(tx, { recipientAccountId: holder.accountId, template: 'document_issued', applicationId: app.id, params: { number: app.number, document: def.result.title, url: verifyUrl(deps.publicUrl, id) } }, now);
  await appendAudit(tx, { at: now, actorAccountId: null, action: 'document.issue', subjectType: 'document', subjectId: id, personId: holder.personId, details: { application: app.number, sha256 } });
  return id;
}
