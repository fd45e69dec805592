import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { answerConsent, myConsentRequests } from '../../applications/index.js';
import { LANGUAGE_OF_STATE } from '../../catalog/index.js';
import { pickText } from '../../i18n/index.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { IdParams, idempotencyKey, IdempotencyHeaders, problems } from '../schemas.js';

const Answered = Type.Object({ id: Type.String(), number: Type.String(), status: Type.String() });

/** A person another's application names: what they are asked to sign, and their answer. */
export function consentRoutes(app: FastifyInstance, node: Node): void {
  const deps = { db: node.database.db, catalog: node.catalog, calendars: node.calendars, ca: node.ca, trust: node.trust, revocation: node.revocation, clock: node.clock };

  app.get(
    '/api/v1/me/consents',
    {
      schema: {
        tags: ['applications'],
        summary: "Applications of others that name me and need my signature (a spouse's, the other parent's, a company's…)",
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                applicationId: Type.String(),
                number: Type.String(),
                service: Type.String(),
                serviceTitle: Type.String(),
                serviceVersion: Type.Integer(),
                applicant: Type.String({ description: "the applicant's name" }),
                field: Type.String({ description: 'the form field that names me' }),
                status: Type.Union(['pending', 'given', 'declined', 'lapsed', 'cancelled'].map((s) => Type.Literal(s))),
                requestedAt: Type.String({ format: 'date-time' }),
                dueAt: Type.String({ format: 'date-time' }),
                data: Type.Record(Type.String(), Type.Unknown(), { description: 'what the applicant signed, which I sign too' }),
              }),
            ),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'citizen');
      const items = await myConsentRequests(deps.db, actor);
      return { items: items.map((c) => ({ ...c, serviceTitle: pickText(node.catalog.get(c.service)?.title, request.language, LANGUAGE_OF_STATE[actor.state]) || c.service })) };
    },
  );

  app.post(
    '/api/v1/applications/:id/consent',
    {
      schema: {
        tags: ['applications'],
        summary: 'Named in the application: consent by signing it (the same payload the applicant signed)',
        description: '`signature` is a compact JWS (ES256) by my key over the RFC 8785 canonical JSON of `{service, data}` of the application, as its applicant signed it.',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: Type.Object({ signature: Type.String({ minLength: 1, maxLength: 65536 }) }, { additionalProperties: false }),
        response: { 200: Answered, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'citizen');
      const answer = await answerConsent(deps, actor, (request.params as { id: string }).id, { decision: 'give', signature: (request.body as { signature: string }).signature }, idempotencyKey(request));
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(200).send(answer.body);
    },
  );

  app.post(
    '/api/v1/applications/:id/decline-consent',
    {
      schema: {
        tags: ['applications'],
        summary: 'Named in the application: refuse to sign it (the application is closed as declined)',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }),
        response: { 200: Answered, ...problems(400, 401, 403, 404, 409) },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'citizen');
      const answer = await answerConsent(deps, actor, (request.params as { id: string }).id, { decision: 'decline', reason: (request.body as { reason?: string }).reason }, idempotencyKey(request));
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(200).send(answer.body);
    },
  );
}
