import { LANGUAGE_OF_STATE, type Catalog, type ServiceDefinition } from '../catalog/index.js';
import { type Language, pickText, translate } from '../i18n/index.js';
import type { Tx } from '../platform/db/index.js';
import { evidenceOf } from '../workflow/evidence.js';
import { maskName } from './mask.js';

/**
 * What a document certifies beyond the form's particulars: a register's answer as the agency decided on it — for a
 * criminal-record certificate, "no record" or each conviction, with the answer's date and source; for a marriage,
 * each spouse as the population register knows them. Kept with the
 * document as data (documents.certified), so that the PDF states it in the holder's language and the verification
 * page in the verifier's.
 */
interface Answered {
  /** the evidence key of the definition */
  evidence: string;
  /** how the register answered: a register that did not answer is stated as such, never as "no record" */
  status: 'received' | 'not_found' | 'unavailable';
  /** when the register answered, and which register service (INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE) */
  asOf: string;
  source: string | null;
  /** what the line is called on the document (the definition's label, else the evidence's title) */
  label: Record<string, string> | null;
}

/** A criminal records register's answer: no record, or each conviction. */
export interface CriminalRecordStatement extends Answered {
  kind: 'criminal-record';
  records: { article: string; court: string; sentencedOn: string }[];
}

/** A person as the population register knows them: a party to the act (a spouse, a parent). */
export interface PersonStatement extends Answered {
  kind: 'person';
  person: { name: string; identifier: string; birthDate: string | null } | null;
}

export type CertifiedStatement = CriminalRecordStatement | PersonStatement;

/** The statements a definition certifies, from the evidence its application gathered. */
export async function certifiedStatements(tx: Tx, def: ServiceDefinition, applicationId: string): Promise<CertifiedStatement[]> {
  const certifies = def.result.certifies ?? [];
  if (!certifies.length) return [];
  // (the evidence as the workflow module keeps it, not read from its table here)
  const rows = await evidenceOf(tx, applicationId);
  return certifies.flatMap((c): CertifiedStatement[] => {
    const row = rows.find((r) => r.key === c.evidence);
    const evidence = def.evidence.find((e) => e.key === c.evidence);
    // Never asked, about a person a field names that the applicant left empty (the other parent of a child of one):
    // nothing to state. About the applicant, a missing answer is stated as one, never left out.
    if (!row && evidence?.subject !== 'applicant') return [];
    const received = row?.status === 'received';
    const base = { evidence: c.evidence, status: row?.status ?? 'unavailable', asOf: row?.fetchedAt ?? new Date(0).toISOString(), source: row?.service ?? null, label: c.label ?? evidence?.title ?? null };
    const data = (received ? row.data : {}) as Record<string, unknown>;
    if (evidence?.registry === 'population') {
      const name = [data.familyName, data.givenName, data.patronymic].filter((v) => typeof v === 'string' && v).join(' ');
      return [{ kind: 'person', ...base, person: received ? { name, identifier: `${String(data.state ?? '')} ${String(data.identifier ?? '')}`.trim(), birthDate: typeof data.birthDate === 'string' ? data.birthDate : null } : null }];
    }
    const records = (data.records ?? []) as { article?: unknown; court?: unknown; sentencedOn?: unknown }[];
    return [{ kind: 'criminal-record', ...base, records: records.map((r) => ({ article: String(r.article ?? ''), court: String(r.court ?? ''), sentencedOn: String(r.sentencedOn ?? '') })) }];
  });
}

/**
 * The statements as label → value lines in a language, as the PDF and the verification page print them; `masked`
 * (the public verification page) gives a person's initials only, as it does the holder's.
 */
export function certifiedLines(statements: CertifiedStatement[], language: Language, catalog: Pick<Catalog, 'agencies'>, options: { masked?: boolean } = {}): [string, string][] {
  const date = (iso: string) => new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));
  const t = (key: string, params?: Record<string, unknown>) => translate(language, key, params);
  const lines: [string, string][] = [];
  for (const s of statements) {
    if (s.kind === 'person') {
      const label = s.label ? pickText(s.label, language) : t('document.person');
      if (!s.person) lines.push([label, t('document.unanswered')]);
      else if (options.masked) lines.push([label, maskName(s.person.name)]);
      else lines.push([label, [s.person.name, s.person.birthDate ? t('document.born', { date: date(s.person.birthDate) }) : '', s.person.identifier].filter(Boolean).join(', ')]);
      continue;
    }
    const label = t('document.criminalRecord.label');
    if (s.status === 'not_found') lines.push([label, t('document.criminalRecord.notFound')]);
    else if (s.status !== 'received') lines.push([label, t('document.criminalRecord.unavailable')]);
    else if (s.records.length === 0) lines.push([label, t('document.criminalRecord.none')]);
    else {
      lines.push([label, t('document.criminalRecord.some', { count: s.records.length })]);
      s.records.forEach((r, i) => lines.push([t('document.criminalRecord.conviction', { n: i + 1 }), t('document.criminalRecord.entry', { article: r.article, court: r.court, date: r.sentencedOn ? date(r.sentencedOn) : '' })]));
    }
    lines.push([t('document.source'), t('document.sourceValue', { register: registerName(s.source, language, catalog), date: date(s.asOf) })]);
  }
  return lines;
}

/** The register's host, by the agency of the node's catalog that is that member, else the service's identifier. */
function registerName(source: string | null, language: Language, catalog: Pick<Catalog, 'agencies'>): string {
  const member = source?.split('/').slice(0, 3).join('/');
  const agency = catalog.agencies.find((a) => a.member === member);
  return agency ? pickText(agency.name, language, LANGUAGE_OF_STATE[agency.state]) : (source ?? '');
}

/** The statements as the public verification shows them: a person by their initials only, as the holder. */
export const publicStatements = (statements: CertifiedStatement[]): CertifiedStatement[] =>
  statements.map((s) => (s.kind === 'person' && s.person ? { ...s, person: { name: maskName(s.person.name), identifier: '', birthDate: null } } : s));
