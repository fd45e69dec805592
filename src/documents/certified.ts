import { LANGUAGE_OF_STATE, type Catalog, type ServiceDefinition } from '../catalog/index.js';
import { type Language, pickText, translate } from '../i18n/index.js';
import type { Tx } from '../platform/db/index.js';

/**
 * What a document certifies beyond the form's particulars: a register's answer as the agency decided on it — for a
 * criminal-record certificate, "no record" or each conviction — with the answer's date and source. Kept with the
 * document as data (documents.certified), so that the PDF states it in the holder's language and the verification
 * page in the verifier's.
 */
export interface CertifiedStatement {
  kind: 'criminal-record';
  /** the evidence key of the definition */
  evidence: string;
  /** how the register answered: a register that did not answer is stated as such, never as "no record" */
  status: 'received' | 'not_found' | 'unavailable';
  /** when the register answered, and which register service (INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE) */
  asOf: string;
  source: string | null;
  records: { article: string; court: string; sentencedOn: string }[];
}

/** The statements a definition certifies, from the evidence its application gathered. */
export async function certifiedStatements(tx: Tx, def: ServiceDefinition, applicationId: string): Promise<CertifiedStatement[]> {
  const keys = (def.result.certifies ?? []).map((c) => c.evidence);
  if (!keys.length) return [];
  const rows = await tx.selectFrom('application_evidence').selectAll().where('application_id', '=', applicationId).where('key', 'in', keys).execute();
  return keys.map((key) => {
    const row = rows.find((r) => r.key === key);
    const data = (row?.data ?? {}) as { records?: { article?: unknown; court?: unknown; sentencedOn?: unknown }[] };
    return {
      kind: 'criminal-record',
      evidence: key,
      status: row?.status ?? 'unavailable',
      asOf: (row?.fetched_at ?? new Date(0)).toISOString(),
      source: row?.service_id ?? null,
      records: row?.status === 'received' ? (data.records ?? []).map((r) => ({ article: String(r.article ?? ''), court: String(r.court ?? ''), sentencedOn: String(r.sentencedOn ?? '') })) : [],
    };
  });
}

/** The statements as label → value lines in a language, as the PDF and the verification page print them. */
export function certifiedLines(statements: CertifiedStatement[], language: Language, catalog: Pick<Catalog, 'agencies'>): [string, string][] {
  const date = (iso: string) => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));
  const t = (key: string, params?: Record<string, unknown>) => translate(language, key, params);
  const lines: [string, string][] = [];
  for (const s of statements) {
    const label = t('document.criminalRecord.label');
    if (s.status !== 'received') lines.push([label, t('document.criminalRecord.unavailable')]);
    else if (s.records.length === 0) lines.push([label, t('document.criminalRecord.none')]);
    else {
      lines.push([label, t('document.criminalRecord.some', { count: s.records.length })]);
      s.records.forEach((r, i) => lines.push([t('document.criminalRecord.conviction', { n: i + 1 }), t('document.criminalRecord.entry', { article: r.article, court: r.court, date: r.sentencedOn ? date(r.sentencedOn) : '' })]));
    }
    // the register's host, by the agency of the node's catalog that is that member, else its identifier
    const member = s.source?.split('/').slice(0, 3).join('/');
    const agency = catalog.agencies.find((a) => a.member === member);
    const register = agency ? pickText(agency.name, language, LANGUAGE_OF_STATE[agency.state]) : (s.source ?? '');
    lines.push([t('document.source'), t('document.sourceValue', { register, date: date(s.asOf) })]);
  }
  return lines;
}
