/**
 * awaiting_consent: another person the application names has not signed it yet (declined: one of them refused, or let
 * the term lapse) · awaiting_payment: the service's fee is not paid yet (its legal term has not started) · submitted: taken, automatic steps pending · in_review: waiting at a human step · info_requested: the agency asked
 * the applicant for more (deadline paused) · approved / rejected: decided · withdrawn: taken back by the applicant.
 */
export const STATUSES = ['awaiting_consent', 'awaiting_payment', 'submitted', 'in_review', 'info_requested', 'approved', 'rejected', 'withdrawn', 'declined'] as const;
export type ApplicationStatus = (typeof STATUSES)[number];

/** Statuses from which the applicant may still withdraw: before any decision. */
export const WITHDRAWABLE: readonly string[] = ['awaiting_consent', 'awaiting_payment', 'submitted', 'in_review', 'info_requested'];

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
  currentStep?: string | null;
  assignedTo?: string | null;
  overdue?: boolean;
  /** the fee to pay before the agency starts, when the service has one */
  payment?: { invoiceId: string; amount: number; currency: string; status: string };
  /** (a citizen's own list) true where another person applied and named them: a spouse, who signed it too */
  party?: boolean;
}

/**
 * Who reads an application: its applicant; a party it names, who signed it too (`field` names them), and may follow
 * it but not act on it; or an officer of the agency.
 */
export type Viewer = { role: 'applicant' } | { role: 'party'; field: string } | { role: 'officer' };

export interface HistoryAction {
  seq: number;
  type: string;
  status: string;
  at: string;
  actor: { role: string; accountId: string | null };
  idempotencyKey: string | null;
  details: Record<string, unknown>;
}

export interface ApplicationDetail extends ApplicationSummary {
  viewer: Viewer;
  applicant: { name: string; identifier: string };
  language: string;
  data: Record<string, unknown>;
  signature: string;
  history: HistoryAction[];
}
