import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { openWorkload } from '../../applications/index.js';
import { LANGUAGE_OF_STATE } from '../../catalog/index.js';
import { pickText } from '../../i18n/index.js';
import { listOfficers } from '../../identity/index.js';
import type { Node } from '../../node.js';
import { unobtainableEvidence } from '../../workflow/index.js';
import { ping } from '../../platform/db/index.js';
import { queueHealth } from '../../platform/jobs.js';
import { requireActor } from '../auth.js';
import { LangQuery, problems } from '../schemas.js';
import { federationStatus } from './health.js';

const Lang = Type.Object({ lang: LangQuery });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** What the node's operator watches: the catalog as loaded, agencies and officers, queues and timers. */
export function operatorRoutes(app: FastifyInstance, node: Node): void {
  const { db } = node.database;
  const { catalog } = node;
  const text = (texts: Record<string, string> | undefined, language: string, state: string) => pickText(texts ?? {}, language, LANGUAGE_OF_STATE[state]);

  app.get(
    '/api/v1/operator/catalog',
    {
      schema: {
        tags: ['operator'],
        summary: 'Operator: the service catalog as loaded, with the problems of any service file left out',
        querystring: Lang,
        response: {
          200: Type.Object({
            loadedAt: Type.String({ format: 'date-time' }),
            errors: Type.Array(Type.String(), { description: 'one line per problem: file: JSON pointer and message' }),
            services: Type.Array(
              Type.Object({
                code: Type.String(),
                version: Type.Integer(),
                state: Type.String(),
                agency: Type.String(),
                title: Type.String(),
                category: Type.String(),
                file: Type.String(),
                fee: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
                deadline: Type.Object({ days: Type.Integer(), type: Type.String() }),
                steps: Type.Integer(),
                evidenceUnavailable: Type.Array(Type.Object({ key: Type.String(), registry: Type.String() }), {
                  description: "evidence the definition asks for from a register this node has no exchange service for: its rules send every application to an officer",
                }),
              }),
            ),
            agencies: Type.Array(Type.Object({ code: Type.String(), state: Type.String(), member: Type.String(), name: Type.String() })),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      const language = request.language;
      return {
        loadedAt: catalog.loadedAt.toISOString(),
        errors: [...catalog.loadErrors],
        services: catalog.services.map(({ definition: d, file }) => ({
          code: d.code,
          version: d.version,
          state: d.state,
          agency: d.agency,
          title: text(d.title, language, d.state),
          category: d.category,
          file,
          fee: { amount: d.fee.amount, currency: d.fee.currency },
          deadline: { days: d.deadline.days, type: d.deadline.type },
          steps: d.workflow.steps.length,
          evidenceUnavailable: unobtainableEvidence(d, node.gateway.services),
        })),
        agencies: catalog.agencies.map((a) => ({ code: a.code, state: a.state, member: a.member, name: text(a.name, language, a.state) })),
      };
    },
  );

  app.get(
    '/api/v1/operator/agencies',
    {
      schema: {
        tags: ['operator'],
        summary: 'Operator: the agencies, their officers and their open applications',
        querystring: Lang,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                state: Type.String(),
                member: Type.String({ description: 'the X-Road member the agency is' }),
                name: Type.String(),
                openApplications: Type.Integer(),
                overdueApplications: Type.Integer(),
                officers: Type.Array(
                  Type.Object({
                    accountId: Type.String(),
                    name: Type.String(),
                    identifier: Type.String(),
                    permissions: Type.Array(Type.String()),
                    active: Type.Boolean(),
                    assignedOpen: Type.Integer({ description: 'open applications assigned to this officer' }),
                  }),
                ),
              }),
            ),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      const [officers, workload] = await Promise.all([listOfficers(db), openWorkload(db)]);
      const language = request.language;
      return {
        items: catalog.agencies.map((a) => {
          const load = workload.filter((w) => w.agencyCode === a.code);
          return {
            code: a.code,
            state: a.state,
            member: a.member,
            name: text(a.name, language, a.state),
            openApplications: load.reduce((n, w) => n + w.open, 0),
            overdueApplications: load.reduce((n, w) => n + w.overdue, 0),
            officers: officers
              .filter((o) => o.agencyCode === a.code)
              .map((o) => ({ ...o, agencyCode: undefined, assignedOpen: load.find((w) => w.assignedTo === o.accountId)?.open ?? 0 })),
          };
        }),
      };
    },
  );

  app.get(
    '/api/v1/operator/health',
    {
      schema: {
        tags: ['operator'],
        summary: "Operator: the node's database, job queues and timers, open applications and federation",
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
            database: Type.Object({ kind: Type.String(), status: Type.Union([Type.Literal('up'), Type.Literal('down')]), latencyMs: Type.Optional(Type.Number()) }),
            queues: Type.Array(
              Type.Object({
                queue: Type.String(),
                scheduled: Type.Integer({ description: 'timers and retries waiting for their time' }),
                due: Type.Integer({ description: 'waiting to run now' }),
                running: Type.Integer(),
                failed: Type.Integer(),
                doneLastHour: Type.Integer(),
                oldestDueSeconds: Nullable(Type.Integer()),
              }),
            ),
            applications: Type.Object({ open: Type.Integer(), overdue: Type.Integer() }),
            federation: Nullable(
              Type.Object({ node: Type.String(), valid: Type.Boolean(), nodes: Type.Integer(), expiresAt: Nullable(Type.String()), problem: Nullable(Type.String()) }),
            ),
          }),
          ...problems(401, 403, 503),
        },
      },
    },
    async (request) => {
      requireActor(request, 'operator');
      const now = node.clock.now();
      // a database that does not answer makes this a 503 problem (the node's /health says degraded)
      const latencyMs = await ping(db);
      const [queues, workload] = await Promise.all([queueHealth(db, now), openWorkload(db)]);
      return {
        status: 'ok' as const,
        database: { kind: node.database.kind, status: 'up' as const, latencyMs },
        queues,
        applications: { open: workload.reduce((n, w) => n + w.open, 0), overdue: workload.reduce((n, w) => n + w.overdue, 0) },
        federation: node.federation ? federationStatus(node.federation.view) : null,
      };
    },
  );
}
