import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Language, negotiateLanguage, translate } from '../i18n/index.js';
import { pickText } from '../i18n/index.js';
import { isDatabaseUnavailable } from '../platform/db/index.js';
import { DomainError, type FieldError } from '../platform/errors.js';
import { toFieldErrors } from '../catalog/form-validation.js';

/** RFC 9457 problem details, with the fields at fault for 400 and 422. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: { field: string; code: string; message: string }[];
}

const STATUS: Record<DomainError['kind'], number> = {
  bad_request: 400,
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

const TITLE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid',
  429: 'too_many_requests',
  500: 'internal',
  503: 'unavailable',
};

export function problem(
  language: Language,
  status: number,
  code: string,
  params: Record<string, unknown> = {},
  fields: FieldError[] = [],
  instance?: string,
): Problem {
  const slug = code.replace(/^errors\./, '');
  const body: Problem = {
    type: `urn:ortak:problem:${slug}`,
    title: translate(language, `titles.${TITLE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request')}`),
    status,
    detail: translate(language, code, params),
    code: slug,
    ...(instance ? { instance } : {}),
  };
  if (fields.length) {
    body.errors = fields.map((f) => ({
      field: f.field,
      code: f.code.replace(/^(errors|validation)\./, ''),
      message: translate(language, f.code, {
        ...f.params,
        ...(f.code === 'validation.identifier' ? { reason: translate(language, `identifiers.${String(f.params?.reason)}`) } : {}),
        field: pickText(f.labels, language) || fieldName(f.field),
      }),
    }));
  }
  return body;
}

function fieldName(pointer: string): string {
  return pointer.split('/').filter(Boolean).at(-1) ?? pointer;
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

const FASTIFY_CODES: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'errors.malformed_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'errors.empty_body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'errors.body_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'errors.unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'errors.malformed_json' },
};

/**
 * Errors the router raises before any hook runs (a URL that does not decode, a path parameter longer than the
 * router allows): problem+json too, in the language the caller asked for.
 */
export function frameworkErrorHandler(defaultLanguage: Language) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const language = negotiateLanguage(undefined, request.headers['accept-language'], defaultLanguage);
    const status = error.statusCode === 414 ? 414 : 400;
    return sendProblem(reply, problem(language, status, 'errors.request_invalid', {}, [], request.url.slice(0, 200)));
  };
}

/** One place where every error becomes a problem+json answer; a 5xx never leaks internals. */
export function registerProblemHandlers(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const language = request.language;
    if (error instanceof DomainError) {
      return sendProblem(reply, problem(language, STATUS[error.kind], error.code, error.params, error.fields, request.url));
    }
    if (error.validation) {
      const prefix = error.validationContext === 'body' ? '' : `/${error.validationContext ?? 'request'}`;
      const fields = toFieldErrors(error.validation as never, prefix);
      return sendProblem(reply, problem(language, 400, 'errors.request_invalid', {}, fields, request.url));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return sendProblem(reply, problem(language, known.status, known.code, { limit: bodyLimit }, [], request.url));
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return sendProblem(reply, problem(language, 400, 'errors.malformed_json', {}, [], request.url));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = status === 429 ? 'errors.too_many_requests' : 'errors.request_invalid';
      return sendProblem(reply, problem(language, status, code, {}, [], request.url));
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', '5');
      return sendProblem(reply, problem(language, 503, 'errors.database_unavailable', {}, [], request.url));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, problem(language, 500, 'errors.internal', {}, [], request.url));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(request.language, 404, 'errors.route_not_found', { method: request.method, url: request.url.split('?')[0] }, [], request.url)),
  );
}
