import { timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { acceptBySms, acceptOfferOnce, listOffers } from '../../proactive/index.js';
import { unauthenticated } from '../../platform/errors.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { IdParams, idempotencyKey, IdempotencyHeaders, problems } from '../schemas.js';

const Made = Type.Object({
  offerId: Type.String(),
  applications: Type.Array(Type.Object({ id: Type.String(), number: Type.String(), service: Type.String(), status: Type.String() })),
});

export function proactiveRoutes(app: FastifyInstance, node: Node): void {
  const deps = { db: node.database.db, catalog: node.catalog, calendars: node.calendars, clock: node.clock };

  app.get(
    '/api/v1/me/offers',
    {
      schema: {
        tags: ['proactive'],
        summary: 'Offers the state makes me after a registry event (a birth), to accept without forms',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                kind: Type.String(),
                status: Type.String(),
                createdAt: Type.String({ format: 'date-time' }),
                event: Type.Object({ childBirthDate: Type.String(), childSex: Type.String(), hospital: Type.String() }),
                applications: Type.Array(Type.String()),
              }),
            ),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => ({ items: await listOffers(deps.db, requireActor(request, 'citizen').personId) }),
  );

  app.post(
    '/api/v1/me/offers/:id/accept',
    {
      schema: {
        tags: ['proactive'],
        summary: 'Consent to an offer: the applications are made for me',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: Type.Object({ childGivenName: Type.String({ minLength: 1, maxLength: 100 }), iban: Type.String({ minLength: 15, maxLength: 40 }) }, { additionalProperties: false }),
        response: { 201: Made, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'citizen');
      const body = request.body as { childGivenName: string; iban: string };
      const answer = await acceptOfferOnce(deps, actor, (request.params as { id: string }).id, body, idempotencyKey(request));
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(answer.status as 201).send(answer.body);
    },
  );

  const token = node.config.smsInboundToken;
  if (!token) return;
  app.post(
    '/api/v1/sms/inbound',
    {
      schema: {
        tags: ['proactive'],
        security: [{ smsProvider: [] }],
        summary: "The SMS provider's inbound webhook: a citizen's reply (e.g. «ИӘ Әлихан KZ86125KZT5004100100») accepts their open offer",
        body: Type.Object({ from: Type.String({ minLength: 5, maxLength: 20 }), text: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: true }),
        response: { 201: Made, ...problems(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const presented = Buffer.from(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
      const expected = Buffer.from(token);
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw unauthenticated();
      const body = request.body as { from: string; text: string };
      return reply.code(201).send(await acceptBySms(deps, body.from, body.text));
    },
  );
}
