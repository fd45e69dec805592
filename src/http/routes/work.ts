import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { listNotifications, markNotificationsRead } from '../../notifications/index.js';
import { addDays, agencyQueue, calendarOf } from '../../workflow/index.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { problems } from '../schemas.js';

const QueueItem = Type.Object({
  id: Type.String(),
  number: Type.String(),
  service: Type.String(),
  status: Type.String(),
  currentStep: Type.Union([Type.String(), Type.Null()]),
  assignedTo: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.String({ format: 'date-time' }),
  deadline: Type.String({ format: 'date' }),
  overdue: Type.Boolean(),
  applicant: Type.Object({ name: Type.String(), identifier: Type.String({ description: 'country code + national identifier' }) }),
  urgency: Type.Union([Type.Literal('overdue'), Type.Literal('due_soon'), Type.Literal('on_time')]),
});

export function workRoutes(app: FastifyInstance, node: Node): void {
  const { db } = node.database;

  app.get(
    '/api/v1/officer/queue',
    {
      schema: {
        tags: ['officer'],
        summary: "The agency's open applications, nearest legal deadline first",
        querystring: Type.Object({
          status: Type.Optional(Type.String({ maxLength: 40 })),
          service: Type.Optional(Type.String({ maxLength: 80 })),
          overdue: Type.Optional(Type.Boolean()),
          mine: Type.Optional(Type.Boolean({ description: 'only applications assigned to me' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(QueueItem), nextCursor: Type.Optional(Type.String()) }), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'officer');
      const q = request.query as { status?: string; service?: string; overdue?: boolean; mine?: boolean; limit?: number; cursor?: string };
      const agency = node.catalog.agency(actor.agencyCode ?? '');
      const calendar = calendarOf(node, agency?.state ?? actor.state);
      const today = calendar.localDate(node.clock.now());
      let tomorrow = addDays(today, 1);
      while (!calendar.isWorkingDay(tomorrow)) tomorrow = addDays(tomorrow, 1);
      return agencyQueue(db, actor, { ...q, limit: q.limit ?? 50 }, today, tomorrow);
    },
  );

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My messages, newest first, in my language',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                template: Type.String(),
                subject: Type.String(),
                body: Type.String(),
                applicationId: Type.Union([Type.String(), Type.Null()]),
                createdAt: Type.String({ format: 'date-time' }),
                deliveredAt: Type.Union([Type.String(), Type.Null()]),
                channel: Type.Union([Type.String(), Type.Null()]),
                read: Type.Boolean(),
              }),
            ),
          }),
          ...problems(401),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const q = request.query as { limit?: number };
      return { items: await listNotifications(db, actor.accountId, q.limit ?? 50) };
    },
  );

  app.post(
    '/api/v1/notifications/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark my messages read',
        description: 'Marking is idempotent: a message already read keeps the time it was first read. Ids of messages that are not mine change nothing.',
        body: Type.Object({ ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ marked: Type.Integer({ description: 'how many were unread until now' }) }), ...problems(400, 401, 415) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return { marked: await markNotificationsRead(db, actor.accountId, (request.body as { ids: string[] }).ids, node.clock.now()) };
    },
  );
}
