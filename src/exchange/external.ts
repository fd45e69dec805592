import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { appendAudit } from '../audit/index.js';
import { type Db, transaction } from '../platform/db/index.js';
import { badRequest } from '../platform/errors.js';
import { ExchangeError, serverProxyError } from './errors.js';
import { formatServiceId, parseServiceId } from './identifiers.js';
import { Payload } from './payload.js';

/**
 * Services an agency provides from its own REST system: registered on the node with the system's address, a time
 * limit and TLS settings, and called by the provider's side of the gateway — method, path, query, headers and body
 * passed through as they came, and the system's answer passed back as it is (redirects included, not followed).
 */
export interface ExternalService {
  serviceId: string;
  url: string;
  timeoutMs: number;
  tlsVerify: boolean;
  tlsCa: string | null;
  openapi: Record<string, unknown> | null;
  registeredAt: string;
}

export interface ExternalRegistration {
  service: string;
  url: string;
  timeoutMs?: number;
  tlsVerify?: boolean;
  tlsCa?: string | null;
  openapi?: Record<string, unknown> | null;
}

const toService = (r: { service_id: string; url: string; timeout_ms: number; tls_verify: boolean; tls_ca: string | null; openapi: Record<string, unknown> | null; registered_at: Date }): ExternalService => ({
  serviceId: r.service_id,
  url: r.url,
  timeoutMs: r.timeout_ms,
  tlsVerify: r.tls_verify,
  tlsCa: r.tls_ca,
  openapi: r.openapi,
  registeredAt: r.registered_at.toISOString(),
});

export async function listExternalServices(db: Db): Promise<ExternalService[]> {
  return (await db.selectFrom('exchange_services').selectAll().orderBy('service_id').execute()).map(toService);
}

/** Registers (or changes) a service of an agency's own system; the service id must name a subsystem. */
export async function registerExternalService(db: Db, r: ExternalRegistration, builtIn: string[], now: Date, by: string | null): Promise<ExternalService> {
  const id = parseServiceId(r.service);
  if (!id || id.subsystem === undefined) throw badRequest('errors.invalid_service_id', { service: r.service });
  const serviceId = formatServiceId(id);
  if (builtIn.includes(serviceId)) throw badRequest('errors.service_is_a_register', { service: serviceId });
  let url: URL;
  try {
    url = new URL(r.url);
  } catch {
    throw badRequest('errors.invalid_service_url', { url: r.url });
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) throw badRequest('errors.invalid_service_url', { url: r.url });
  if (r.tlsCa) {
    try {
      new X509Certificate(r.tlsCa);
    } catch {
      throw badRequest('errors.invalid_certificate');
    }
  }
  const values = {
    url: url.toString().replace(/\/$/, ''),
    timeout_ms: r.timeoutMs ?? 30_000,
    tls_verify: r.tlsVerify ?? true,
    tls_ca: r.tlsCa ?? null,
    openapi: r.openapi ? JSON.stringify(r.openapi) : null,
  };
  await transaction(db, async (tx) => {
    await tx
      .insertInto('exchange_services')
      .values({ service_id: serviceId, ...values, registered_at: now, registered_by: by })
      .onConflict((oc) => oc.column('service_id').doUpdateSet(values))
      .execute();
    await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.service_register', subjectType: 'exchange_service', subjectId: serviceId, details: { url: values.url, timeoutMs: values.timeout_ms, tlsVerify: values.tls_verify } });
  });
  forgetServices(db);
  return toService(await db.selectFrom('exchange_services').selectAll().where('service_id', '=', serviceId).executeTakeFirstOrThrow());
}

export async function removeExternalService(db: Db, service: string, now: Date, by: string | null): Promise<boolean> {
  const removed = await transaction(db, async (tx) => {
    const result = await tx.deleteFrom('exchange_services').where('service_id', '=', service).executeTakeFirst();
    const done = Number(result.numDeletedRows) > 0;
    if (done) await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.service_remove', subjectType: 'exchange_service', subjectId: service });
    return done;
  });
  forgetServices(db);
  return removed;
}

// The registrations, remembered for a moment per process like the access rights (access.ts).
const SERVICE_CACHE_MS = 2000;
const serviceCache = new WeakMap<Db, { byId: Map<string, ExternalService>; until: number }>();
const forgetServices = (db: Db) => serviceCache.delete(db);

/** The external services this node provides, by id (read at most every 2 s per process). */
export async function externalServices(db: Db): Promise<Map<string, ExternalService>> {
  const known = serviceCache.get(db);
  if (known && known.until > performance.now()) return known.byId;
  const byId = new Map((await listExternalServices(db)).map((s) => [s.serviceId, s]));
  serviceCache.set(db, { byId, until: performance.now() + SERVICE_CACHE_MS });
  return byId;
}

// Headers that do not pass back from the system: hop-by-hop, the connection's own, and X-Road's, which the gateway sets.
const NOT_RETURNED = /^(connection|keep-alive|proxy-authenticate|proxy-authorization|te|trailer|transfer-encoding|upgrade|content-length|server|x-road-.*)$/i;

export interface ExternalAnswer {
  status: number;
  headers: Record<string, string>;
  /** spooled past a threshold: the caller disposes of it */
  body: Payload;
}

/**
 * Calls the system: the request's method, path and query appended to its address, the headers as they travelled
 * (X-Road's among them, so the system knows who asks), the body streamed from where the gateway holds it; at most
 * `timeoutMs` in all, the answer at most `maxBodyBytes`, read into a payload as it arrives. Over https the node
 * presents its client certificate.
 */
export function callExternal(
  service: ExternalService,
  request: { method: string; path: string; headers: [string, string][]; body: Payload },
  options: { clientTls: { keyPem: string; certPem: string }; maxBodyBytes: number },
): Promise<ExternalAnswer> {
  const base = new URL(service.url);
  const target = new URL(`${base.pathname.replace(/\/$/, '')}${request.path}`, base);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of request.headers) {
    const v = headers[name];
    headers[name] = v === undefined ? value : Array.isArray(v) ? [...v, value] : [v, value];
  }
  if (request.body.size) headers['content-length'] = String(request.body.size);
  const https = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const common = { hostname: target.hostname, port: target.port || undefined, path: `${target.pathname}${target.search}`, method: request.method, headers, agent: false as const };
    const onAnswer = (res: IncomingMessage) => {
      Payload.read(res, options.maxBodyBytes).then((body) => {
        clearTimeout(deadline);
        if (body === 'too-large') {
          req.destroy();
          return reject(serverProxyError('ServiceFailed', `The service answered more than ${options.maxBodyBytes} bytes`));
        }
        const answerHeaders: Record<string, string> = {};
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i].toLowerCase();
          if (NOT_RETURNED.test(name)) continue;
          answerHeaders[name] = answerHeaders[name] === undefined ? res.rawHeaders[i + 1] : `${answerHeaders[name]}, ${res.rawHeaders[i + 1]}`;
        }
        resolve({ status: res.statusCode ?? 502, headers: answerHeaders, body });
      }, (error: unknown) => req.destroy(error as Error));
    };
    const req = https
      ? httpsRequest({ ...common, key: options.clientTls.keyPem, cert: options.clientTls.certPem, rejectUnauthorized: service.tlsVerify, ...(service.tlsCa ? { ca: service.tlsCa } : {}) }, onAnswer)
      : httpRequest(common, onAnswer);
    const deadline = setTimeout(() => req.destroy(serverProxyError('ServiceTimeout', `The service did not answer within ${service.timeoutMs} ms`)), service.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error instanceof ExchangeError ? error : serverProxyError('ServiceFailed', `The service could not be reached: ${(error as NodeJS.ErrnoException).code ?? 'error'}`));
    });
    // (a system that answers before reading the whole body ends the stream: that is its answer, not an error)
    request.body.stream().on('error', (error) => req.destroy(error)).pipe(req);
  });
}
