// The node's API, from the portal: same origin, the session in the HttpOnly cookie the API sets at sign-in,
// the interface language sent with every request so that service texts and problem details come in it.
import type { Lang } from './i18n';

let language: Lang = 'en';
export function setApiLanguage(lang: Lang): void {
  language = lang;
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
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  /** add `?lang=` (the catalog's routes declare it; cacheable by URL) */
  lang?: boolean;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  if (options.lang) url.searchParams.set('lang', language);
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
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

export interface Persona {
  identifier: string;
  qualifiedIdentifier: string;
  state: string;
  name: string;
  role: 'citizen' | 'officer' | 'operator';
  agency: string | null;
  language: string;
}

export interface Me {
  accountId: string;
  role: 'citizen' | 'officer' | 'operator';
  agency: string | null;
  state: string;
  identifier: string;
  name: string;
  language: string;
}

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
  overdue?: boolean;
  payment?: { invoiceId: string; amount: number; currency: string; status: string };
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
  language: string;
  data: Record<string, unknown>;
  history: HistoryAction[];
  evidence: { key: string; registry: string; service: string | null; status: string; fetchedAt: string }[];
}

export interface MyDocument {
  id: string;
  applicationId: string;
  kind: string;
  title: Record<string, string>;
  issuedAt: string;
  validUntil: string | null;
  revoked: boolean;
  verifyUrl: string;
}

export interface Verification {
  documentId: string;
  authentic: boolean;
  status: 'valid' | 'revoked' | 'expired';
  kind: string;
  title: Record<string, string>;
  issuer: { agency: string; name: Record<string, string>; member: string };
  issuedAt: string;
  validUntil: string | null;
  holder: string;
  revokedAt: string | null;
  revocationReason: string | null;
  sha256: string;
  verifyUrl: string;
}
