import type { FastifyDynamicSwaggerOptions, SwaggerTransform } from '@fastify/swagger';
import { IdempotencyHeaders, IdempotencyHeadersRequired, problemResponse } from './schemas.js';

/** Who may call an operation whose schema does not say otherwise: a signed-in person (API token or portal cookie). */
const SIGNED_IN: Record<string, string[]>[] = [{ bearer: [] }, { cookie: [] }];

// What an operation may answer besides its own statuses. Any: a malformed request (the input guard, the validator, a
// URL that does not decode), an internal error, the database down. One with path parameters: a parameter longer than
// the router takes (a URL too long). One that takes a body (Fastify parses none for GET and HEAD): too large, of a
// media type it does not take, or a write with the session cookie from another site (the CSRF check in auth.ts).
const ANY = [400, 500, 503];
const WITH_PARAMS = [414];
const WITH_BODY = [403, 413, 415];

/**
 * Each operation as the node answers it, in one place rather than in every route: its security (signed-in unless
 * the route declares `security`), the statuses any operation can give, 429 where a rate limit applies, and the
 * Idempotency-Key header as required where the handler requires it.
 */
export const describeOperation: SwaggerTransform = ({ schema, url, route }) => {
  if (!schema || schema.hide) return { schema, url };
  const security = schema.security ?? SIGNED_IN;
  const statuses = [
    ...ANY,
    ...(url.includes(':') ? WITH_PARAMS : []),
    ...([route.method].flat().some((m) => m !== 'GET' && m !== 'HEAD') ? WITH_BODY : []),
    ...(security.some((s) => 'bearer' in s) ? [401] : []),
    ...((route.config as { rateLimit?: unknown } | undefined)?.rateLimit ? [429] : []),
  ];
  const response: Record<string, unknown> = { ...(schema.response as object) };
  for (const status of statuses) response[status] ??= problemResponse(status);
  const headers = schema.headers === IdempotencyHeaders ? IdempotencyHeadersRequired : schema.headers;
  return { schema: { ...schema, security, response, ...(headers ? { headers } : {}) }, url };
};

export function openapiOptions(publicUrl: string, version: string): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ortak node API',
        version,
        description:
          'Public services of an Ortak node: catalog, identity and sign-in by e-signature, applications. Errors are RFC 9457 problem+json in the caller\'s language (`?lang=` or Accept-Language: kk, ru, en, tr, az, ky, uz).',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'ortak_session' },
          smsProvider: { type: 'http', scheme: 'bearer', description: "the SMS provider's own token (SMS_INBOUND_TOKEN), not a person's session" },
        },
      },
    },
    transform: describeOperation,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  };
}
