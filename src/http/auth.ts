import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, resolveSession } from '../identity/index.js';
import type { Role } from '../identity/index.js';
import { forbidden, unauthenticated } from '../platform/errors.js';
import type { Node } from '../node.js';

export const SESSION_COOKIE = 'ortak_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionToken: string | null;
  }
}

/** The session token from `Authorization: Bearer …` (API clients) or the HttpOnly cookie (the portal). */
function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE] ?? null;
}

export function registerAuth(app: FastifyInstance, node: Node): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('preHandler', async (request) => {
    const token = tokenOf(request);
    if (!token) return;
    request.sessionToken = token;
    request.actor = (await resolveSession(node.database.db, token, node.clock.now())) ?? null;
  });
}

/** The signed-in actor, or a 401; with roles, a 403 for any other role. */
export function requireActor(request: FastifyRequest, ...roles: Role[]): Actor {
  if (!request.actor) throw unauthenticated();
  if (roles.length && !roles.includes(request.actor.role)) throw forbidden();
  return request.actor;
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    expires: expiresAt,
  });
}
