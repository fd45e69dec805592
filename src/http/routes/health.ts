import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ping } from '../../platform/db/index.js';
import type { FederationView } from '../../exchange/index.js';
import type { Node } from '../../node.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  database: Type.Object({
    kind: Type.String(),
    status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
    latencyMs: Type.Optional(Type.Number()),
    error: Type.Optional(Type.String()),
  }),
  catalog: Type.Object({ services: Type.Integer(), agencies: Type.Integer() }),
  federation: Type.Optional(
    Type.Object({
      node: Type.String(),
      valid: Type.Boolean(),
      nodes: Type.Integer(),
      expiresAt: Type.Union([Type.String(), Type.Null()]),
      problem: Type.Union([Type.String(), Type.Null()], { description: 'what was wrong with the last configuration fetched, if anything (the one in force stays)' }),
    }),
  ),
});

export function federationStatus(view: FederationView) {
  const config = view.current();
  return { node: view.selfId, valid: !!config, nodes: config?.nodes.length ?? 0, expiresAt: config?.expiresAt ?? null, problem: view.lastProblem ?? null };
}

export function healthRoutes(app: FastifyInstance, node: Node, version: string): void {
  const started = Date.now();
  app.get(
    '/health',
    { schema: { tags: ['node'], summary: "The node's health and its database's state", security: [], response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const base = {
        version,
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        catalog: { services: node.catalog.services.length, agencies: node.catalog.agencies.length },
        ...(node.federation ? { federation: federationStatus(node.federation.view) } : {}),
      };
      try {
        const latencyMs = await Promise.race([
          ping(node.database.db),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref()),
        ]);
        return { status: 'ok' as const, ...base, database: { kind: node.database.kind, status: 'up' as const, latencyMs } };
      } catch (error) {
        return reply.code(503).send({
          status: 'degraded' as const,
          ...base,
          database: { kind: node.database.kind, status: 'down' as const, error: (error as Error).message },
        });
      }
    },
  );
}
