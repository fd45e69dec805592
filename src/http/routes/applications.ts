import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { getApplication, listMyApplications, submitApplication } from '../../applications/index.js';
import { act, evidenceForApplicant, evidenceForParty, evidenceOf, type ActionInput } from '../../workflow/index.js';
import { LANGUAGE_OF_STATE } from '../../catalog/index.js';
import { documentsOfApplication } from '../../documents/index.js';
import { paymentOfApplication } from '../../payments/index.js';
import { formatServiceId } from '../../exchange/index.js';
import { labelsOf } from '../../registries/index.js';
import { pickText, type Language } from '../../i18n/index.js';
import type { Node } from '../../node.js';
import { requireActor } from '../auth.js';
import { IdParams, idempotencyKey, IdempotencyHeaders, LangQuery, problems } from '../schemas.js';

const Summary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.String({ description: 'human-readable number, e.g. KZ-2026-00000042' }),
  service: Type.String(),
  serviceTitle: Type.String({ description: "the service's title in the caller's language" }),
  serviceVersion: Type.Integer(),
  state: Type.String(),
  agency: Type.String(),
  status: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  deadline: Type.String({ format: 'date', description: 'last day of the legal term, on the state\'s working-day calendar' }),
  currentStep: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  assignedTo: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  overdue: Type.Optional(Type.Boolean()),
  payment: Type.Optional(Type.Object({ invoiceId: Type.String(), amount: Type.Integer(), currency: Type.String(), status: Type.String() })),
  party: Type.Optional(Type.Boolean({ description: "in a citizen's own list: true where another person applied and named them (a spouse, who signs it too)" })),
});

const Detail = Type.Object({
  ...Summary.properties,
  viewer: Type.Union(
    [
      Type.Object({ role: Type.Literal('applicant') }),
      Type.Object({ role: Type.Literal('party'), field: Type.String({ description: 'the form field that names them' }) }),
      Type.Object({ role: Type.Literal('officer') }),
    ],
    { description: 'who reads it: its applicant, a party it names (who signed it too, may follow it but not act on it), or an officer of the agency' },
  ),
  applicant: Type.Object({ name: Type.String(), identifier: Type.String({ description: 'country code + national identifier' }) }),
  documents: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String({ description: 'the short number printed on it' }),
      kind: Type.String(),
      title: Type.Record(Type.String(), Type.String()),
      issuedAt: Type.String({ format: 'date-time' }),
      validUntil: Type.Union([Type.String(), Type.Null()]),
      revoked: Type.Boolean(),
      verifyUrl: Type.String(),
    }),
    { description: 'the result documents issued for it' },
  ),
  evidence: Type.Array(
    Type.Object({
      key: Type.String(),
      registry: Type.String(),
      service: Type.Union([Type.String(), Type.Null()], { description: 'the X-Road service it came from' }),
      status: Type.String({ description: 'received, not_found or unavailable' }),
      data: Type.Unknown(),
      labels: Type.Record(Type.String(), Type.String(), { description: "the answer's fields as the register labels them (its OpenAPI description's x-labels), in the caller's language" }),
      requestId: Type.Union([Type.String(), Type.Null()]),
      fetchedAt: Type.String({ format: 'date-time' }),
    }),
    { description: "what the registers answered, fetched by the node through the exchange (the applicant did not have to provide it)" },
  ),
  language: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  signature: Type.String(),
  history: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      type: Type.String(),
      status: Type.String(),
      at: Type.String({ format: 'date-time' }),
      actor: Type.Object({ role: Type.String(), accountId: Type.Union([Type.String(), Type.Null()]) }),
      idempotencyKey: Type.Union([Type.String(), Type.Null()]),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});


export function applicationRoutes(app: FastifyInstance, node: Node): void {
  const deps = { db: node.database.db, catalog: node.catalog, calendars: node.calendars, ca: node.ca, trust: node.trust, revocation: node.revocation, clock: node.clock };
  const workflowDeps = { db: node.database.db, catalog: node.catalog, calendars: node.calendars, clock: node.clock };
  const registers = new Map(node.gateway.services.map((s) => [formatServiceId(s.id), s.openapi]));
  const labelsOfService = (serviceId: string | null, language: Language) => (serviceId && registers.has(serviceId) ? labelsOf(registers.get(serviceId), language) : {});
  const titled = <T extends { service: string; state: string }>(a: T, language: string) => ({
    ...a,
    serviceTitle: pickText(node.catalog.get(a.service)?.title, language, LANGUAGE_OF_STATE[a.state]) || a.service,
  });

  app.post(
    '/api/v1/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Submit a signed application',
        description:
          "`signature` is a compact JWS (ES256) by the applicant's key (a key file of this node), its certificate in the x5c header, whose payload is the RFC 8785 canonical JSON of `{service, data}`; or `cms`, the base64 of a DER CMS SignedData over those same bytes (detached or carried) by the applicant's own certificate of a member state's trust list, with its signing usage. A repeat with the same Idempotency-Key returns the first answer and writes nothing.",
        headers: IdempotencyHeaders,
        querystring: Type.Object({ lang: LangQuery }),
        body: Type.Union([
          Type.Object(
            {
              service: Type.String({ minLength: 1, maxLength: 80 }),
              data: Type.Record(Type.String(), Type.Unknown(), { description: "form data, valid against the service's form schema" }),
              signature: Type.String({ minLength: 1, maxLength: 65536 }),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              service: Type.String({ minLength: 1, maxLength: 80 }),
              data: Type.Record(Type.String(), Type.Unknown(), { description: "form data, valid against the service's form schema" }),
              cms: Type.String({ minLength: 1, maxLength: 65536 }),
            },
            { additionalProperties: false },
          ),
        ]),
        response: { 201: Summary, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const key = idempotencyKey(request);
      const answer = await submitApplication(deps, actor, request.body as never, key, request.language);
      if (answer.replayed) reply.header('idempotent-replayed', 'true');
      const body = answer.status === 201 ? titled(answer.body, request.language) : answer.body;
      return reply.code(answer.status as 201).header('location', `/api/v1/applications/${answer.body.id}`).send(body);
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
      const page = await listMyApplications(deps.db, actor, { limit: q.limit ?? 20, cursor: q.cursor, status: q.status });
      return { ...page, items: page.items.map((a) => titled(a, request.language)) };
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
      const detail = await getApplication(deps.db, actor, (request.params as { id: string }).id, node.clock.now());
      const [evidence, documents, payment] = await Promise.all([
        evidenceOf(deps.db, detail.id),
        documentsOfApplication(deps.db, detail.id, node.config.publicUrl, actor.role === 'citizen' ? actor.personId : undefined),
        paymentOfApplication(deps.db, detail.id),
      ]);
      // (what registers said about other persons the form names is for the officers who decide)
      const def = node.catalog.get(detail.service);
      const viewer = detail.viewer;
      const shown = viewer.role === 'officer' ? evidence : viewer.role === 'party' ? evidenceForParty(evidence, def, viewer.field) : evidenceForApplicant(evidence, def);
      // each answer's fields as the register labels them, in the caller's language
      const labelled = shown.map((e) => ({ ...e, labels: labelsOfService(e.service, request.language) }));
      return { ...titled(detail, request.language), ...(payment ? { payment } : {}), evidence: labelled, documents };
    },
  );

  const ActionAnswer = Type.Object({
    id: Type.String(),
    number: Type.String(),
    status: Type.String(),
    currentStep: Type.Union([Type.String(), Type.Null()]),
    assignedTo: Type.Union([Type.String(), Type.Null()]),
    deadline: Type.String({ format: 'date' }),
    overdue: Type.Boolean(),
  });
  const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
  const actions: { path: string; action: ActionInput['action']; summary: string; body: ReturnType<typeof Type.Object> }[] = [
    { path: 'assign', action: 'assign', summary: 'Officer: take the application (or, as agency head, give it to an officer of the agency)', body: Type.Object({ officerAccountId: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }) },
    { path: 'unassign', action: 'unassign', summary: 'Officer: release the application (the assigned officer or the agency head)', body: Type.Object({}, { additionalProperties: false }) },
    { path: 'approve', action: 'approve', summary: 'Officer: complete the current step; on the last step, approve', body: Type.Object({ note: Type.Optional(Text(2000)) }, { additionalProperties: false }) },
    { path: 'reject', action: 'reject', summary: 'Officer: reject, with the reason and its legal basis', body: Type.Object({ reason: Text(2000), legalBasis: Text(500) }, { additionalProperties: false }) },
    { path: 'request-info', action: 'request_info', summary: 'Officer: ask the applicant for more information (the deadline pauses)', body: Type.Object({ message: Text(2000) }, { additionalProperties: false }) },
    { path: 'answer-info', action: 'answer_info', summary: "Applicant: answer the agency's request (the deadline resumes)", body: Type.Object({ message: Text(4000) }, { additionalProperties: false }) },
    { path: 'withdraw', action: 'withdraw', summary: 'Applicant: withdraw before a decision', body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false }) },
  ];
  for (const a of actions) {
    app.post(
      `/api/v1/applications/:id/${a.path}`,
      {
        schema: {
          tags: ['applications'],
          summary: a.summary,
          headers: IdempotencyHeaders,
          params: IdParams,
          body: a.body,
          response: { 200: ActionAnswer, ...problems(400, 401, 403, 404, 409, 422) },
        },
        // An action without parameters may be posted without a body.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const key = idempotencyKey(request);
        const input = { action: a.action, ...((request.body ?? {}) as object) } as ActionInput;
        const answer = await act(workflowDeps, actor, (request.params as { id: string }).id, input, key);
        if (answer.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(answer.status as 200).send(answer.body);
      },
    );
  }
}
