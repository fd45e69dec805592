import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../platform/clock.js';
import { type Db, transaction } from '../platform/db/index.js';
import type { RegistryService } from '../registries/index.js';
import { clientError, clientProxyError, ExchangeError, serverProxyError } from './errors.js';
import { type ClientId, formatClientId, formatServiceId, parseClientId, parseServicePath, parseUserId, providerOf, type ServiceId } from './identifiers.js';
import { type LoggedMessage, logMessages } from './message-log.js';

export interface GatewayRequest {
  method: string;
  /** path and query as received, e.g. /r1/KZ/GOV/MVD/REGISTRIES/population/persons/870412300416 */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface GatewayAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface GatewayDeps {
  db: Db;
  clock: Clock;
  services: RegistryService[];
  /** how long the provider may take before the caller gets Server.ServerProxy.ServiceTimeout */
  timeoutMs: number;
  /** clients whose messages are logged with their bodies (full logging), by client id */
  fullLogging?: (clientId: string) => boolean;
}

const header = (h: GatewayRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * X-Road's request hash: base64 of SHA-512 over SHA-512(headers) + SHA-512(body), binding a response to the exact
 * request. "headers" here is the request line and the X-Road and content headers, one "name: value" per line in a
 * fixed order, lower-case names — what both gateways see the same way.
 */
export function requestHash(method: string, url: string, headers: Record<string, string | undefined>, body: Uint8Array): string {
  const lines = [`${method} ${url}`, ...['x-road-client', 'x-road-id', 'x-road-userid', 'x-road-issue', 'content-type'].map((n) => `${n}: ${headers[n] ?? ''}`)];
  const h = createHash('sha512').update(lines.join('\n')).digest();
  const b = createHash('sha512').update(body).digest();
  return createHash('sha512').update(Buffer.concat(body.length ? [h, b] : [h])).digest('base64');
}

function errorAnswer(e: ExchangeError, extra: Record<string, string> = {}): GatewayAnswer {
  return {
    status: e.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-road-error': e.type, ...extra },
    body: Buffer.from(JSON.stringify(e.body())),
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(serverProxyError('ServiceTimeout', `The service did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The gateway, client side and provider side: checks the request against the Message Protocol for REST, finds the
 * service, checks that the client was granted it, calls it, and answers with X-Road's headers. Both sides log every
 * request and response (hash-chained), and every person named as user or subject gets a data-tracker entry.
 */
export async function handleGatewayRequest(deps: GatewayDeps, request: GatewayRequest): Promise<GatewayAnswer> {
  const requestId = randomUUID();
  const at = deps.clock.now();
  const [rawPath, rawQuery = ''] = request.url.split(/\?(.*)/s, 2);
  const clientHeader = header(request.headers, 'x-road-client');
  const xRoadId = header(request.headers, 'x-road-id') ?? randomUUID();
  const userIdHeader = header(request.headers, 'x-road-userid');
  const issue = header(request.headers, 'x-road-issue');

  // Protocol checks: the caller's mistakes are Client.* errors, logged like every message.
  let client: ClientId | undefined;
  let service: ServiceId | undefined;
  let path = '/';
  let failure: ExchangeError | undefined;
  if (!clientHeader) failure = clientError('InvalidClientIdentifier', 'The X-Road-Client header is missing');
  else if (!(client = parseClientId(clientHeader))) failure = clientError('InvalidClientIdentifier', 'The X-Road-Client header is not INSTANCE/CLASS/MEMBER[/SUBSYSTEM]');
  if (!failure) {
    const parsed = parseServicePath(rawPath, (i, c, m, code) => deps.services.some((s) => s.id.instance === i && s.id.memberClass === c && s.id.memberCode === m && s.id.subsystem === code));
    if (!parsed) failure = clientError('InvalidServiceIdentifier', 'The request is not /r1/INSTANCE/CLASS/MEMBER[/SUBSYSTEM]/SERVICE[/path] with each part percent-encoded');
    else ({ service, path } = parsed);
  }
  if (!failure && userIdHeader !== undefined && !parseUserId(userIdHeader)) {
    failure = clientError('InvalidUserId', 'X-Road-UserId must be a country code followed by the national identifier, e.g. KZ870412300416');
  }
  if (!failure && xRoadId.length > 255) failure = clientError('BadRequest', 'X-Road-Id is longer than 255 characters');

  const clientId = client ? formatClientId(client) : (clientHeader ?? '').slice(0, 255);
  const serviceId = service ? formatServiceId(service) : rawPath.slice(0, 255);
  const hashHeaders = {
    'x-road-client': clientHeader,
    'x-road-id': xRoadId,
    'x-road-userid': userIdHeader,
    'x-road-issue': issue,
    'content-type': header(request.headers, 'content-type'),
  };
  const hash = requestHash(request.method, request.url, hashHeaders, request.body);
  const full = deps.fullLogging?.(clientId) ?? false;
  const base = { xRoadId, requestId, clientId, serviceId, userId: userIdHeader ?? null, issue: issue ?? null, method: request.method, path: `${path}${rawQuery ? `?${rawQuery}` : ''}`, keepBody: full };
  const log: LoggedMessage[] = [{ ...base, at, side: 'client', direction: 'request', requestHash: hash, body: request.body }];

  let answer: GatewayAnswer;
  let subjects: { state: string; id: string }[] = [];
  try {
    if (failure) throw failure;
    const target = deps.services.find((s) => formatServiceId(s.id) === serviceId);
    if (!target) throw clientProxyError('UnknownService', `No node in the federation provides ${serviceId}`);
    // Provider side. (Between nodes this is the other node's gateway, over mutual TLS, with signed messages.)
    log.push({ ...base, at, side: 'provider', direction: 'request', requestHash: hash, body: request.body });
    const granted = await deps.db
      .selectFrom('access_rights')
      .select('client_id')
      .where('service_id', '=', serviceId)
      .where('client_id', 'in', [clientId, ...(client!.subsystem !== undefined ? [formatClientId({ ...client!, subsystem: undefined })] : [])])
      .executeTakeFirst();
    if (!granted) throw serverProxyError('AccessDenied', `${clientId} has not been granted ${serviceId}`);
    const result = await withTimeout(target.handle(deps.db, { method: request.method, path, query: new URLSearchParams(rawQuery) }), deps.timeoutMs).catch((error) => {
      if (error instanceof ExchangeError) throw error;
      throw serverProxyError('ServiceFailed', 'The service failed to answer');
    });
    subjects = result.subjects;
    answer = { status: result.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(result.body)) };
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    answer = errorAnswer(error);
  }

  Object.assign(answer.headers, {
    'x-road-client': clientId,
    'x-road-service': serviceId,
    'x-road-id': xRoadId,
    'x-road-request-id': requestId,
    ...(answer.headers['x-road-error'] ? {} : { 'x-road-request-hash': hash }),
  });
  const done = deps.clock.now();
  const errorType = answer.headers['x-road-error'] ?? null;
  if (log.length > 1) log.push({ ...base, at: done, side: 'provider', direction: 'response', status: answer.status, errorType, requestHash: hash, body: answer.body });
  log.push({ ...base, at: done, side: 'client', direction: 'response', status: answer.status, errorType, requestHash: hash, body: answer.body });

  // Nothing is answered before the log (and the data tracker) is durable.
  const user = userIdHeader ? parseUserId(userIdHeader) : undefined;
  await transaction(deps.db, async (tx) => {
    const tracked = [...(user && !errorType ? [{ state: user.state, id: user.value, role: 'user' as const }] : []), ...subjects.map((s) => ({ ...s, role: 'subject' as const }))];
    for (const t of tracked) {
      await tx
        .insertInto('data_access_log')
        .values({ person_state: t.state, person_id: t.id, role: t.role, at, client_id: clientId, service_id: serviceId, user_id: userIdHeader ?? null, issue: issue ?? null, request_id: requestId })
        .execute();
    }
    await logMessages(tx, log);
  });
  return answer;
}
