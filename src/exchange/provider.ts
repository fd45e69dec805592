import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { withTimeout } from '../platform/timeout.js';
import type { RegistryService } from '../registries/index.js';
import { ExchangeError, serverProxyError } from './errors.js';
import { isGranted } from './access.js';
import { formatServiceId, parseClientId } from './identifiers.js';
import { type LoggedMessage, recordExchange } from './message-log.js';

/** A request as it reaches the provider's gateway: already checked by the client's gateway, with its hash. */
export interface ProviderMessage {
  method: string;
  serviceId: string;
  clientId: string;
  /** the provider's path and query, e.g. /records/870412300416?x=1 */
  path: string;
  xRoadId: string;
  requestId: string;
  userId: string | null;
  issue: string | null;
  requestHash: string;
  body: Uint8Array;
  /** the sending node's signature, when the message came from another node */
  signature?: string;
}

export interface ProviderAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** the X-Road error type when the provider's gateway refused or failed, not the service */
  errorType: string | null;
  /** the signed answer (compact JWS) when it goes back to another node */
  sealed?: string;
  /** the signatures of the request and of the answer, when they crossed between nodes */
  requestSignature?: string;
  signature?: string;
}

export interface ProviderDeps {
  db: Db;
  clock: Clock;
  services: RegistryService[];
  timeoutMs: number;
  fullLogging?: (clientId: string) => boolean;
}

// The node's services by their formatted identifier, built once per list (the list is fixed when the node starts):
// looking one up by formatting every identifier on every message was measurable in the exchange bench.
const servicesById = new WeakMap<RegistryService[], Map<string, RegistryService>>();
export function localService(services: RegistryService[], serviceId: string): RegistryService | undefined {
  let byId = servicesById.get(services);
  if (!byId) servicesById.set(services, (byId = new Map(services.map((s) => [formatServiceId(s.id), s]))));
  return byId.get(serviceId);
}

/**
 * The provider's side of the gateway: the client must have been granted the service (access rights belong to the
 * provider), the service is called under a time limit, both the request and the answer are logged, and each person
 * the answer is about gets an entry in their data tracker — on this node, whoever asked from wherever.
 */
export async function serveProviderRequest(deps: ProviderDeps, m: ProviderMessage, seal?: (answer: ProviderAnswer) => Promise<string>): Promise<ProviderAnswer> {
  const at = deps.clock.now();
  const client = parseClientId(m.clientId);
  const base = { xRoadId: m.xRoadId, requestId: m.requestId, clientId: m.clientId, serviceId: m.serviceId, userId: m.userId, issue: m.issue, method: m.method, path: m.path, requestHash: m.requestHash, keepBody: deps.fullLogging?.(m.clientId) ?? false };
  const log: LoggedMessage[] = [{ ...base, at, side: 'provider', direction: 'request', signature: m.signature ?? null, body: m.body }];
  let answer: ProviderAnswer;
  let subjects: { state: string; id: string }[] = [];
  try {
    const target = localService(deps.services, m.serviceId);
    if (!target || !client) throw serverProxyError('UnknownService', `This node does not provide ${m.serviceId}`);
    const granted = await isGranted(deps.db, m.serviceId, client);
    if (!granted) throw serverProxyError('AccessDenied', `${m.clientId} has not been granted ${m.serviceId}`);
    const [path, query = ''] = m.path.split(/\?(.*)/s, 2);
    const result = await withTimeout(target.handle(deps.db, { now: deps.clock.now(), method: m.method, path, query: new URLSearchParams(query), body: m.body }), deps.timeoutMs, () =>
      serverProxyError('ServiceTimeout', `The service did not answer within ${deps.timeoutMs} ms`),
    ).catch((error) => {
      if (error instanceof ExchangeError) throw error;
      throw serverProxyError('ServiceFailed', 'The service failed to answer');
    });
    subjects = result.subjects;
    answer = { status: result.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(result.body)), errorType: null };
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    answer = { status: error.status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-road-error': error.type }, body: Buffer.from(JSON.stringify(error.body())), errorType: error.type };
  }
  // An answer for another node is signed before it is logged, so the log holds the signature that was sent.
  if (seal) {
    answer.sealed = await seal(answer);
    answer.signature = answer.sealed.split('.')[2];
  }
  log.push({ ...base, at: deps.clock.now(), side: 'provider', direction: 'response', status: answer.status, errorType: answer.errorType, signature: answer.signature ?? null, body: answer.body });
  await recordExchange(deps.db, {
    messages: log,
    accesses: subjects.map((s) => ({ personState: s.state, personId: s.id, role: 'subject' as const, at, clientId: m.clientId, serviceId: m.serviceId, userId: m.userId, issue: m.issue, requestId: m.requestId })),
  });
  return answer;
}
