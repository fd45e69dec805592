import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject, type InjectOptions } from 'light-my-request';
import { clientInterfaceHandler } from '../../src/exchange/index.js';
import { CompactSign, importJWK, type JWK } from 'jose';
import { buildApp } from '../../src/http/app.js';
import { listDemoPersonas, type DemoPersona } from '../../src/demo/seed.js';
import { canonicalJson } from '../../src/platform/canonical-json.js';
import { ManualClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { startNode } from '../../src/start.js';
import type { Node } from '../../src/node.js';
import type { RegistryService } from '../../src/registries/index.js';
import { enforceContract } from './contract.js';
import { createTestDatabase } from './database.js';

export interface TestNode {
  node: Node;
  app: FastifyInstance;
  clock: ManualClock;
  personas: DemoPersona[];
  persona(filter: Partial<Pick<DemoPersona, 'role' | 'state' | 'agency' | 'language'>>): DemoPersona;
  signIn(persona: DemoPersona): Promise<string>;
  /** stops the node (app and database connection) and starts it again on the same database */
  restart(): Promise<void>;
  /** runs every job and timer that is due on the test's clock */
  runJobs(): Promise<number>;
  submit(token: string, persona: DemoPersona, service: string, data: unknown, idempotencyKey?: string, lang?: string): Promise<LightMyRequestResponse>;
  /**
   * A request to the exchange's client interface (its handler, without a socket), as an information system makes it:
   * plain HTTP from 127.0.0.1 unless `remoteAddress` says otherwise.
   */
  exchange(options: InjectOptions): Promise<LightMyRequestResponse>;
  /**
   * Every person the application names and waits for signs it, as they would in the portal: each must be a demo
   * persona (one with a key file); one without a citizen account gets one, as every officer is a citizen too.
   */
  consentAll(applicationId: string): Promise<void>;
  close(): Promise<void>;
}

/** A compact JWS (ES256) by a key file over `payload`, with the certificate chain in x5c, as a client makes it. */
export async function signWith(keyFile: Record<string, unknown>, payload: string, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importJWK(keyFile as JWK, 'ES256');
  return new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'ES256', x5c: keyFile.x5c as string[], ...header })
    .sign(key);
}

export function applicationSignature(persona: DemoPersona, service: string, data: unknown): Promise<string> {
  return signWith(persona.keyFile, canonicalJson({ service, data }));
}

/** A whole node (database of its own, demo data, HTTP app without a socket) on a clock the test controls. */
/** Lets timers and messages in (a resolved promise would not: microtasks run before them). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function createTestNode(options: { start?: string; env?: Record<string, string>; persistent?: boolean; extraServices?: RegistryService[] } = {}): Promise<TestNode> {
  const clock = new ManualClock(options.start ?? '2026-03-02T06:00:00Z');
  let t: TestNode;
  const test = await createTestDatabase({ persistent: options.persistent });
  // Tests sign in many personas from one address; the limit itself is tested with its own value.
  const config = loadConfig({ ORTAK_DEMO: 'true', LOG_LEVEL: 'silent', ORTAK_SIGNIN_RATE_LIMIT: '10000', ORTAK_DEMO_HISTORY: '0', ...options.env });
  // The demo payment provider's webhook reaches the node in-process, through the same HTTP routes.
  const webhookSender = async (path: string, body: string, headers: Record<string, string>) =>
    (await t.app.inject({ method: 'POST', url: path, headers, payload: body })).statusCode;
  let node = await startNode(config, { clock, database: test.database, webhookSender, extraServices: options.extraServices });
  // every answer the tests receive is checked against the node's own OpenAPI description (contract.ts)
  const violations: string[] = [];
  // (each step compiles hundreds of schemas without a pause: the worker must still answer vitest's runner between them)
  await breathe();
  // The API alone, whether a portal build is at hand or not (the portal is tested as `npm start` serves it, test/e2e).
  let app = await buildApp(node, { logger: false, portal: false });
  await app.ready();
  await breathe();
  enforceContract(app, violations);
  const personas = await listDemoPersonas(node.database.db);

  const persona: TestNode['persona'] = (filter) => {
    const found = personas.find((p) => Object.entries(filter).every(([k, v]) => p[k as keyof DemoPersona] === v));
    if (!found) throw new Error(`no demo persona matches ${JSON.stringify(filter)}`);
    return found;
  };

  const signIn: TestNode['signIn'] = async (p) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: p.qualifiedIdentifier, role: p.role } });
    if (res.statusCode !== 200) throw new Error(`demo-login failed: ${res.statusCode} ${res.body}`);
    return res.json().token as string;
  };

  const submit: TestNode['submit'] = async (token, p, service, data, idempotencyKey = randomUUID(), lang) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/applications${lang ? `?lang=${lang}` : ''}`,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': idempotencyKey },
      payload: { service, data, signature: await applicationSignature(p, service, data) },
    });

  t = {
    node,
    app,
    clock,
    personas,
    persona,
    signIn,
    submit,
    restart: async () => {
      await t.app.close();
      const database = await test.reopen();
      node = await startNode(config, { clock, database, webhookSender, extraServices: options.extraServices });
      app = await buildApp(node, { logger: false, portal: false });
      await app.ready();
      enforceContract(app, violations);
      t.node = node;
      t.app = app;
    },
    runJobs: () => t.node.jobs.runDue(),
    consentAll: async (applicationId) => {
      const db = t.node.database.db;
      const app = await db.selectFrom('applications').select(['service_code', 'data']).where('id', '=', applicationId).executeTakeFirstOrThrow();
      const waiting = await db.selectFrom('application_consents').select(['party_state', 'party_national_id']).where('application_id', '=', applicationId).where('status', '=', 'pending').execute();
      for (const c of waiting) {
        const party = personas.find((p) => p.state === c.party_state && p.identifier === c.party_national_id);
        if (!party) throw new Error(`${c.party_state}${c.party_national_id} is named in the application but is no demo persona: no key to sign with`);
        const person = await db.selectFrom('accounts').select('person_id').where('id', '=', party.accountId).executeTakeFirstOrThrow();
        const citizen = await db.selectFrom('accounts').select('id').where('person_id', '=', person.person_id).where('role', '=', 'citizen').executeTakeFirst();
        if (!citizen) await db.insertInto('accounts').values({ id: randomUUID(), person_id: person.person_id, role: 'citizen', agency_code: null, permissions: [], created_at: clock.now() }).execute();
        const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/demo-login', payload: { identifier: party.qualifiedIdentifier, role: 'citizen' } });
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/v1/applications/${applicationId}/consent`,
          headers: { authorization: `Bearer ${login.json().token}`, 'idempotency-key': randomUUID() },
          payload: { signature: await applicationSignature(party, app.service_code, app.data) },
        });
        if (res.statusCode !== 200) throw new Error(`consent failed: ${res.statusCode} ${res.body}`);
      }
    },
    exchange: (request) => inject(clientInterfaceHandler(t.node.gateway, { maxBodyBytes: config.exchangeMaxBodyBytes }), request) as Promise<LightMyRequestResponse>,
    close: async () => {
      await t.app.close();
      await test.drop();
      if (violations.length) throw new Error(`${violations.length} answer(s) the OpenAPI description does not describe:\n${violations.join('\n')}`);
    },
  };
  return t;
}
