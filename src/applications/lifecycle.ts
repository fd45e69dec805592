import type { Tx } from '../platform/db/index.js';
import { sql } from '../platform/db/index.js';
import type { Role } from '../platform/db/tables.js';

/** The application row as the workflow sees it, locked for the rest of the transaction. */
export interface LockedApplication {
  id: string;
  number: string;
  serviceCode: string;
  serviceVersion: number;
  state: string;
  agencyCode: string;
  applicantPersonId: string;
  applicantAccountId: string;
  status: string;
  data: Record<string, unknown>;
  deadline: string;
  currentStep: string | null;
  assignedTo: string | null;
  overdue: boolean;
  pausedDaysLeft: number | null;
  closedAt: Date | null;
  submittedAt: Date;
}

/** An application's status as committed, without locking it (for a caller that locks other rows first). */
export async function applicationStatus(tx: Tx, id: string): Promise<string | undefined> {
  return (await tx.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

/** Locks an application row (SELECT … FOR UPDATE): concurrent actions on it run one after the other. */
export async function lockApplication(tx: Tx, id: string): Promise<LockedApplication | undefined> {
  const r = await tx.selectFrom('applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    number: r.number,
    serviceCode: r.service_code,
    serviceVersion: r.service_version,
    state: r.state,
    agencyCode: r.agency_code,
    applicantPersonId: r.applicant_person_id,
    applicantAccountId: r.applicant_account_id,
    status: r.status,
    data: r.data as Record<string, unknown>,
    deadline: r.deadline,
    currentStep: r.current_step,
    assignedTo: r.assigned_to,
    overdue: r.overdue,
    pausedDaysLeft: r.paused_days_left,
    closedAt: r.closed_at,
    submittedAt: r.submitted_at,
  };
}

export interface ApplicationPatch {
  status?: string;
  current_step?: string | null;
  assigned_to?: string | null;
  overdue?: boolean;
  deadline?: string;
  paused_at?: Date | null;
  paused_days_left?: number | null;
  closed_at?: Date | null;
}

export interface ActionRecord {
  type: string;
  /** null for what the node does by itself (automatic steps, escalation) */
  actor: { accountId: string; role: Role } | null;
  idempotencyKey?: string | null;
  payload?: Record<string, unknown>;
}

/**
 * Changes an application and appends the action that changed it to its history, in the caller's transaction:
 * the status and the history never disagree.
 */
export async function applyAction(tx: Tx, id: string, at: Date, patch: ApplicationPatch, action: ActionRecord): Promise<{ status: string; seq: number }> {
  const updated = await tx
    .updateTable('applications')
    .set({ ...patch, updated_at: at })
    .where('id', '=', id)
    .returning(['status'])
    .executeTakeFirstOrThrow();
  const inserted = await tx
    .insertInto('application_actions')
    .values({
      application_id: id,
      seq: sql<number>`(select coalesce(max(seq), 0) + 1 from application_actions where application_id = ${id})`,
      type: action.type,
      status_after: updated.status,
      actor_account_id: action.actor?.accountId ?? null,
      actor_role: action.actor?.role ?? 'system',
      at,
      idempotency_key: action.idempotencyKey ?? null,
      payload: JSON.stringify(action.payload ?? {}),
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return { status: updated.status, seq: inserted.seq };
}
