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

/** Standard error answers for an operation, so each shows in the OpenAPI description. */
export function problems(...statuses: number[]): Record<number, typeof problemRef> {
  return Object.fromEntries(statuses.map((s) => [s, problemRef]));
}

/** A path's record id: a UUID, refused by its format before any lookup (a malformed one is the caller's 400). */
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'the record\'s id (a UUID)' }) });

export const Localized = Type.Record(Type.String(), Type.String());

export const LangQuery = Type.Optional(
  Type.Union([Type.Literal('kk'), Type.Literal('ru'), Type.Literal('en'), Type.Literal('tr'), Type.Literal('az'), Type.Literal('ky'), Type.Literal('uz')], {
    description: "language of texts and messages; else Accept-Language, else the node's default",
  }),
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'a unique key per intended operation; a repeat returns the first answer' })),
});

/** RFC draft "The Idempotency-Key HTTP Header Field": required on operations that create or change. */
export function idempotencyKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) throw badRequest('errors.idempotency_key_missing');
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('errors.idempotency_key_invalid');
  return key;
}
