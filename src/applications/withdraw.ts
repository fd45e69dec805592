import type { Actor } from '../identity/index.js';
import { sql } from '../platform/db/index.js';
import { conflict, notFound } from '../platform/errors.js';
import { once, requestHash, type StoredAnswer } from '../platform/idempotency.js';
import type { ApplicationSummary } from './model.js';
import { WITHDRAWABLE } from './model.js';
import type { ApplicationsDeps } from './submit.js';

/**
 * The applicant takes the application back before a decision. The status change, its history action and the
 * audit entry commit together; a second withdrawal (or one after a decision) is a conflict.
 */
export async function withdrawApplication(
  deps: Pick<ApplicationsDeps, 'db' | 'clock'>,
  actor: Actor,
  id: string,
  reason: string | undefined,
  idempotencyKey: string,
): Promise<StoredAnswer<ApplicationSummary>> {
  const now = deps.clock.now();
  const hash = requestHash(`POST /api/v1/applications/${id}/withdraw`, { reason: reason ?? null });
  return once(deps.db, actor.accountId, idempotencyKey, hash, now, async (tx) => {
    const current = await tx
      .selectFrom('applications')
      .select(['status', 'applicant_person_id'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!current || actor.role !== 'citizen' || current.applicant_person_id !== actor.personId) {
      throw notFound('errors.application_not_found');
    }
    if (!WITHDRAWABLE.includes(current.status)) throw conflict('errors.cannot_withdraw', { status: current.status });

    const row = await tx
      .updateTable('applications')
      .set({ status: 'withdrawn', updated_at: now })
      .where('id', '=', id)
      .returning(['id', 'number', 'service_code', 'service_version', 'state', 'agency_code', 'status', 'submitted_at', 'deadline'])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('application_actions')
      .values({
        application_id: id,
        seq: sql<number>`(select coalesce(max(seq), 0) + 1 from application_actions where application_id = ${id})`,
        type: 'withdraw',
        status_after: 'withdrawn',
        actor_account_id: actor.accountId,
        actor_role: actor.role,
        at: now,
        idempotency_key: idempotencyKey,
        payload: JSON.stringify(reason ? { reason } : {}),
      })
      .execute();
    await tx
      .insertInto('audit_events')
      .values({
        at: now,
        actor_account_id: actor.accountId,
        action: 'application.withdraw',
        subject_type: 'application',
        subject_id: id,
        person_id: actor.personId,
        details: JSON.stringify({ number: row.number }),
      })
      .execute();
    return {
      status: 200,
      body: {
        id: row.id,
        number: row.number,
        service: row.service_code,
        serviceVersion: row.service_version,
        state: row.state,
        agency: row.agency_code,
        status: row.status,
        submittedAt: row.submitted_at.toISOString(),
        deadline: row.deadline,
      },
    };
  });
}
