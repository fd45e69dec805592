/**
 * Domain errors: modules throw these, the HTTP layer maps each kind to a status and an RFC 9457 problem in one
 * place (src/http/problems.ts). Messages are i18n keys with parameters so the caller's language can be used.
 */
export interface FieldError {
  /** JSON Pointer to the field in the request body, e.g. /data/spouse/birthDate */
  field: string;
  /** i18n key of the message */
  code: string;
  params?: Record<string, unknown>;
  /** the field's label in each language, where the form schema gives one */
  labels?: Record<string, string>;
}

export type DomainErrorKind =
  | 'invalid' // 422: well-formed but wrong (field errors)
  | 'bad_request' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict'; // 409

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** i18n key, e.g. errors.application_not_found */
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly fields: FieldError[] = [],
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, fields: FieldError[], params?: Record<string, unknown>) =>
  new DomainError('invalid', code, params, fields);
export const badRequest = (code: string, params?: Record<string, unknown>) => new DomainError('bad_request', code, params);
export const unauthenticated = (code = 'errors.unauthenticated', params?: Record<string, unknown>) =>
  new DomainError('unauthenticated', code, params);
export const forbidden = (code = 'errors.forbidden', params?: Record<string, unknown>) => new DomainError('forbidden', code, params);
export const notFound = (code: string, params?: Record<string, unknown>) => new DomainError('not_found', code, params);
export const conflict = (code: string, params?: Record<string, unknown>) => new DomainError('conflict', code, params);

/** PostgreSQL's unique_violation, so callers can turn a race into a domain conflict. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | undefined;
  if (e?.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
}
