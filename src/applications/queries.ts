import type { Actor } from '../identity/index.js';
import { appendAudit } from '../audit/index.js';
import { type Db, type Tx, transaction } from '../platform/db/index.js';
import { badRequest, notFound } from '../platform/errors.js';
import type { ApplicationDetail, ApplicationSummary, HistoryAction, Viewer } from './model.js';

type Row = {
  id: string;
  number: string;
  service_code: string;
  service_version: number;
  state: string;
  agency_code: string;
  status: string;
  submitted_at: Date;
  deadline: string;
  current_step: string | null;
  assigned_to: string | null;
  overdue: boolean;
};

const SUMMARY = ['id', 'number', 'service_code', 'service_version', 'state', 'agency_code', 'status', 'submitted_at', 'deadline', 'current_step', 'assigned_to', 'overdue'] as const;

function summary(r: Row): ApplicationSummary {
  return {
    id: r.id,
    number: r.number,
    service: r.service_code,
    serviceVersion: r.service_version,
    state: r.state,
    agency: r.agency_code,
    status: r.status,
    submittedAt: r.submitted_at.toISOString(),
    deadline: r.deadline,
    currentStep: r.current_step,
    assignedTo: r.assigned_to,
    overdue: r.overdue,
  };
}

export interface Page<T> {
  items: T[];
  /** pass as `cursor` to get the next page; absent on the last page */
  nextCursor?: string;
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at);
  if (!id || Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw badRequest('errors.bad_cursor');
  return { at: date, id };
}

/** The ids of the applications that name this person as a party (whether they have signed yet or not). */
function namingPerson(db: Db | Tx, personId: string) {
  return db
    .selectFrom('application_consents as c')
    .innerJoin('persons as p', (j) => j.onRef('p.state', '=', 'c.party_state').onRef('p.national_id', '=', 'c.party_national_id'))
    .select('c.application_id')
    .where('p.id', '=', personId);
}

/** The form field by which an application names this person as a party (a spouse), if it does. */
export async function partyField(db: Db | Tx, applicationId: string, personId: string): Promise<string | undefined> {
  return (await namingPerson(db, personId).select('c.field').where('c.application_id', '=', applicationId).executeTakeFirst())?.field;
}

/**
 * The citizen's own applications, and those another applicant named them in (`party`), newest first, paged by a
 * keyset cursor (stable under new submissions).
 */
export async function listMyApplications(
  db: Db,
  actor: Actor,
  options: { limit: number; cursor?: string; status?: string },
): Promise<Page<ApplicationSummary>> {
  let query = db
    .selectFrom('applications')
    .select(SUMMARY)
    .select('applicant_person_id')
    .where((eb) => eb.or([eb('applicant_person_id', '=', actor.personId), eb('id', 'in', namingPerson(db, actor.personId))]))
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.cursor) {
    const { at, id } = decodeCursor(options.cursor);
    query = query.where((eb) => eb.or([eb('submitted_at', '<', at), eb.and([eb('submitted_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.execute();
  const items = rows.slice(0, options.limit).map((r) => ({ ...summary(r), ...(r.applicant_person_id !== actor.personId ? { party: true } : {}) }));
  const last = rows.length > options.limit ? rows[options.limit - 1] : undefined;
  return {
    items,
    nextCursor: last ? Buffer.from(`${last.submitted_at.toISOString()}|${last.id}`).toString('base64url') : undefined,
  };
}

/**
 * One application with its history, for its applicant, a party it names, or an officer of the agency that handles it.
 * Anyone else gets "not found", so the answer does not even reveal that the application exists.
 */
export async function getApplication(db: Db, actor: Actor, id: string, now: Date): Promise<ApplicationDetail> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound('errors.application_not_found');
  const row = await db
    .selectFrom('applications as a')
    .innerJoin('persons as p', 'p.id', 'a.applicant_person_id')
    .select(SUMMARY.map((c) => `a.${c}` as const))
    .select(['a.applicant_person_id', 'a.language', 'a.data', 'a.signature', 'p.state as applicant_state', 'p.national_id', 'p.given_name', 'p.family_name'])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('errors.application_not_found');
  let viewer: Viewer | undefined;
  if (actor.role === 'officer' && row.agency_code === actor.agencyCode) viewer = { role: 'officer' };
  else if (actor.role === 'citizen' && row.applicant_person_id === actor.personId) viewer = { role: 'applicant' };
  else if (actor.role === 'citizen') {
    const field = await partyField(db, id, actor.personId);
    if (field) viewer = { role: 'party', field };
  }
  if (!viewer) throw notFound('errors.application_not_found');
  if (actor.role === 'officer') {
    // An officer reading a person's application is an access to personal data: it goes into the audit log.
    await transaction(db, (tx) =>
      appendAudit(tx, { at: now, actorAccountId: actor.accountId, action: 'personal_data.read', subjectType: 'application', subjectId: id, personId: row.applicant_person_id, details: { number: row.number } }),
    );
  }

  const actions = await db
    .selectFrom('application_actions')
    .select(['seq', 'type', 'status_after', 'at', 'actor_role', 'actor_account_id', 'idempotency_key', 'payload'])
    .where('application_id', '=', id)
    .orderBy('seq')
    .execute();
  const history: HistoryAction[] = actions.map((a) => ({
    seq: a.seq,
    type: a.type,
    status: a.status_after,
    at: a.at.toISOString(),
    actor: { role: a.actor_role, accountId: a.actor_account_id },
    idempotencyKey: a.idempotency_key,
    details: a.payload as Record<string, unknown>,
  }));
  return {
    ...summary(row),
    viewer,
    applicant: { name: `${row.given_name} ${row.family_name}`, identifier: `${row.applicant_state}${row.national_id}` },
    language: row.language,
    data: row.data as Record<string, unknown>,
    signature: row.signature,
    history,
  };
}

export interface OpenWorkload {
  agencyCode: string;
  /** the assigned officer's account, null for the unassigned */
  assignedTo: string | null;
  open: number;
  overdue: number;
}

/** Open applications counted per agency and assignee (the partial index on open applications serves it). */
export async function openWorkload(db: Db): Promise<OpenWorkload[]> {
  const rows = await db
    .selectFrom('applications')
    .select(['agency_code', 'assigned_to'])
    .select((eb) => [eb.fn.countAll<string>().as('open'), eb.fn.sum<string>(eb.case().when('overdue', '=', true).then(1).else(0).end()).as('overdue')])
    .where('closed_at', 'is', null)
    .groupBy(['agency_code', 'assigned_to'])
    .execute();
  return rows.map((r) => ({ agencyCode: r.agency_code, assignedTo: r.assigned_to, open: Number(r.open), overdue: Number(r.overdue ?? 0) }));
}
