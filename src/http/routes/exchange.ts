import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { dataAccessOf, formatServiceId, grantAccess, handleGatewayRequest, listAccessRights, listMessageLog, revokeAccess, type MessageLogFilter } from '../../exchange/index.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { problems } from '../schemas.js';

const AccessRight = Type.Object({ serviceId: Type.String(), clientId: Type.String(), grantedAt: Type.String({ format: 'date-time' }) });

export async function exchangeRoutes(app: FastifyInstance, node: Node): Promise<void> {
  const db = node.database.db;
  const { gateway } = node;
  const { services } = gateway;
  const serviceIds = services.map((s) => formatServiceId(s.id));

  // The gateway speaks X-Road's Message Protocol for REST, not this API's conventions: any method, any body,
  // X-Road errors instead of problem+json.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
      url: '/r1/*',
      schema: { hide: true },
      handler: async (request, reply) => {
        const answer = await handleGatewayRequest(gateway, {
          method: request.method,
          url: request.raw.url ?? request.url,
          headers: request.headers,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        });
        return reply.code(answer.status).headers(answer.headers).send(Buffer.from(answer.body));
      },
    });
  });

  app.get(
    '/api/v1/exchange/services',
    {
      schema: {
        tags: ['exchange'],
        summary: 'The exchange services (registers) this node provides, with their X-Road ids and OpenAPI descriptions',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), registry: Type.String(), state: Type.String(), openapi: Type.Record(Type.String(), Type.Unknown()) })) }) },
      },
    },
    async () => ({ items: services.map((s) => ({ id: formatServiceId(s.id), registry: s.registry, state: s.state, openapi: s.openapi })) }),
  );

  app.get(
    '/api/v1/exchange/access-rights',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Operator: which clients may call which service',
        querystring: Type.Object({ service: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 200: Type.Object({ items: Type.Array(AccessRight) }), ...problems(401, 403) },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      return { items: await listAccessRights(db, (request.query as { service?: string }).service) };
    },
  );

  const Grant = Type.Object({ service: Type.String({ minLength: 1, maxLength: 500 }), client: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
  app.post(
    '/api/v1/exchange/access-rights',
    { schema: { tags: ['exchange'], summary: 'Operator: grant a client a service this node provides', body: Grant, response: { 201: AccessRight, ...problems(400, 401, 403, 404) } } },
    async (request, reply) => {
      const actor = requireActor(request, 'operator');
      const body = request.body as { service: string; client: string };
      return reply.code(201).send(await grantAccess(db, serviceIds, body.service, body.client, node.clock.now(), actor.accountId));
    },
  );
  app.delete(
    '/api/v1/exchange/access-rights',
    { schema: { tags: ['exchange'], summary: 'Operator: revoke a grant', body: Grant, response: { 200: Type.Object({ revoked: Type.Boolean() }), ...problems(400, 401, 403) } } },
    async (request) => {
      requireActor(request, 'operator');
      const body = request.body as { service: string; client: string };
      return { revoked: await revokeAccess(db, body.service, body.client) };
    },
  );

  app.get(
    '/api/v1/exchange/message-log',
    {
      schema: {
        tags: ['exchange'],
        summary: "Operator: the gateway's message log, newest first (both sides, requests and responses)",
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          requestId: Type.Optional(Type.String({ maxLength: 64 })),
          client: Type.Optional(Type.String({ maxLength: 500, description: 'a client subsystem, or a member for all its subsystems' })),
          service: Type.Optional(Type.String({ maxLength: 500, description: 'an exchange service id' })),
          errors: Type.Optional(Type.Boolean({ description: 'only messages that carried an exchange error' })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(), at: Type.String(), side: Type.String(), direction: Type.String(), xRoadId: Type.String(), requestId: Type.String(),
                client: Type.String(), service: Type.String(), userId: Type.Union([Type.String(), Type.Null()]), issue: Type.Union([Type.String(), Type.Null()]),
                method: Type.String(), path: Type.String(), status: Type.Union([Type.Integer(), Type.Null()]), errorType: Type.Union([Type.String(), Type.Null()]),
                requestHash: Type.Union([Type.String(), Type.Null()]), signature: Type.Union([Type.String(), Type.Null()]), hash: Type.String(),
              }),
            ),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      const q = request.query as { limit?: number } & MessageLogFilter;
      return { items: await listMessageLog(db, q.limit ?? 100, q) };
    },
  );

  app.get(
    '/api/v1/me/data-access',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Who looked at my data: every exchange query that named me as its user or its subject',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                at: Type.String({ format: 'date-time' }),
                role: Type.String({ description: 'user: I made the query; subject: the query was about me' }),
                client: Type.String({ description: 'the agency subsystem that asked' }),
                service: Type.String({ description: 'the register asked' }),
                user: Type.Union([Type.String(), Type.Null()]),
                issue: Type.Union([Type.String(), Type.Null()], { description: 'the application or purpose it was for' }),
                requestId: Type.String(),
              }),
            ),
          }),
          ...problems(401),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return { items: await dataAccessOf(db, actor.state, actor.nationalId, (request.query as { limit?: number }).limit ?? 100) };
    },
  );
}
