import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import {
  addClientCertificate, dataAccessOf, listExternalServices, registerExternalService, removeExternalService, deleteLocalGroup, formatClientId, formatServiceId, grantAccess, listAccessRights, listClients, listLocalGroups,
  listMessageLog, registerClient, removeClient, removeClientCertificate, revokeAccess, saveLocalGroup, type Grant, type MessageLogFilter,
} from '../../exchange/index.js';
import type { Node } from '../../node.js';
import { badRequest } from '../../platform/errors.js';
import { requireActor } from '../auth.js';
import { problems } from '../schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 500 });
const AccessRight = Type.Object({
  serviceId: Type.String(),
  subjectType: Type.Union([Type.Literal('SUBSYSTEM'), Type.Literal('LOCALGROUP'), Type.Literal('GLOBALGROUP')]),
  subject: Type.String({ description: 'a client subsystem, a local group code of the provider subsystem, or a global group INSTANCE/CODE' }),
  method: Type.String({ description: "'*' for any method" }),
  path: Type.String({ description: "a path pattern: '**' for any path, '*' within one segment" }),
  grantedAt: Type.String({ format: 'date-time' }),
});
const GrantBody = Type.Object(
  {
    service: Id,
    client: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'a client subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM' })),
    localGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "a local group of the service's provider subsystem" })),
    globalGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: "a global group of the federation's configuration, INSTANCE/CODE" })),
    method: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: "the endpoint's method ('*', the default, for any)" })),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: "the endpoint's path pattern ('**', the default, for any)" })),
  },
  { additionalProperties: false },
);
type GrantInput = { service: string; client?: string; localGroup?: string; globalGroup?: string; method?: string; path?: string };

/** One subject of the three, or a 400 naming the field. */
function grantOf(body: GrantInput): Grant {
  const subjects = [body.client, body.localGroup, body.globalGroup].filter((s) => s !== undefined);
  if (subjects.length !== 1) throw badRequest('errors.access_subject_required');
  const subjectType = body.client !== undefined ? 'SUBSYSTEM' : body.localGroup !== undefined ? 'LOCALGROUP' : 'GLOBALGROUP';
  return { service: body.service, subjectType, subject: subjects[0]!, method: body.method, path: body.path };
}

const Client = Type.Object({
  clientId: Type.String(),
  connectionType: Type.Union([Type.Literal('HTTP'), Type.Literal('HTTPS_NO_AUTH'), Type.Literal('HTTPS')]),
  allowedAddresses: Type.Array(Type.String()),
  ratePerMinute: Type.Union([Type.Integer(), Type.Null()]),
  certificates: Type.Array(Type.Object({ fingerprint: Type.String(), subject: Type.String(), notAfter: Type.String({ format: 'date-time' }) })),
  registeredAt: Type.String({ format: 'date-time' }),
});
const LocalGroup = Type.Object({ owner: Type.String(), code: Type.String(), description: Type.String(), members: Type.Array(Type.String()) });

export async function exchangeRoutes(app: FastifyInstance, node: Node): Promise<void> {
  const db = node.database.db;
  const { gateway } = node;
  const { services } = gateway;
  const serviceIds = services.map((s) => formatServiceId(s.id));
  const now = () => node.clock.now();
  // the services this node provides, and their subsystems: the registers, and agencies' own systems as registered now
  const knownServices = async () => [...serviceIds, ...(await listExternalServices(db)).map((s) => s.serviceId)];
  const knownProviders = async () => [...new Set([...services.map((s) => formatClientId({ ...s.id })), ...(await listExternalServices(db)).map((s) => s.serviceId.split('/').slice(0, 4).join('/'))])];

  // The gateway itself (/r1) is not served here: information systems call it on the client interface, its own port
  // (src/exchange/client-interface.ts), where only registered subsystems are served.

  app.get(
    '/api/v1/exchange/services',
    {
      schema: {
        tags: ['exchange'],
        security: [],
        summary: 'The exchange services (registers) this node provides, with their X-Road ids and OpenAPI descriptions',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), registry: Type.String(), state: Type.String(), openapi: Type.Record(Type.String(), Type.Unknown()) })) }) },
      },
    },
    async () => ({
      items: [
        ...services.map((s) => ({ id: formatServiceId(s.id), registry: s.registry, state: s.state, openapi: s.openapi })),
        // (an agency's own system: its id and description, never its address)
        ...(await listExternalServices(db)).map((s) => ({ id: s.serviceId, registry: 'external', state: s.serviceId.split('/')[0], openapi: s.openapi ?? {} })),
      ],
    }),
  );

  const External = Type.Object({
    serviceId: Type.String(),
    url: Type.String(),
    timeoutMs: Type.Integer(),
    tlsVerify: Type.Boolean(),
    tlsCa: Type.Union([Type.String(), Type.Null()]),
    openapi: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    registeredAt: Type.String({ format: 'date-time' }),
  });
  app.get(
    '/api/v1/exchange/external-services',
    { schema: { tags: ['exchange'], summary: "Operator: services provided from agencies' own REST systems, with their addresses", response: { 200: Type.Object({ items: Type.Array(External) }), ...problems(401, 403) } } },
    async (request) => {
      requireActor(request, 'operator');
      return { items: await listExternalServices(db) };
    },
  );
  app.post(
    '/api/v1/exchange/external-services',
    {
      schema: {
        tags: ['exchange'],
        summary: "Operator: register (or change) a service provided from an agency's own REST system",
        body: Type.Object(
          {
            service: Id,
            url: Type.String({ minLength: 1, maxLength: 2000, description: "the system's base address, http or https" }),
            timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, description: 'time limit for an answer (30,000 by default)' })),
            tlsVerify: Type.Optional(Type.Boolean({ description: "https: check the system's certificate (default true)" })),
            tlsCa: Type.Optional(Type.Union([Type.String({ maxLength: 20_000 }), Type.Null()], { description: "PEM: the CA or certificate the system's must chain to" })),
            openapi: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: "the service's OpenAPI 3 description" })),
          },
          { additionalProperties: false },
        ),
        response: { 201: External, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'operator');
      return reply.code(201).send(await registerExternalService(db, request.body as never, serviceIds, now(), actor.accountId));
    },
  );
  app.delete(
    '/api/v1/exchange/external-services',
    { schema: { tags: ['exchange'], summary: 'Operator: stop providing an external service', body: Type.Object({ service: Id }, { additionalProperties: false }), response: { 200: Type.Object({ removed: Type.Boolean() }), ...problems(400, 401, 403) } } },
    async (request) => {
      const actor = requireActor(request, 'operator');
      return { removed: await removeExternalService(db, (request.body as { service: string }).service, now(), actor.accountId) };
    },
  );

  app.get(
    '/api/v1/exchange/access-rights',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Operator: which subsystems and groups may call which endpoints of which service',
        querystring: Type.Object({ service: Type.Optional(Type.String({ maxLength: 500 })), subject: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 200: Type.Object({ items: Type.Array(AccessRight) }), ...problems(401, 403) },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      return { items: await listAccessRights(db, request.query as { service?: string; subject?: string }) };
    },
  );

  app.post(
    '/api/v1/exchange/access-rights',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Operator: grant a subsystem, a local group or a global group a service this node provides (all of it, or one endpoint)',
        body: GrantBody,
        response: { 201: AccessRight, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'operator');
      return reply.code(201).send(await grantAccess(db, await knownServices(), grantOf(request.body as GrantInput), now(), actor.accountId));
    },
  );
  app.delete(
    '/api/v1/exchange/access-rights',
    { schema: { tags: ['exchange'], summary: 'Operator: revoke a grant (the same subject and endpoint)', body: GrantBody, response: { 200: Type.Object({ revoked: Type.Boolean() }), ...problems(400, 401, 403) } } },
    async (request) => {
      const actor = requireActor(request, 'operator');
      return { revoked: await revokeAccess(db, grantOf(request.body as GrantInput), now(), actor.accountId) };
    },
  );

  app.get(
    '/api/v1/exchange/clients',
    { schema: { tags: ['exchange'], summary: 'Operator: the information systems registered on the client interface', response: { 200: Type.Object({ items: Type.Array(Client) }), ...problems(401, 403) } } },
    async (request) => {
      requireActor(request, 'operator');
      return { items: await listClients(db) };
    },
  );
  app.post(
    '/api/v1/exchange/clients',
    {
      schema: {
        tags: ['exchange'],
        summary: "Operator: register an information system's subsystem (or change its registration)",
        body: Type.Object(
          {
            client: Id,
            connectionType: Type.Optional(Type.Union([Type.Literal('HTTP'), Type.Literal('HTTPS_NO_AUTH'), Type.Literal('HTTPS')], { description: 'HTTPS (mutual TLS, the default), HTTPS_NO_AUTH or HTTP (loopback or allowed addresses only)' })),
            allowedAddresses: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100, description: 'addresses or CIDR ranges it may connect from' })),
            ratePerMinute: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Client, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'operator');
      return reply.code(201).send(await registerClient(db, request.body as never, now(), actor.accountId));
    },
  );
  app.delete(
    '/api/v1/exchange/clients',
    { schema: { tags: ['exchange'], summary: 'Operator: remove a registered subsystem', body: Type.Object({ client: Id }, { additionalProperties: false }), response: { 200: Type.Object({ removed: Type.Boolean() }), ...problems(400, 401, 403) } } },
    async (request) => {
      const actor = requireActor(request, 'operator');
      return { removed: await removeClient(db, (request.body as { client: string }).client, now(), actor.accountId) };
    },
  );
  app.post(
    '/api/v1/exchange/clients/certificates',
    {
      schema: {
        tags: ['exchange'],
        summary: "Operator: pin an information system's TLS certificate (PEM) to its subsystem",
        body: Type.Object({ client: Id, certificate: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ fingerprint: Type.String(), subject: Type.String(), notAfter: Type.String({ format: 'date-time' }) }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'operator');
      const body = request.body as { client: string; certificate: string };
      return reply.code(201).send(await addClientCertificate(db, body.client, body.certificate, now(), actor.accountId));
    },
  );
  app.delete(
    '/api/v1/exchange/clients/certificates',
    {
      schema: {
        tags: ['exchange'],
        summary: "Operator: unpin an information system's certificate",
        body: Type.Object({ client: Id, fingerprint: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ removed: Type.Boolean() }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'operator');
      const body = request.body as { client: string; fingerprint: string };
      return { removed: await removeClientCertificate(db, body.client, body.fingerprint, now(), actor.accountId) };
    },
  );
  app.get(
    '/api/v1/exchange/client-interface',
    {
      schema: {
        tags: ['exchange'],
        summary: "Operator: where information systems connect, and the client interface's TLS certificate to pin",
        response: { 200: Type.Object({ host: Type.String(), port: Type.Integer(), certificate: Type.String() }), ...problems(401, 403) },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      return { host: node.config.clientInterface.host, port: node.config.clientInterface.port, certificate: node.clientInterfaceTls.certPem };
    },
  );

  app.get(
    '/api/v1/exchange/local-groups',
    { schema: { tags: ['exchange'], summary: 'Operator: the local groups of the provider subsystems this node hosts', response: { 200: Type.Object({ items: Type.Array(LocalGroup) }), ...problems(401, 403) } } },
    async (request) => {
      requireActor(request, 'operator');
      return { items: await listLocalGroups(db) };
    },
  );
  app.put(
    '/api/v1/exchange/local-groups',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Operator: create or change a local group of a provider subsystem, with its members',
        body: Type.Object(
          { owner: Id, code: Type.String({ minLength: 1, maxLength: 64 }), description: Type.Optional(Type.String({ maxLength: 500 })), members: Type.Array(Id, { maxItems: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: LocalGroup, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'operator');
      return saveLocalGroup(db, await knownProviders(), request.body as never, now(), actor.accountId);
    },
  );
  app.delete(
    '/api/v1/exchange/local-groups',
    {
      schema: {
        tags: ['exchange'],
        summary: 'Operator: delete a local group and the access rights that name it',
        body: Type.Object({ owner: Id, code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ removed: Type.Boolean() }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'operator');
      const body = request.body as { owner: string; code: string };
      return { removed: await deleteLocalGroup(db, body.owner, body.code, now(), actor.accountId) };
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
                assertedBy: Type.Union([Type.String(), Type.Null()], { description: 'user entries: the system that said I was its user (X-Road-UserId is its word)' }),
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
