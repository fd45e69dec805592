import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../platform/errors.js';

/** Shared request and response schemas; they validate, document (OpenAPI) and strip what must not leak. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI of the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'stable machine-readable code' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'JSON Pointer to the field in the request' }),
          code: Type.String(),
          message: Type.String({ description: "in the caller's language" }),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problemRef = Type.Unsafe<unknown>({ $ref: 'Problem#' });

const REASONS: Record<number, string> = {
  400: 'The request is malformed, or outside its schema (the fields at fault in `errors`)',
  401: 'Not signed in, or the sign-in failed',
  403: 'Not allowed to this caller',
  404: 'Not found, or not the caller\'s to see',
  409: 'In conflict with the current state',
  413: 'The body is larger than the node accepts',
  414: 'The URL is longer than the node accepts',
  415: 'The body is not of a media type the operation accepts',
  422: 'Well formed but invalid (the fields at fault in `errors`)',
  429: 'Too many requests: try again after Retry-After seconds',
  500: 'An internal error (its details are logged, never sent)',
  503: 'The database does not answer: try again after Retry-After seconds',
};

const retryAfter = { 'retry-after': { type: 'integer', description: 'seconds to wait before trying again' } };

/** An error answer as sent (sendProblem in problems.ts): problem+json, so documented under that media type. */
export function problemResponse(status: number) {
  return {
    description: REASONS[status] ?? 'A problem',
    ...(status === 429 || status === 503 ? { headers: retryAfter } : {}),
    content: { 'application/problem+json': { schema: problemRef } },
  };
}

/** Standard error answers for an operation, so each shows in the OpenAPI description. */
export function problems(...statuses: number[]): Record<number, ReturnType<typeof problemResponse>> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s)]));
}

/** A path's record id: a UUID, refused by its format before any lookup (a malformed one is the caller's 400). */
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'the record\'s id (a UUID)' }) });

export const Localized = Type.Record(Type.String(), Type.String());

export const LangQuery = Type.Optional(
  Type.Union([Type.Literal('kk'), Type.Literal('ru'), Type.Literal('en'), Type.Literal('tr'), Type.Literal('az'), Type.Literal('ky'), Type.Literal('uz')], {
    description: "language of texts and messages; else Accept-Language, else the node's default",
  }),
);

const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,255}$';
const idempotencyKeyPattern = new RegExp(IDEMPOTENCY_KEY_PATTERN);
const idempotencyKeyText = 'a unique key per intended operation; a repeat returns the first answer';

/**
 * The header as validated: optional, as any text. idempotencyKey() requires it, after the sign-in is checked and with
 * problem codes of its own; the description shows it as the handler requires it (IdempotencyHeadersRequired).
 */
export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: idempotencyKeyText })) });

/** IdempotencyHeaders as documented (openapi.ts puts it in their place): required, with its pattern. */
export const IdempotencyHeadersRequired = Type.Object({ 'idempotency-key': Type.String({ description: idempotencyKeyText, pattern: IDEMPOTENCY_KEY_PATTERN }) });

/** RFC draft "The Idempotency-Key HTTP Header Field": required on operations that create or change. */
export function idempotencyKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) throw badRequest('errors.idempotency_key_missing');
  if (typeof key !== 'string' || !idempotencyKeyPattern.test(key)) throw badRequest('errors.idempotency_key_invalid');
  return key;
}
