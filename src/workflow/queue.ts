import type { Actor } from '../identity/index.js';
import type { Db } from '../platform/db/index.js';
import { badRequest, forbidden } from '../platform/errors.js';

export interface QueueFilter {
  status?: string;
  service?: string;
  overdue?: boolean;
  /** only what is assigned to me */
  mine?: boolean;
  limit: number;
  cursor?: string;
}

export interface QueueItem {
  id: string;
  number: string;
  service: string;
  status: string;
  currentStep: string | null;
  assignedTo: string | null;
  submittedAt: string;
  deadline: string;
  overdue: boolean;
  applicant: { name: string; identifier: string };
  /** working-day status as of today: overdue, due today or tomorrow, or on time */
  urgency: 'overdue' | 'due_soon' | 'on_time';
}

const encode = (deadline: string, submitted: Date, id: string) => Buffer.from(`${deadline}|${submitted.toISOString()}|${id}`).toString('base64url');

/**
 * The agency's open applications, the nearest legal deadline first; keyset-paged so a page stays cheap however
 * long the queue. An officer sees only their own agency's.
 */
export async function agencyQueue(db: Db, actor: Actor, filter: QueueFilter, today: string, tomorrow: string): Promise<{ items: QueueItem[]; nextCursor?: string }> {
  if (actor.role !== 'officer' || !actor.agencyCode) throw forbidden();
  let query = db
    .selectFrom('applications')
    .innerJoin('persons as p', 'p.id', 'applications.applicant_person_id')
    .select(['applications.id', 'number', 'service_code', 'status', 'current_step', 'assigned_to', 'submitted_at', 'deadline', 'overdue'])
    .select(['p.state as applicant_state', 'p.national_id', 'p.given_name', 'p.family_name'])
    .where('agency_code', '=', actor.agencyCode)
    .where('closed_at', 'is', null)
    .orderBy('deadline')
    .orderBy('submitted_at')
    .orderBy('applications.id')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.service) query = query.where('service_code', '=', filter.service);
  if (filter.overdue !== undefined) query = query.where('overdue', '=', filter.overdue);
  if (filter.mine) query = query.where('assigned_to', '=', actor.accountId);
  if (filter.cursor) {
    const [deadline, submitted, id] = Buffer.from(filter.cursor, 'base64url').toString('utf8').split('|');
    const at = new Date(submitted);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(deadline ?? '') || Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) throw badRequest('errors.bad_cursor');
    query = query.where((eb) =>
      eb.or([
        eb('deadline', '>', deadline),
        eb.and([eb('deadline', '=', deadline), eb('submitted_at', '>', at)]),
        eb.and([eb('deadline', '=', deadline), eb('submitted_at', '=', at), eb('applications.id', '>', id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = rows.length > filter.limit ? page[page.length - 1] : undefined;
  return {
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      service: r.service_code,
      status: r.status,
      currentStep: r.current_step,
      assignedTo: r.assigned_to,
      submittedAt: r.submitted_at.toISOString(),
      deadline: r.deadline,
      overdue: r.overdue,
      applicant: { name: `${r.given_name} ${r.family_name}`, identifier: `${r.applicant_state}${r.national_id}` },
      urgency: r.overdue || r.deadline < today ? 'overdue' : r.deadline <= tomorrow ? 'due_soon' : 'on_time',
    })),
    nextCursor: last ? encode(last.deadline, last.submitted_at, last.id) : undefined,
  };
}
