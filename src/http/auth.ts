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

/** The session token from `Authorization: Bearer …` (API clients) or the HttpOnly cookie (the portal), and which. */
function tokenOf(request: FastifyRequest): { token: string; fromCookie: boolean } | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), fromCookie: false };
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, fromCookie: true } : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for the cookie session, on top of its SameSite=Strict: a write that carries the cookie must come from
 * this node's own pages. Browsers say where a request comes from (Origin on every cross-origin write, Sec-Fetch-Site
 * on every request); a write from another site is refused. A client that is no browser sends neither, and is no
 * CSRF vector. Bearer tokens are never sent by a browser on its own, so they need no check.
 */
function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

export function registerAuth(app: FastifyInstance, node: Node): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('preHandler', async (request) => {
    const session = tokenOf(request);
    if (!session) return;
    // (whatever else the request carries: a cookie session is a browser's, and a cross-site write with it is refused)
    if (session.fromCookie && !SAFE_METHODS.has(request.method) && crossSite(request)) throw forbidden();
    request.sessionToken = session.token;
    request.actor = (await resolveSession(node.database.db, session.token, node.clock.now())) ?? null;
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
