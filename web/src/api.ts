// The node's API, from the portal: same origin, the session in the HttpOnly cookie the API sets at sign-in,
// the interface language sent with every request so that service texts and problem details come in it.
import type { Lang } from './i18n';

let language: Lang = 'en';
export function setApiLanguage(lang: Lang): void {
  language = lang;
}

/**
 * A fresh Idempotency-Key (a UUID). `crypto.randomUUID` exists only in secure contexts; the fallback builds a
 * version-4 UUID from `crypto.getRandomValues`, which exists everywhere.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** RFC 9457 problem details, as every error of the API is. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; code: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** sent as JSON; or, with `contentType`, as it is (a file's bytes) */
  body?: unknown;
  /** the body's media type when it is sent as it is (`application/pdf`): a Blob, an ArrayBuffer or a typed array */
  contentType?: string;
  /** add `?lang=` (the catalog's routes declare it; cacheable by URL) */
  lang?: boolean;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  /** the `Idempotency-Key` of a write: one per intended operation, the same on every retry of it */
  idempotencyKey?: string;
}

function requestUrl(path: string, options: Pick<RequestOptions, 'query' | 'lang'>): URL {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  if (options.lang) url.searchParams.set('lang', language);
  return url;
}

/** Reads asked for before the first render, by address; the page's own first read of each takes its answer. */
const early = new Map<string, Promise<Response>>();
const EARLY_FOR_MS = 10_000;

/**
 * Starts a read the first page will make (main.tsx: the session, the page's data) while the portal's messages are
 * still loading, instead of after them: on a phone the two round trips then overlap.
 */
export function prefetch(path: string, options: Pick<RequestOptions, 'query' | 'lang'> = {}): void {
  const url = requestUrl(path, options).href;
  const pending = fetch(url, { headers: { accept: 'application/json', 'accept-language': language }, credentials: 'same-origin' });
  pending.catch(() => undefined);
  early.set(url, pending);
  setTimeout(() => early.delete(url), EARLY_FOR_MS);
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const url = requestUrl(path, options);
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  const raw = options.contentType !== undefined && (options.body instanceof Blob || options.body instanceof ArrayBuffer || ArrayBuffer.isView(options.body));
  if (options.body !== undefined) headers['content-type'] = raw ? options.contentType! : 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  // (taken once: a later read of the same address, after a sign-in say, asks afresh)
  const prefetched = (options.method ?? 'GET') === 'GET' ? early.get(url.href) : undefined;
  if (prefetched) early.delete(url.href);
  const res = prefetched ? await prefetched : await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : raw ? (options.body as BodyInit) : JSON.stringify(options.body),
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (!res.ok) {
    const problem = (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json().catch(() => null)) as Problem | null) : null;
    throw new ApiError(res.status, problem);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// ——— The API's shapes (see /openapi.json) ———

export interface Money {
  amount: number;
  currency: string;
  basis?: string;
}

export interface ServiceSummary {
  code: string;
  version: number;
  state: string;
  agency: { code: string; name: string };
  category: string;
  lifeEvents: string[];
  title: string;
  description: string;
  applicants: string[];
  fee: Money;
  deadline: { days: number; type: 'working' | 'calendar' };
  language: string;
}

export interface ServiceDetail extends ServiceSummary {
  legalBasis?: string;
  sources?: string[];
  form: { schema: FormSchema; example: Record<string, unknown> };
  evidence: { key: string; registry: string; subject: string; title: string }[];
  workflow: { id: string; kind: string; title: string }[];
  result: { document: string; title: string; validDays?: number };
}

export interface FormSchema {
  properties?: Record<string, { 'x-labels'?: Record<string, string>; 'x-enum-labels'?: Record<string, Record<string, string>> } & Record<string, unknown>>;
  [key: string]: unknown;
}

export type Role = 'citizen' | 'officer' | 'operator';

export interface Persona {
  identifier: string;
  qualifiedIdentifier: string;
  state: string;
  name: string;
  role: Role;
  agency: string | null;
  language: string;
  permissions?: string[];
  accountId?: string;
  /** demo mode: the persona's key file (a private JWK with its x5c certificate chain) */
  keyFile?: Record<string, unknown>;
}

export interface Me {
  accountId: string;
  role: Role;
  agency: string | null;
  permissions?: string[];
  state: string;
  identifier: string;
  name: string;
  language: string;
}

export interface ApplicationSummary {
  id: string;
  number: string;
  service: string;
  /** the service's title in the caller's language */
  serviceTitle?: string;
  serviceVersion: number;
  state: string;
  agency: string;
  status: string;
  submittedAt: string;
  deadline: string;
  currentStep?: string | null;
  overdue?: boolean;
  payment?: { invoiceId: string; amount: number; currency: string; status: string };
  /** (own list) another person applied and named this citizen, who signed it too */
  party?: boolean;
}

export interface HistoryAction {
  seq: number;
  type: string;
  status: string;
  at: string;
  actor: { role: string; accountId: string | null };
  details: Record<string, unknown>;
}

export interface ApplicationDetail extends ApplicationSummary {
  /** who reads it: the applicant, a party it names (follows it, does not act on it), or an officer */
  viewer: { role: 'applicant' } | { role: 'party'; field: string } | { role: 'officer' };
  applicant: { name: string; identifier: string };
  language: string;
  data: Record<string, unknown>;
  history: HistoryAction[];
  evidence: { key: string; registry: string; service: string | null; status: string; fetchedAt: string; requestId?: string | null }[];
}

/** POST /api/v1/applications answers the new application's summary (201). */
export type SubmittedApplication = ApplicationSummary;

/** GET /api/v1/services/:code/prefill: the fields the registers can fill in for the applicant, each with its source. */
export interface Prefill {
  fields: Record<string, { value: unknown; source: string; registry: string; requestId: string | null }>;
  /** evidence keys the registers could not give; the form asks for them */
  unavailable: string[];
}

export interface Invoice {
  id: string;
  applicationId: string;
  /** minor units of the currency */
  amount: number;
  currency: string;
  status: 'open' | 'paid' | 'refunded' | 'cancelled' | string;
  createdAt: string;
  paidAt: string | null;
}

/** POST /api/v1/invoices/:id/pay: a payment attempt and where to enter the card. */
export interface PaymentStart {
  attemptId: string;
  provider: string;
  checkoutUrl: string;
}

export interface Notification {
  id: string;
  template: string;
  subject: string;
  body: string;
  applicationId: string | null;
  createdAt: string;
  deliveredAt: string | null;
  channel: string | null;
  read: boolean;
}

/** GET /api/v1/me/data-access: an exchange query that named me as its user or its subject. */
export interface DataAccess {
  at: string;
  /** user: I made the query; subject: the query was about me */
  role: 'user' | 'subject' | string;
  /** the agency subsystem that asked (X-Road client id) */
  client: string;
  /** the register asked (X-Road service id) */
  service: string;
  user: string | null;
  /** entries with role user: the system that said (X-Road-UserId) that I was its user */
  assertedBy: string | null;
  /** the application or purpose it was for */
  issue: string | null;
  requestId: string;
}

export interface ExchangeService {
  id: string;
  registry: string;
  state: string;
}

export interface Offer {
  id: string;
  kind: string;
  status: 'offered' | 'accepted' | string;
  createdAt: string;
  event: { childBirthDate: string; childSex: string; hospital: string };
  applications: string[];
}

export interface OfferAccepted {
  offerId: string;
  applications: { id: string; number: string; service: string; status: string }[];
}

/** GET /api/v1/me/consents: an application of someone else that names me, and my answer to it. */
export interface ConsentRequest {
  applicationId: string;
  number: string;
  service: string;
  /** the service's title in the caller's language */
  serviceTitle: string;
  serviceVersion: number;
  /** the applicant's name */
  applicant: string;
  /** the form field that names me */
  field: string;
  status: 'pending' | 'given' | 'declined' | 'lapsed' | 'cancelled' | string;
  requestedAt: string;
  dueAt: string;
  /** what the applicant signed, which I sign too */
  data: Record<string, unknown>;
}

/** POST /api/v1/applications/:id/consent and …/decline-consent: the application's status after my answer. */
export interface ConsentAnswer {
  id: string;
  number: string;
  status: string;
}

export interface MyDocument {
  id: string;
  /** the short number printed on the document (KZ-CRC-2026-000123) */
  number: string;
  applicationId: string;
  kind: string;
  title: Record<string, string>;
  issuedAt: string;
  validUntil: string | null;
  revoked: boolean;
  verifyUrl: string;
}

export interface Verification {
  /** full: found by the QR code's id or the PDF; status: by a number anyone can type, authenticity and validity only */
  disclosure: 'full' | 'status';
  documentId?: string;
  /** the short number printed on the document (KZ-CRC-2026-000123) */
  number: string;
  authentic: boolean;
  status: 'valid' | 'revoked' | 'expired';
  kind: string;
  title: Record<string, string>;
  issuer: { agency: string; name: Record<string, string>; member: string };
  issuedAt: string;
  validUntil: string | null;
  /** the holder's initials (full disclosure only) */
  holder?: string;
  revokedAt: string | null;
  revocationReason: string | null;
  sha256: string;
  verifyUrl?: string;
  /** what the document certifies beyond the form, as data (a register's answer, a person by initials) */
  certified: unknown[];
  /** the same, as the document states it, in the language asked for */
  statements: { label: string; value: string }[];
}

/** POST /api/v1/documents/verify: are these bytes exactly a document issued here? */
export interface FileVerification {
  match: boolean;
  document?: Verification;
  /** the PAdES signature inside the PDF, checked; null when it carries none */
  signature: { valid: boolean; problem?: string; signer?: string; timestamp?: { time: string; authority: string } } | null;
}
