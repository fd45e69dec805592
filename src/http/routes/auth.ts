import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { closeSession, createChallenge, demoSignIn, mandatesOf, signInWithCms, signInWithSignature, type Actor, type Role } from '../../identity/index.js';
import { listDemoPersonas } from '../../demo/seed.js';
import type { Node } from '../../node.js';
import { requireActor, SESSION_COOKIE, setSessionCookie } from '../auth.js';
import { problems } from '../schemas.js';

const RoleSchema = Type.Union([Type.Literal('citizen'), Type.Literal('officer'), Type.Literal('operator')]);

const SessionAnswer = Type.Object({
  token: Type.String({ description: 'bearer token for API clients; the portal uses the HttpOnly cookie set alongside' }),
  expiresAt: Type.String({ format: 'date-time' }),
  role: RoleSchema,
});

const Me = Type.Object({
  accountId: Type.String(),
  role: RoleSchema,
  agency: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Type.String()),
  state: Type.String(),
  identifier: Type.String(),
  name: Type.String(),
  language: Type.String(),
  actsFor: Type.Optional(
    Type.Array(
      Type.Object({
        state: Type.String(),
        organization: Type.String({ description: "the organization's number (Kazakhstan's BIN)" }),
        capacity: Type.Union([Type.Literal('head'), Type.Literal('employee'), Type.Null()]),
        since: Type.String({ format: 'date-time' }),
        validUntil: Type.String({ format: 'date-time', description: 'while the certificate that said so is valid' }),
      }),
      { description: "(GET /api/v1/me) the organizations the holder may act for, as their state's certificates said at sign-in" },
    ),
  ),
});

export function authRoutes(app: FastifyInstance, node: Node): void {
  // Sign-in is where passwords would be guessed if there were any: a key-file signature cannot be, but the
  // challenge table and the demo login can be flooded. Per client address, per minute.
  const signInLimit = { max: node.config.signInRateLimit, timeWindow: 60_000 };
  const { db } = node.database;
  const { sessionHours, secureCookies } = node.config;

  app.post(
    '/api/v1/auth/challenge',
    {
      config: { rateLimit: signInLimit },
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Get a one-time nonce to sign with your key',
        description: 'Sign `{"nonce": "<nonce>"}` as a compact JWS (ES256) with your certificate in the x5c header, then POST it to /api/v1/auth/signin within five minutes.',
        response: { 200: Type.Object({ nonce: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }) },
      },
    },
    async () => {
      const c = await createChallenge(db, node.clock.now());
      return { nonce: c.nonce, expiresAt: c.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/auth/signin',
    {
      config: { rateLimit: signInLimit },
      schema: {
        tags: ['auth'],
        security: [],
        summary: "Sign in by e-signature over a challenge: the node's own (JWS) or the citizen's state's (CMS)",
        body: Type.Union([
          Type.Object(
            {
              signature: Type.String({ maxLength: 16384, description: 'compact JWS over {"nonce": …}, x5c header with your certificate' }),
              role: Type.Optional(RoleSchema),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              cms: Type.String({
                maxLength: 65536,
                description: "base64 of a DER CMS SignedData over the UTF-8 bytes of the challenge's nonce (detached or carried), by a certificate of a member state's trust list",
              }),
              role: Type.Optional(RoleSchema),
            },
            { additionalProperties: false },
          ),
        ]),
        response: { 200: SessionAnswer, ...problems(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body as { signature: string; role?: Role } | { cms: string; role?: Role };
      const session =
        'cms' in body
          ? await signInWithCms(db, node.trust, node.revocation, body.cms, node.clock.now(), sessionHours, body.role, request.language)
          : await signInWithSignature(db, node.ca, body.signature, node.clock.now(), sessionHours, body.role);
      setSessionCookie(reply, session.token, session.expiresAt, secureCookies);
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), role: session.role };
    },
  );

  app.post(
    '/api/v1/auth/signout',
    { schema: { tags: ['auth'], summary: 'End this session', response: { 204: Type.Null(), ...problems(401) } } },
    async (request, reply) => {
      requireActor(request);
      await closeSession(db, request.sessionToken!, node.clock.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: secureCookies });
      return reply.code(204).send();
    },
  );

  const meOf = (a: Actor) => ({
    accountId: a.accountId,
    role: a.role,
    agency: a.agencyCode,
    permissions: a.permissions,
    state: a.state,
    identifier: a.nationalId,
    name: a.name,
    language: a.language,
  });

  app.get(
    '/api/v1/me',
    { schema: { tags: ['auth'], summary: 'Who I am signed in as', response: { 200: Me, ...problems(401) } } },
    async (request) => {
      const actor = requireActor(request);
      const actsFor = await mandatesOf(db, actor.accountId, node.clock.now());
      return { ...meOf(actor), actsFor: actsFor.map((m) => ({ ...m, since: m.since.toISOString(), validUntil: m.validUntil.toISOString() })) };
    },
  );

  // What a page asks on opening: signed out is an answer here, not an error (the portal's console stays quiet).
  app.get(
    '/api/v1/auth/session',
    {
      schema: {
        tags: ['auth'],
        security: [],
        summary: 'Whether this request is signed in, and as whom (null when it is not)',
        response: { 200: Type.Object({ me: Type.Union([Me, Type.Null()]) }) },
      },
    },
    async (request) => ({ me: request.actor ? meOf(request.actor) : null }),
  );

  if (!node.config.demoMode) return;

  app.get(
    '/api/v1/auth/demo-personas',
    {
      schema: {
        tags: ['demo'],
        security: [],
        summary: 'Demo mode: the seeded personas, each with its key file (private JWK with its x5c certificate chain)',
        response: {
          200: Type.Array(
            Type.Object({
              identifier: Type.String(),
              qualifiedIdentifier: Type.String(),
              state: Type.String(),
              name: Type.String(),
              role: RoleSchema,
              agency: Type.Union([Type.String(), Type.Null()]),
              permissions: Type.Array(Type.String()),
              accountId: Type.String(),
              language: Type.String(),
              keyFile: Type.Record(Type.String(), Type.Unknown()),
            }),
          ),
        },
      },
    },
    async () => listDemoPersonas(db),
  );

  app.post(
    '/api/v1/auth/demo-login',
    {
      config: { rateLimit: signInLimit },
      schema: {
        tags: ['demo'],
        security: [],
        summary: 'Demo mode: sign in as a persona without a key',
        body: Type.Object(
          { identifier: Type.String({ minLength: 1, maxLength: 32 }), role: Type.Optional(RoleSchema) },
          { additionalProperties: false },
        ),
        response: { 200: SessionAnswer, ...problems(400, 401, 415) },
      },
    },
    async (request, reply) => {
      const body = request.body as { identifier: string; role?: Role };
      const session = await demoSignIn(db, body.identifier, node.clock.now(), sessionHours, body.role);
      setSessionCookie(reply, session.token, session.expiresAt, secureCookies);
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), role: session.role };
    },
  );
}
