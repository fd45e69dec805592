import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { repoRoot } from '../../platform/paths.js';

/** Where `vite build` puts the portal (web/ → dist/web). */
export const webRoot = join(repoRoot, 'dist', 'web');

/** Paths that belong to the API, the exchange, the docs and the server-rendered pages: never the portal. */
const NOT_PORTAL = /^\/(?:api|r1|docs|verify)(?:\/|$)|^\/(?:openapi\.json|health)(?:\/|$)/;

// The portal talks to its own node only, and to NCALayer (the National Certification Authority of Kazakhstan's
// signer, on the citizen's own computer, at its published address) when the citizen asks to sign with it; the page
// may not be framed. Vite's build has no inline script.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' wss://127.0.0.1:13579",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(res: { setHeader(name: string, value: string): unknown }, html: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
  if (html) {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-frame-options', 'DENY');
  }
}

/** A page the portal's router handles: a GET for HTML, outside the API, and not a file name. */
function isPortalPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  if (NOT_PORTAL.test(path)) return false;
  if (/\.[a-z0-9]+$/i.test(path.slice(path.lastIndexOf('/') + 1))) return false;
  return request.headers.accept?.includes('text/html') ?? false;
}

/**
 * The portal's page for an address the node also answers itself (`/verify/{id}` as HTML), with the status the node
 * found: false where the node serves no portal (no build: then the caller answers with its own page).
 */
export function sendPortalPage(reply: FastifyReply, status: number): FastifyReply | false {
  const withStatic = reply as FastifyReply & { sendFile?: (file: string) => FastifyReply };
  if (typeof withStatic.sendFile !== 'function') return false;
  return withStatic.code(status).header('cache-control', 'no-cache').sendFile('index.html');
}

/**
 * The web portal (React, built by `vite build` into dist/web): its files at `/`, hashed assets cached for a year,
 * and index.html for any other page a browser asks for (the portal's own router takes it from there). Without a
 * build (unit and integration tests build the app in-process) there is simply no portal.
 */
export async function webRoutes(app: FastifyInstance, root: string = webRoot): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.debug({ root }, 'no portal build: the web portal is not served');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file (read at start), so unknown paths still reach the fallback below and the API's
    // problem+json 404.
    wildcard: false,
    // the Brotli and gzip copies the build made (scripts/compress-web.mjs), to browsers that accept them
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, path) {
      // (the file sent may be the compressed copy: its headers are the original's)
      const html = path.replace(/\.(?:br|gz)$/, '').endsWith('.html');
      securityHeaders(res, html);
      res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  app.get('/*', { schema: { hide: true } }, (request: FastifyRequest, reply: FastifyReply) => {
    if (!isPortalPage(request)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
