// The officer's part of the node's API (src/http/routes/work.ts, applications.ts, services.ts): the shapes the
// officer's pages read, the actions they post with an Idempotency-Key, and a small cache of service definitions.
import { api, ApiError, type ApplicationDetail, type Me, type Problem, type ServiceDetail, type ServiceSummary } from '../../api';
import type { Lang } from '../../i18n';

/** GET /api/v1/me for an officer: the portal's `Me` plus the permissions the API sends with it. */
export interface OfficerMe extends Me {
  permissions?: string[];
}

export const isHead = (me: OfficerMe): boolean => me.permissions?.includes('head') ?? false;

/** Who applied: the name as the population register has it, the identifier with its country code (KZ…). */
export interface Applicant {
  name: string;
  identifier: string;
}

/** One open application in GET /api/v1/officer/queue. */
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
  applicant: Applicant;
  /** as of the agency's today: past the deadline, due today or the next working day, or on time */
  urgency: 'overdue' | 'due_soon' | 'on_time';
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor?: string;
}

/** The statuses an open application can have (the queue lists applications that are not closed). */
export const OPEN_STATUSES = ['submitted', 'awaiting_consent', 'awaiting_payment', 'in_review', 'info_requested'] as const;

export interface QueueFilter {
  status?: string;
  service?: string;
  mine?: boolean;
  overdue?: boolean;
}

export function queue(filter: QueueFilter, cursor: string | undefined, signal?: AbortSignal): Promise<QueuePage> {
  return api<QueuePage>('/api/v1/officer/queue', {
    signal,
    query: { status: filter.status, service: filter.service, mine: filter.mine ? 'true' : undefined, overdue: filter.overdue ? 'true' : undefined, limit: 25, cursor },
  });
}

export interface Evidence {
  key: string;
  registry: string;
  /** the X-Road service it came from */
  service: string | null;
  status: string;
  data: unknown;
  /** the answer's fields as the register labels them, in the officer's language */
  labels?: Record<string, string>;
  requestId: string | null;
  fetchedAt: string;
}

/** A result document issued for an application (GET /api/v1/applications/:id, `documents`). */
export interface IssuedDocument {
  id: string;
  /** the short number printed on the document (KZ-CRC-2026-000123) */
  number: string;
  kind: string;
  /** by language */
  title: Record<string, string>;
  issuedAt: string;
  /** a calendar day, or null when the document does not expire */
  validUntil: string | null;
  revoked: boolean;
  /** the public verification page (the address in the document's QR code) */
  verifyUrl: string;
}

/** GET /api/v1/applications/:id as an officer of the agency sees it. */
export interface OfficerApplication extends Omit<ApplicationDetail, 'evidence'> {
  assignedTo?: string | null;
  signature: string;
  applicant: Applicant;
  documents: IssuedDocument[];
  evidence: Evidence[];
  history: (ApplicationDetail['history'][number] & { idempotencyKey?: string | null })[];
}

export function application(id: string, signal?: AbortSignal): Promise<OfficerApplication> {
  return api<OfficerApplication>(`/api/v1/applications/${encodeURIComponent(id)}`, { signal });
}

/** The answer of every action (assign, unassign, approve, reject, request-info). */
export interface ActionAnswer {
  id: string;
  number: string;
  status: string;
  currentStep: string | null;
  assignedTo: string | null;
  deadline: string;
  overdue: boolean;
}

export type ActionName = 'assign' | 'unassign' | 'approve' | 'reject' | 'request-info';

/**
 * POST with an Idempotency-Key (the portal's `api()` sends no headers of the caller's): same origin, the session
 * cookie, the interface language for the problem details; errors as `ApiError`.
 */
export async function postWithKey<T>(path: string, body: unknown, idempotencyKey: string, lang: Lang): Promise<T> {
  const res = await fetch(new URL(path, window.location.origin), {
    method: 'POST',
    headers: { accept: 'application/json', 'accept-language': lang, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body ?? {}),
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const problem = (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json().catch(() => null)) as Problem | null) : null;
    throw new ApiError(res.status, problem);
  }
  return (await res.json()) as T;
}

export function act(id: string, action: ActionName, body: Record<string, string>, idempotencyKey: string, lang: Lang): Promise<ActionAnswer> {
  return postWithKey<ActionAnswer>(`/api/v1/applications/${encodeURIComponent(id)}/${action}`, body, idempotencyKey, lang);
}

/** The answer of POST /api/v1/documents/:id/revoke. */
export interface Revocation {
  id: string;
  revokedAt: string;
  reason: string;
}

/** The issuing agency's officer (with the `decide` permission) revokes a document; 409 when it already is. */
export function revoke(documentId: string, reason: string, idempotencyKey: string, lang: Lang): Promise<Revocation> {
  return postWithKey<Revocation>(`/api/v1/documents/${encodeURIComponent(documentId)}/revoke`, { reason }, idempotencyKey, lang);
}

export const pdfUrl = (documentId: string): string => `/api/v1/documents/${encodeURIComponent(documentId)}/pdf`;

/** GET /verify/:id as JSON: the public check of a document, with when and why it was revoked. */
export interface Verification {
  documentId: string;
  authentic: boolean;
  status: 'valid' | 'revoked' | 'expired';
  revokedAt: string | null;
  revocationReason: string | null;
}

export function verification(documentId: string, signal?: AbortSignal): Promise<Verification> {
  return api<Verification>(`/verify/${encodeURIComponent(documentId)}`, { signal });
}

// Service definitions change only with a new release of the node: each is asked for once per language.
const details = new Map<string, Promise<ServiceDetail>>();
const lists = new Map<string, Promise<ServiceSummary[]>>();

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    cache.set(key, p);
    // A failure is not kept: the next page asks again.
    p.catch(() => cache.delete(key));
  }
  return p;
}

export function serviceDetail(code: string, lang: Lang): Promise<ServiceDetail> {
  return cached(details, `${lang}:${code}`, () => api<ServiceDetail>(`/api/v1/services/${encodeURIComponent(code)}`, { lang: true }));
}

/** The agency's services in the catalog, with their definitions (titles, form labels, steps). */
export function agencyServices(agency: string, lang: Lang): Promise<ServiceDetail[]> {
  return cached(lists, `${lang}:${agency}`, () => api<{ items: ServiceSummary[] }>('/api/v1/services', { lang: true, query: { agency } }).then((r) => r.items)).then((items) =>
    Promise.all(items.map((s) => serviceDetail(s.code, lang))),
  );
}
