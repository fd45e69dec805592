import { createHash, randomUUID } from 'node:crypto';
import { clientError, clientProxyError, ExchangeError } from './errors.js';
import { type ClientId, formatClientId, formatServiceId, parseClientId, parseServicePath, parseUserId, type ServiceId } from './identifiers.js';
import { localService, type ProviderAnswer, type ProviderDeps, type ProviderMessage, serveProviderRequest } from './provider.js';
import { type LoggedMessage, recordExchange } from './message-log.js';

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

/** How the client's gateway reaches a service on another node (mutual TLS, signed messages): see federation. */
export interface RemoteProviders {
  /** the node that provides a service, if the federation has one, else undefined */
  locate(serviceId: ServiceId): string | undefined;
  /** whether a member has a subsystem of that code, by the federation's configuration */
  isSubsystem(instance: string, memberClass: string, memberCode: string, code: string): boolean;
  send(node: string, message: ProviderMessage): Promise<ProviderAnswer>;
}

export interface GatewayDeps extends ProviderDeps {
  remote?: RemoteProviders;
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

/**
 * The client's side of the gateway: checks the request against the Message Protocol for REST, finds the node that
 * provides the service (this one, or another through the federation), has the provider's side serve it, and answers
 * with X-Road's headers. Every request and response is logged (hash-chained) on each side it passes.
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
    const parsed = parseServicePath(
      rawPath,
      (i, c, m, code) => deps.services.some((s) => s.id.instance === i && s.id.memberClass === c && s.id.memberCode === m && s.id.subsystem === code) || !!deps.remote?.isSubsystem(i, c, m, code),
    );
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
  let served = false;
  let responseSignature: string | null = null;
  try {
    if (failure) throw failure;
    const message: ProviderMessage = { ...base, requestHash: hash, body: request.body };
    const local = localService(deps.services, serviceId) !== undefined;
    const node = local ? undefined : deps.remote?.locate(service!);
    if (!local && !node) throw clientProxyError('UnknownService', `No node in the federation provides ${serviceId}`);
    const provided = local ? await serveProviderRequest(deps, message) : await deps.remote!.send(node!, message);
    served = !provided.errorType;
    answer = { status: provided.status, headers: { ...provided.headers }, body: provided.body };
    log[0].signature = provided.requestSignature ?? null;
    responseSignature = provided.signature ?? null;
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
  const errorType = answer.headers['x-road-error'] ?? null;
  log.push({ ...base, at: deps.clock.now(), side: 'client', direction: 'response', status: answer.status, errorType, requestHash: hash, signature: responseSignature, body: answer.body });

  // Nothing is answered before the log (and the user's data tracker) is durable. The subjects' entries are written
  // by the provider's gateway, on the node that holds their data.
  const user = userIdHeader ? parseUserId(userIdHeader) : undefined;
  const accesses = user && served ? [{ personState: user.state, personId: user.value, role: 'user' as const, at, clientId, serviceId, userId: userIdHeader ?? null, issue: issue ?? null, requestId }] : [];
  await recordExchange(deps.db, { messages: log, accesses });
  return answer;
}
