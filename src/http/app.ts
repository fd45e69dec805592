import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Ajv } from 'ajv';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { isLanguage, type Language, negotiateLanguage } from '../i18n/index.js';
import { addFormats } from '../platform/json-schema.js';
import { repoRoot } from '../platform/paths.js';
import type { Node } from '../node.js';
import { registerAuth } from './auth.js';
import { frameworkErrorHandler, registerProblemHandlers } from './problems.js';
import { registerInputGuard } from './input-guard.js';
import { openapiOptions } from './openapi.js';
import { maskIdentifiers } from './log-masking.js';
import { ProblemSchema } from './schemas.js';
import { applicationRoutes } from './routes/applications.js';
import { consentRoutes } from './routes/consents.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { identifierRoutes } from './routes/identifiers.js';
import { serviceRoutes } from './routes/services.js';
import { workRoutes } from './routes/work.js';
import { documentRoutes } from './routes/documents.js';
import { tsaRoutes } from './routes/tsa.js';
import { paymentRoutes } from './routes/payments.js';
import { exchangeRoutes } from './routes/exchange.js';
import { statsRoutes } from './routes/stats.js';
import { operatorRoutes } from './routes/operator.js';
import { proactiveRoutes } from './routes/proactive.js';
import { webRoutes } from './routes/web.js';

declare module 'fastify' {
  interface FastifyRequest {
    language: Language;
  }
}

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Log lines never carry secrets or national identifiers: tokens and cookies are redacted by path, and identifiers in
 * URLs are masked (log-masking.ts).
 */
const logSerializers = {
  req(request: { method: string; url: string; id: string }) {
    return { id: request.id, method: request.method, url: maskIdentifiers(request.url) };
  },
};

export interface AppOptions {
  logger?: boolean | Record<string, unknown>;
  /** serve the web portal where it has been built (default); false: the API and its own pages only */
  portal?: boolean;
}

/** Trust the nearest `hops` proxies' X-Forwarded-For entries (proxy-addr's hop count). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(node: Node, options: AppOptions = {}): Promise<FastifyInstance> {
  const defaultLanguage: Language = isLanguage(node.config.defaultLanguage) ? node.config.defaultLanguage : 'en';
  const app = Fastify({
    bodyLimit: node.config.bodyLimitBytes,
    logger:
      options.logger === false
        ? false
        : {
            level: node.config.logLevel,
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.token', '*.signature'], censor: '[redacted]' },
            serializers: logSerializers,
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
    return503OnClosing: true,
    // request.ip (the sign-in limit's key) is the client's behind the operator's reverse proxies, never a spoofed one
    trustProxy: typeof node.config.trustProxy === 'number' ? trustHops(node.config.trustProxy) : node.config.trustProxy,
    frameworkErrors: frameworkErrorHandler(defaultLanguage),
  });

  app.decorateRequest('language', 'en' as Language);
  app.addHook('onRequest', async (request) => {
    request.language = negotiateLanguage((request.query as Record<string, unknown> | undefined)?.lang, request.headers['accept-language'], defaultLanguage);
  });

  // Query strings and paths are text, so their numbers are coerced; JSON bodies are typed and checked strictly.
  const strictAjv = addFormats(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false }));
  const coercingAjv = addFormats(new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: false }));
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema));
  // JSON only: without this, Fastify would take text/plain bodies as strings.
  app.removeContentTypeParser('text/plain');

  app.addSchema(ProblemSchema);
  registerProblemHandlers(app, node.config.bodyLimitBytes);
  registerInputGuard(app);
  await app.register(cookie);
  // Security headers on every answer (helmet): nosniff, no framing, same-origin referrer and resource policies, HSTS
  // when the node is served over https. The content security policy is the portal's own, on its HTML
  // (routes/web.ts): the API answers JSON, and Swagger UI at /docs needs its inline script.
  await app.register(helmet, {
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: node.config.publicUrl.startsWith('https:') ? { maxAge: 31_536_000 } : false,
  });
  // Limits only where a route asks for one (sign-in); the answer is the usual problem+json 429 with Retry-After.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => Object.assign(new Error('too many requests'), { statusCode: 429, retryAfter: context.after }),
  });
  registerAuth(app, node);

  await app.register(swagger, openapiOptions(node.config.publicUrl, version));
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, node, version);
  identifierRoutes(app);
  authRoutes(app, node);
  serviceRoutes(app, node);
  applicationRoutes(app, node);
  consentRoutes(app, node);
  workRoutes(app, node);
  documentRoutes(app, node);
  tsaRoutes(app, node);
  await paymentRoutes(app, node);
  await exchangeRoutes(app, node);
  proactiveRoutes(app, node);
  statsRoutes(app, node);
  operatorRoutes(app, node);
  if (options.portal !== false) await webRoutes(app);
  return app;
}
