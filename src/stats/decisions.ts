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
 * Counts decisions in the public statistics, in the transaction that makes them: the figures never disagree with
 * the applications. One row per month, agency and service; decisions on the same row wait for each other only for
 * the rest of their transaction.
 */
export async function recordDecisions(tx: Tx, decisions: Decision[]): Promise<void> {
  const rows = new Map<string, { month: string; state: string; agency_code: string; service_code: string; approved: number; rejected: number; on_time: number; decision_seconds: number }>();
  for (const d of decisions) {
    const month = `${d.decidedOn.slice(0, 7)}-01`;
    const key = `${month} ${d.agencyCode} ${d.serviceCode}`;
    const row = rows.get(key) ?? { month, state: d.state, agency_code: d.agencyCode, service_code: d.serviceCode, approved: 0, rejected: 0, on_time: 0, decision_seconds: 0 };
    if (d.outcome === 'approved') row.approved++;
    else row.rejected++;
    if (d.decidedOn <= d.deadline) row.on_time++;
    row.decision_seconds += Math.max(0, Math.round((d.decidedAt.getTime() - d.submittedAt.getTime()) / 1000));
    rows.set(key, row);
  }
  if (!rows.size) return;
  await tx
    .insertInto('stats_decisions')
    .values([...rows.values()])
    .onConflict((oc) =>
      oc.columns(['month', 'agency_code', 'service_code']).doUpdateSet({
        approved: sql`stats_decisions.approved + excluded.approved`,
        rejected: sql`stats_decisions.rejected + excluded.rejected`,
        on_time: sql`stats_decisions.on_time + excluded.on_time`,
        decision_seconds: sql`stats_decisions.decision_seconds + excluded.decision_seconds`,
      }),
    )
    .execute();
}

export const recordDecision = (tx: Tx, decision: Decision): Promise<void> => recordDecisions(tx, [decision]);
