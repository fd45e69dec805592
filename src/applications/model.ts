/** Statuses so far; the workflow module adds the agency's steps and decisions. */
export const STATUSES = ['submitted', 'withdrawn'] as const;
export type ApplicationStatus = (typeof STATUSES)[number];

/** Statuses from which the applicant may still withdraw: before any decision. */
export const WITHDRAWABLE: readonly string[] = ['submitted'];

export interface ApplicationSummary {
  id: string;
  number: string;
  service: string;
  serviceVersion: number;
  state: string;
  agency: string;
  status: string;
  submittedAt: string;
  deadline: string;
}

export interface HistoryAction {
  seq: number;
  type: string;
  status: string;
  at: string;
  actor: { role: string; accountId: string };
  idempotencyKey: string | null;
  details: Record<string, unknown>;
}

export interface ApplicationDetail extends ApplicationSummary {
  language: string;
  data: Record<string, unknown>;
  signature: string;
  history: HistoryAction[];
}
