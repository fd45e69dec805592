import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { LANGUAGE_OF_STATE } from '../../catalog/index.js';
import { pickText } from '../../i18n/index.js';
import type { Node } from '../../node.js';
import { figures, groupFigures, MONTH_PATTERN, openDataRecords, statsRows, toCsv, type StatsQuery } from '../../stats/index.js';
import { LangQuery, problems } from '../schemas.js';

const Figures = {
  provided: Type.Integer({ description: 'applications decided in the period (approved + rejected)' }),
  approved: Type.Integer(),
  rejected: Type.Integer(),
  onTime: Type.Integer({ description: 'decided by the last day of the legal term' }),
  onTimeShare: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
  averageDays: Type.Union([Type.Number(), Type.Null()], { description: 'mean calendar days from submission to decision' }),
};

const Query = Type.Object({
  state: Type.Optional(Type.Union(['KZ', 'AZ', 'KG', 'TR', 'UZ'].map((s) => Type.Literal(s)))),
  from: Type.Optional(Type.String({ pattern: MONTH_PATTERN, description: 'first month, YYYY-MM (default: eleven months before `to`)' })),
  to: Type.Optional(Type.String({ pattern: MONTH_PATTERN, description: 'last month, YYYY-MM (default: this month)' })),
});

const OpenDataRow = Type.Object({
  month: Type.String(),
  state: Type.String(),
  agency: Type.String(),
  service: Type.String(),
  provided: Type.Integer(),
  approved: Type.Integer(),
  rejected: Type.Integer(),
  decided_on_time: Type.Integer(),
  average_days_to_decision: Type.Union([Type.Number(), Type.Null()]),
});

const LICENCE = 'Open data: free to reuse, with attribution to the publishing node.';

/** Public statistics and their open data: no sign-in, cacheable for a minute. */
export function statsRoutes(app: FastifyInstance, node: Node): void {
  const { db } = node.database;
  const { catalog } = node;
  const text = (texts: Record<string, string> | undefined, language: string, state: string) => pickText(texts ?? {}, language, LANGUAGE_OF_STATE[state]);

  app.get(
    '/api/v1/stats',
    {
      schema: {
        tags: ['statistics'],
        security: [],
        summary: 'Public statistics: services provided per month, by state, agency and service; share decided on time; average days to a decision',
        querystring: Type.Object({ ...Query.properties, lang: LangQuery }),
        response: {
          200: Type.Object({
            generatedAt: Type.String({ format: 'date-time' }),
            from: Type.String(),
            to: Type.String(),
            state: Type.Union([Type.String(), Type.Null()]),
            totals: Type.Object(Figures),
            byMonth: Type.Array(Type.Object({ month: Type.String(), ...Figures })),
            byState: Type.Array(Type.Object({ state: Type.String(), ...Figures })),
            byAgency: Type.Array(Type.Object({ agency: Type.String(), state: Type.String(), name: Type.String(), ...Figures })),
            byService: Type.Array(Type.Object({ service: Type.String(), state: Type.String(), agency: Type.String(), title: Type.String(), ...Figures })),
          }),
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const query = request.query as StatsQuery;
      const now = node.clock.now();
      const { from, to, months, rows } = await statsRows(db, query, now);
      const language = request.language;
      reply.header('cache-control', 'public, max-age=60');
      return {
        generatedAt: now.toISOString(),
        from,
        to,
        state: query.state ?? null,
        totals: figures(rows),
        byMonth: groupFigures(rows, (r) => r.month, months).map((g) => ({ month: g.key, ...g.figures })),
        byState: groupFigures(rows, (r) => r.state).map((g) => ({ state: g.key, ...g.figures })),
        byAgency: groupFigures(rows, (r) => r.agency).map((g) => {
          const state = g.rows[0].state;
          return { agency: g.key, state, name: text(catalog.agency(g.key)?.name, language, state) || g.key, ...g.figures };
        }),
        byService: groupFigures(rows, (r) => r.service).map((g) => {
          const { state, agency } = g.rows[0];
          return { service: g.key, state, agency, title: text(catalog.get(g.key)?.title, language, state) || g.key, ...g.figures };
        }),
      };
    },
  );

  app.get(
    '/api/v1/stats/open-data.json',
    {
      schema: {
        tags: ['statistics'],
        security: [],
        summary: 'The statistics as open data (JSON): one row per month, state, agency and service',
        querystring: Query,
        response: { 200: Type.Object({ licence: Type.String(), from: Type.String(), to: Type.String(), state: Type.Union([Type.String(), Type.Null()]), rows: Type.Array(OpenDataRow) }), ...problems(400) },
      },
    },
    async (request, reply) => {
      const query = request.query as StatsQuery;
      const { from, to, rows } = await statsRows(db, query, node.clock.now());
      reply.header('cache-control', 'public, max-age=60');
      return { licence: LICENCE, from, to, state: query.state ?? null, rows: openDataRecords(rows) };
    },
  );

  app.get(
    '/api/v1/stats/open-data.csv',
    {
      schema: {
        tags: ['statistics'],
        security: [],
        summary: 'The statistics as open data (CSV, RFC 4180, UTF-8): one row per month, state, agency and service',
        querystring: Query,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...problems(400) },
      },
    },
    async (request, reply) => {
      const query = request.query as StatsQuery;
      const { from, to, rows } = await statsRows(db, query, node.clock.now());
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="ortak-statistics-${query.state ?? 'all'}-${from}-${to}.csv"`)
        .header('cache-control', 'public, max-age=60')
        .send(toCsv(openDataRecords(rows)));
    },
  );
}
