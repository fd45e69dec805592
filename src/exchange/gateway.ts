import { randomUUID } from 'node:crypto';
import { clientError, clientProxyError, ExchangeError } from './errors.js';
import { type ClientId, formatClientId, formatServiceId, parseClientId, parseRepresentedParty, parseSecurityServer, parseServicePath, parseUserId, type ServiceId } from './identifiers.js';
import { localService, metaserviceOf, type ProviderAnswer, type ProviderDeps, type ProviderMessage, serveInNode } from './provider.js';
import { forwardedHeaders, requestHash } from './signing.js';
import { type LoggedMessage, recordExchange } from './message-log.js';
import { externalServices } from './external.js';
import type { DirectoryEntry } from './metaservices.js';
import { authenticateClient, type ClientRateLimiter, type Transport } from './clients.js';
import { Payload } from './payload.js';

export interface GatewayRequest {
  method: string;
  /** path and query as received, e.g. /r1/KZ/GOV/MVD/REGISTRIES/population/persons/870412300416 */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** the body as read (in memory or spooled): the caller disposes of it once answered */
  body: Payload;
  /** how the request came: the client interface (its connection authenticates the client) or the node itself */
  transport: Transport;
  /** a refusal decided before the gateway saw the request (a body over the limit): answered and logged as such */
  refusal?: ExchangeError;
}

export interface GatewayAnswer {
  status: number;
  headers: Record<string, string>;
  /** in memory or spooled: the caller disposes of it once sent */
  body: Payload;
}

/** How the client's gateway reaches a service on another node (mutual TLS, signed messages): see federation. */
export interface RemoteProviders {
  /** whether the federation's configuration is in force: without it the node serves no exchange, local or not */
  configurationValid(): boolean;
  /** the node that provides a service, if the federation has one, else undefined */
  locate(serviceId: ServiceId): string | undefined;
  /** whether a member has a subsystem of that code, by the federation's configuration */
  isSubsystem(instance: string, memberClass: string, memberCode: string, code: string): boolean;
  send(node: string, message: ProviderMessage): Promise<ProviderAnswer>;
}

export interface GatewayDeps extends ProviderDeps {
  remote?: RemoteProviders;
  /** per-client rate limits of the client interface */
  rateLimiter?: ClientRateLimiter;
  /** the members and subsystems listClients names: the federation's, or this node's own */
  directory: () => Promise<DirectoryEntry[]>;
  /** this node's id: its server code in X-Road-Security-Server (the federation's node id) */
  nodeId: string;
  /** whether the configuration (the federation's, or the node's own) knows an instance and member class */
  knowsMember: (instance: string, memberClass: string) => boolean;
}

// A header sent more than once counts by its last value (PR-REST: several X-Road-Client headers, the last counts).
const header = (h: GatewayRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.at(-1) : v;
};

// X-Road-UserId is free text (an ISO country code first is recommended); bounded, and without control characters.
const USER_ID = /^[^\u0000-\u001f\u007f]{1,255}$/;

// Error bodies follow Accept as X-Road's do: XML when the client asks for XML (or any text), JSON otherwise.
const wantsXml = (accept: string | undefined) => !!accept && /(^|,)\s*(text\/xml|application\/xml|text\/\*)\s*(;|,|$)/i.test(accept);
const xmlText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function errorAnswer(e: ExchangeError, accept?: string): GatewayAnswer {
  const headers: Record<string, string> = { 'x-road-error': e.type, ...(e.retryAfterSeconds ? { 'retry-after': String(e.retryAfterSeconds) } : {}) };
  if (wantsXml(accept)) {
    const body = `<?xml version="1.0" encoding="UTF-8"?><error><type>${xmlText(e.type)}</type><message>${xmlText(e.message)}</message><detail>${e.detail}</detail></error>`;
    return { status: e.status, headers: { 'content-type': 'application/xml; charset=utf-8', ...headers }, body: Payload.of(body) };
  }
  return { status: e.status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: Payload.of(JSON.stringify(e.body())) };
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
  // (a refusal made before, such as a body over the limit, comes first; the identifiers are parsed for the log)
  let failure: ExchangeError | undefined = request.refusal;
  if (!clientHeader) failure ??= clientError('InvalidClientIdentifier', 'The X-Road-Client header is missing');
  else if (!(client = parseClientId(clientHeader))) failure ??= clientError('InvalidClientIdentifier', 'The X-Road-Client header is not INSTANCE/CLASS/MEMBER[/SUBSYSTEM]');
  const systems = await externalServices(deps.db);
  const parsed = parseServicePath(
    rawPath,
    (i, c, m, code) =>
      deps.services.some((s) => s.id.instance === i && s.id.memberClass === c && s.id.memberCode === m && s.id.subsystem === code) ||
      [...systems.keys()].some((id) => id.startsWith(`${formatClientId({ instance: i, memberClass: c, memberCode: m, subsystem: code })}/`)) ||
      !!deps.remote?.isSubsystem(i, c, m, code),
  );
  if (!parsed && /^\/r\d+(\/|$)/.test(rawPath) && !rawPath.startsWith('/r1/')) failure ??= clientError('InvalidProtocolVersion', 'This gateway speaks version r1 of the Message Protocol for REST');
  if (!parsed) failure ??= clientError('InvalidServiceIdentifier', 'The request is not /r1/INSTANCE/CLASS/MEMBER[/SUBSYSTEM]/SERVICE[/path] with each part percent-encoded');
  else ({ service, path } = parsed);
  // X-Road's Security Server refuses every message once its global configuration has expired, its own clients' too.
  if (deps.remote && !deps.remote.configurationValid()) failure ??= clientProxyError('OutdatedGlobalConf', 'The federation configuration has expired or was never loaded');
  // and stops when its message log has gone without time-stamps for longer than it may
  if (deps.timestampsRefusing?.()) failure ??= clientProxyError('TimestampingFailed', 'The message log could not be time-stamped for too long: messaging is stopped until it is');
  if (client && !deps.knowsMember(client.instance, client.memberClass)) failure ??= clientError('InvalidClientIdentifier', `The configuration has no instance ${client.instance} with member class ${client.memberClass}`);
  if (service && !deps.knowsMember(service.instance, service.memberClass)) failure ??= clientError('InvalidServiceIdentifier', `The configuration has no instance ${service.instance} with member class ${service.memberClass}`);
  if (!failure && userIdHeader !== undefined && !USER_ID.test(userIdHeader)) {
    failure = clientError('InvalidUserId', 'X-Road-UserId must be 1 to 255 characters without control characters (an ISO country code first is recommended, e.g. KZ870412300416)');
  }
  if (!failure && xRoadId.length > 255) failure = clientError('BadRequest', 'X-Road-Id is longer than 255 characters');
  // PR-REST's extensions: the party the client acts for, [CLASS/]CODE, and the provider's security server it wants
  const representedHeader = header(request.headers, 'x-road-represented-party');
  const representedParty = representedHeader === undefined ? undefined : parseRepresentedParty(representedHeader);
  if (representedHeader !== undefined && !representedParty) failure ??= clientError('InvalidRepresentedParty', 'X-Road-Represented-Party is [MEMBERCLASS/]MEMBERCODE');
  const serverHeader = header(request.headers, 'x-road-security-server');
  const securityServer = serverHeader === undefined ? undefined : parseSecurityServer(serverHeader);
  if (serverHeader !== undefined && !securityServer) failure ??= clientError('InvalidSecurityServer', 'X-Road-Security-Server is INSTANCE/MEMBERCLASS/MEMBERCODE/SERVERCODE');

  const clientId = client ? formatClientId(client) : (clientHeader ?? '').slice(0, 255);
  const serviceId = service ? formatServiceId(service) : rawPath.slice(0, 255);
  // The request as it travels to the provider, and its hash as this side computes it; the provider's side computes
  // its own from what it receives and signs it, and the two must agree.
  const forwarded = forwardedHeaders(request.headers, requestId, xRoadId);
  const path1 = `/r1/${serviceId}${path}${rawQuery ? `?${rawQuery}` : ''}`;
  const hash = requestHash(request.method, path1, forwarded, request.body);
  const full = deps.logBodies?.(clientId, serviceId) ?? true;
  const base = { xRoadId, requestId, clientId, serviceId, userId: userIdHeader ?? null, issue: issue ?? null, representedParty: representedParty ?? null, method: request.method, path: `${path}${rawQuery ? `?${rawQuery}` : ''}`, keepBody: full };
  const log: LoggedMessage[] = [{ ...base, at, side: 'client', direction: 'request', requestHash: hash, body: request.body }];

  let answer: GatewayAnswer;
  let served = false;
  let responseSignature: string | null = null;
  try {
    if (failure) throw failure;
    // Only registered information systems, each over the connection it was registered with.
    const registered = await authenticateClient(deps.db, clientId, request.transport);
    if (request.transport.kind !== 'internal') deps.rateLimiter?.take(clientId, registered.ratePerMinute);
    const { keepBody: _keepBody, representedParty: _representedParty, ...fields } = base;
    const message: ProviderMessage = { ...fields, headers: forwarded, body: request.body };
    const local = localService(deps.services, serviceId) !== undefined || systems.has(serviceId) || metaserviceOf(deps, systems, serviceId) !== undefined;
    const node = local ? undefined : deps.remote?.locate(service!);
    if (!local && !node) throw clientProxyError('UnknownService', `No node in the federation provides ${serviceId}`);
    // a client that names the provider's security server is served by that one or not at all
    if (securityServer && (securityServer.serverCode !== (node ?? deps.nodeId) || securityServer.instance !== service!.instance)) {
      throw clientProxyError('InvalidSecurityServer', `${serverHeader} does not serve ${serviceId}`);
    }
    const provided = local ? await serveInNode(deps, message) : await deps.remote!.send(node!, message);
    log[0].signature = provided.requestSignature ?? null;
    responseSignature = provided.signature ?? null;
    if (provided.requestHash !== hash) {
      await provided.body.dispose();
      throw clientProxyError('InconsistentResponse', 'Response message hash does not match request message');
    }
    served = !provided.errorType;
    if (provided.errorType) {
      // the provider's side's own refusal (a few hundred bytes) is re-written in the format the client asked for
      const refusal = ExchangeError.fromBody(await provided.body.bytes(), provided.status);
      await provided.body.dispose();
      answer = errorAnswer(refusal, header(request.headers, 'accept'));
    } else answer = { status: provided.status, headers: { ...provided.headers }, body: provided.body };
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    answer = errorAnswer(error, header(request.headers, 'accept'));
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
