import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { applyPaymentEvent, demoCheckout, ledger, listMyInvoices, type PaymentEvent, SIGNATURE_HEADER, startPayment, verifyWebhook, WEBHOOK_PATH } from '../../payments/index.js';
import { badRequest } from '../../platform/errors.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { IdParams, idempotencyKey, IdempotencyHeaders, problems } from '../schemas.js';

const Invoice = Type.Object({
  id: Type.String(),
  applicationId: Type.String(),
  amount: Type.Integer({ description: 'minor units of the currency' }),
  currency: Type.String(),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  paidAt: Type.Union([Type.String(), Type.Null()]),
});

export async function paymentRoutes(app: FastifyInstance, node: Node): Promise<void> {
  const deps = { db: node.database.db, catalog: node.catalog, calendars: node.calendars, clock: node.clock, publicUrl: node.config.publicUrl, webhookSecret: node.config.paymentWebhookSecret };

  app.get(
    '/api/v1/invoices',
    { schema: { tags: ['payments'], summary: 'My invoices for state fees', response: { 200: Type.Object({ items: Type.Array(Invoice) }), ...problems(401, 403) } } },
    async (request) => ({ items: await listMyInvoices(deps.db, requireActor(request, 'citizen')) }),
  );

  app.post(
    '/api/v1/invoices/:id/pay',
    {
      schema: {
        tags: ['payments'],
        summary: 'Start paying an invoice with a payment provider; answers where to enter the card',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: Type.Object({ provider: Type.Optional(Type.String({ maxLength: 40, default: 'demo' })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ attemptId: Type.String(), provider: Type.String(), checkoutUrl: Type.String() }), ...problems(400, 401, 403, 404, 409) },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'citizen');
      const answer = await startPayment(deps, actor, (request.params as { id: string }).id, (request.body as { provider?: string }).provider ?? 'demo', idempotencyKey(request));
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(answer.body);
    },
  );

  if (deps.webhookSecret) {
    // The demo provider's hosted card page, as an API: a real provider's page lives on the provider's site.
    app.post(
      '/api/v1/payments/demo/checkout/:attemptId',
      {
        schema: {
          tags: ['payments'],
          security: [],
          summary: 'Demo provider: pay by card (4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined)',
          params: Type.Object({ attemptId: Type.String({ format: 'uuid' }) }),
          body: Type.Object({ cardNumber: Type.String({ minLength: 1, maxLength: 30 }) }, { additionalProperties: false }),
          response: { 202: Type.Object({ status: Type.Literal('processing') }), ...problems(400, 404) },
        },
      },
      async (request, reply) => reply.code(202).send(await demoCheckout(deps, (request.params as { attemptId: string }).attemptId, (request.body as { cardNumber: string }).cardNumber)),
    );

    // The webhook needs the exact bytes the provider signed, so it parses its own body.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      scope.post(
        WEBHOOK_PATH,
        {
          schema: {
            tags: ['payments'],
            security: [],
            summary: "The demo provider's signed webhook (Ortak-Signature: t=…,v1=HMAC-SHA256 of \"t.body\")",
            response: { 200: Type.Object({ received: Type.Boolean() }), ...problems(400, 404, 422) },
          },
        },
        async (request) => {
          const raw = String(request.body ?? '');
          const header = request.headers[SIGNATURE_HEADER];
          if (!verifyWebhook(raw, typeof header === 'string' ? header : undefined, deps.webhookSecret!, node.clock.now())) throw badRequest('errors.webhook_signature');
          let event: PaymentEvent;
          try {
            event = JSON.parse(raw) as PaymentEvent;
          } catch {
            throw badRequest('errors.malformed_json');
          }
          if (!wellFormed(event)) throw badRequest('errors.request_invalid');
          await applyPaymentEvent(deps, event);
          return { received: true };
        },
      );
    });
  }

  app.get(
    '/api/v1/payments/ledger',
    {
      schema: {
        tags: ['payments'],
        summary: 'Operator: the ledger of charges, payments and refunds',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), after: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.Integer(), invoiceId: Type.String(), kind: Type.String(), amount: Type.Integer(), currency: Type.String(), providerRef: Type.Union([Type.String(), Type.Null()]), at: Type.String() })),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      const q = request.query as { limit?: number; after?: number };
      return { items: await ledger(deps.db, q.limit ?? 100, q.after ?? 0) };
    },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A signed event still has to be one the node can apply: a malformed one is refused, not a 500 from the database. */
function wellFormed(event: PaymentEvent | null): boolean {
  return (
    typeof event === 'object' && event !== null &&
    ['payment.succeeded', 'payment.failed'].includes(event.type) &&
    typeof event.invoiceId === 'string' && UUID.test(event.invoiceId) &&
    typeof event.attemptId === 'string' && UUID.test(event.attemptId) &&
    Number.isSafeInteger(event.amount) && typeof event.currency === 'string' &&
    typeof event.providerRef === 'string' && event.providerRef.length > 0 && event.providerRef.length <= 200 &&
    (event.reason === undefined || typeof event.reason === 'string')
  );
}
