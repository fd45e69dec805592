import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getApplication, listMyApplications, submitApplication, withdrawApplication } from '../../applications/index.js';
import { badRequest } from '../../platform/errors.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { IdempotencyHeaders, LangQuery, problems } from '../schemas.js';

const Summary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String({ description: 'human-readable number, e.g. KZ-2026-00000042' }),
  service: Type.String(),
  serviceVersion: Type.Integer(),
  state: Type.String(),
  agency: Type.String(),
  status: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  deadline: Type.String({ format: 'date', description: 'last day of the legal term, on the state\'s working-day calendar' }),
});

const Detail = Type.Object({
  ...Summary.properties,
  language: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  signature: Type.String(),
  history: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      type: Type.String(),
      status: Type.String(),
      at: Type.String({ format: 'date-time' }),
      actor: Type.Object({ role: Type.String(), accountId: Type.String() }),
      idempotencyKey: Type.Union([Type.String(), Type.Null()]),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** RFC draft "The Idempotency-Key HTTP Header Field": required on operations that create or change. */
function idempotencyKey(request: FastifyRequest): string {
  const key = request.headers['idempotency-key'];
  if (key === undefined) throw badRequest('errors.idempotency_key_missing');
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) throw badRequest('errors.idempotency_key_invalid');
  return key;
}

export function applicationRoutes(app: FastifyInstance, node: Node): void {
  const deps = { db: node.database.db, catalog: node.catalog, calendars: node.calendars, ca: node.ca, clock: node.clock };

  app.post(
    '/api/v1/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Submit a signed application',
        description:
          '`signature` is a compact JWS (ES256) by the applicant\'s key, its certificate in the x5c header, whose payload is the RFC 8785 canonical JSON of `{service, data}`. A repeat with the same Idempotency-Key returns the first answer and writes nothing.',
        headers: IdempotencyHeaders,
        querystring: Type.Object({ lang: LangQuery }),
        body: Type.Object(
          {
            service: Type.String({ minLength: 1, maxLength: 80 }),
            data: Type.Record(Type.String(), Type.Unknown(), { description: "form data, valid against the service's form schema" }),
            signature: Type.String({ minLength: 1, maxLength: 65536 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Summary, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const key = idempotencyKey(request);
      const answer = await submitApplication(deps, actor, request.body as never, key, request.language);
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(answer.status as 201).header('location', `/api/v1/applications/${answer.body.id}`).send(answer.body);
    },
  );

  app.get(
    '/api/v1/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'My applications, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          status: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Summary), nextCursor: Type.Optional(Type.String()) }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'citizen');
      const q = request.query as { limit?: number; cursor?: string; status?: string };
      return listMyApplications(deps.db, actor, { limit: q.limit ?? 20, cursor: q.cursor, status: q.status });
    },
  );

  app.get(
    '/api/v1/applications/:id',
    {
      schema: {
        tags: ['applications'],
        summary: 'One application with its history',
        params: IdParams,
        response: { 200: Detail, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return getApplication(deps.db, actor, (request.params as { id: string }).id);
    },
  );

  app.post(
    '/api/v1/applications/:id/withdraw',
    {
      schema: {
        tags: ['applications'],
        summary: 'Withdraw my application before a decision',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })),
        response: { 200: Summary, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const key = idempotencyKey(request);
      const body = (request.body ?? {}) as { reason?: string };
      const answer = await withdrawApplication(deps, actor, (request.params as { id: string }).id, body.reason, key);
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(answer.status as 200).send(answer.body);
    },
  );
}
