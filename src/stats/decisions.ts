import { sql, type Tx } from '../platform/db/index.js';

export interface Decision {
  state: string;
  agencyCode: string;
  serviceCode: string;
  outcome: 'approved' | 'rejected';
  submittedAt: Date;
  decidedAt: Date;
  /** the day of the decision and the last day of the legal term, both in the state's time */
  decidedOn: string;
  deadline: string;
}

/**
 * Counts a decision in the public statistics, in the transaction that makes it: the figures never disagree with
 * the applications. One row per month, agency and service; decisions on the same row wait for each other only for
 * the rest of their transaction.
 */
export async function recordDecision(tx: Tx, d: Decision): Promise<void> {
  const approved = d.outcome === 'approved' ? 1 : 0;
  const onTime = d.decidedOn <= d.deadline ? 1 : 0;
  const seconds = Math.max(0, Math.round((d.decidedAt.getTime() - d.submittedAt.getTime()) / 1000));
  await tx
    .insertInto('stats_decisions')
    .values({
      month: `${d.decidedOn.slice(0, 7)}-01`,
      state: d.state,
      agency_code: d.agencyCode,
      service_code: d.serviceCode,
      approved,
      rejected: 1 - approved,
      on_time: onTime,
      decision_seconds: seconds,
    })
    .onConflict((oc) =>
      oc.columns(['month', 'agency_code', 'service_code']).doUpdateSet({
        approved: sql`stats_decisions.approved + ${approved}`,
        rejected: sql`stats_decisions.rejected + ${1 - approved}`,
        on_time: sql`stats_decisions.on_time + ${onTime}`,
        decision_seconds: sql`stats_decisions.decision_seconds + ${seconds}`,
      }),
    )
    .execute();
}
