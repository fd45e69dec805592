import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { LANGUAGE_OF_STATE, type ServiceDefinition } from '../../catalog/index.js';
import { pickText } from '../../i18n/index.js';
import { notFound } from '../../platform/errors.js';
import type { Node } from '../../node.js';
import { prefillForm } from '../../workflow/index.js';
import { requireActor } from '../auth.js';
import { LangQuery, problems } from '../schemas.js';

const Fee = Type.Object({
  amount: Type.Integer({ description: 'minor units of the currency (tiyn, qəpik, kuruş, tyiyn, tiyin)' }),
  currency: Type.String(),
  basis: Type.Optional(Type.String()),
});
const Deadline = Type.Object({ days: Type.Integer(), type: Type.Union([Type.Literal('working'), Type.Literal('calendar')]) });

const ServiceSummary = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  state: Type.String(),
  agency: Type.Object({ code: Type.String(), name: Type.String() }),
  category: Type.String(),
  lifeEvents: Type.Array(Type.String()),
  title: Type.String(),
  description: Type.String(),
  applicants: Type.Array(Type.String()),
  fee: Fee,
  deadline: Deadline,
  language: Type.String({ description: 'the language the texts are in' }),
});

const ServiceDetail = Type.Object({
  ...ServiceSummary.properties,
  legalBasis: Type.Optional(Type.String()),
  sources: Type.Optional(Type.Array(Type.String())),
  form: Type.Object({
    schema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema (2020-12) of `data`; x-labels give each field\'s label per language' }),
    example: Type.Record(Type.String(), Type.Unknown(), { description: 'form data valid against the schema' }),
  }),
  evidence: Type.Array(Type.Object({ key: Type.String(), registry: Type.String(), subject: Type.String(), title: Type.String() })),
  workflow: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), title: Type.String() })),
  result: Type.Object({ document: Type.String(), title: Type.String(), validDays: Type.Optional(Type.Integer()) }),
});

export function serviceRoutes(app: FastifyInstance, node: Node): void {
  const { catalog } = node;
  const text = (texts: Record<string, string>, language: string, state: string) => pickText(texts, language, LANGUAGE_OF_STATE[state]);

  const summary = (d: ServiceDefinition, language: string) => ({
    code: d.code,
    version: d.version,
    state: d.state,
    agency: { code: d.agency, name: text(catalog.agency(d.agency)?.name ?? {}, language, d.state) },
    category: d.category,
    lifeEvents: d.lifeEvents,
    title: text(d.title, language, d.state),
    description: text(d.description, language, d.state),
    applicants: d.applicants,
    fee: d.fee,
    deadline: d.deadline,
    language: d.title[language] ? language : LANGUAGE_OF_STATE[d.state],
  });

  app.get(
    '/api/v1/services',
    {
      schema: {
        tags: ['catalog'],
        security: [],
        summary: 'The service catalog, filtered and searched',
        querystring: Type.Object({
          state: Type.Optional(Type.Union(['KZ', 'AZ', 'KG', 'TR', 'UZ'].map((s) => Type.Literal(s)))),
          agency: Type.Optional(Type.String({ maxLength: 80 })),
          category: Type.Optional(Type.String({ maxLength: 40 })),
          lifeEvent: Type.Optional(Type.String({ maxLength: 40 })),
          applicant: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('organization')])),
          q: Type.Optional(Type.String({ maxLength: 200, description: 'words to find in titles and descriptions, in any language' })),
          lang: LangQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(ServiceSummary), total: Type.Integer() }), ...problems(400) },
      },
    },
    async (request) => {
      const q = request.query as Record<string, string | undefined>;
      const items = catalog
        .search({ state: q.state, agency: q.agency, category: q.category, lifeEvent: q.lifeEvent, applicant: q.applicant as never, q: q.q })
        .map((d) => summary(d, request.language));
      return { items, total: items.length };
    },
  );

  app.get(
    '/api/v1/services/:code/prefill',
    {
      schema: {
        tags: ['catalog'],
        summary: "Citizen: the form's fields the registers can fill in for me, each with its source (once-only)",
        params: Type.Object({ code: Type.String({ maxLength: 80 }) }),
        response: {
          200: Type.Object({
            fields: Type.Record(Type.String(), Type.Object({ value: Type.Unknown(), source: Type.String(), registry: Type.String(), requestId: Type.Union([Type.String(), Type.Null()]) })),
            unavailable: Type.Array(Type.String(), { description: 'evidence the registers could not give; the form asks for it' }),
          }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'citizen');
      const { code } = request.params as { code: string };
      const d = catalog.get(code);
      if (!d) throw notFound('errors.service_not_found', { service: code });
      return prefillForm({ db: node.database.db, catalog, gateway: node.gateway }, d, { state: actor.state, nationalId: actor.nationalId });
    },
  );

  app.get(
    '/api/v1/services/:code',
    {
      schema: {
        tags: ['catalog'],
        security: [],
        summary: 'One service with its form schema, an example of valid data, evidence, workflow and result',
        params: Type.Object({ code: Type.String({ maxLength: 80 }) }),
        querystring: Type.Object({ lang: LangQuery }),
        response: { 200: ServiceDetail, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { code } = request.params as { code: string };
      const d = catalog.get(code);
      if (!d) throw notFound('errors.service_not_found', { service: code });
      const language = request.language;
      return {
        ...summary(d, language),
        legalBasis: d.legalBasis,
        sources: d.sources,
        form: { schema: d.form.schema, example: d.form.example },
        evidence: d.evidence.map((e) => ({ key: e.key, registry: e.registry, subject: e.subject, title: text(e.title, language, d.state) })),
        workflow: d.workflow.steps.map((s) => ({ id: s.id, kind: s.kind, title: text(s.title, language, d.state) })),
        result: { document: d.result.document, title: text(d.result.title, language, d.state), validDays: d.result.validDays },
      };
    },
  );
}
