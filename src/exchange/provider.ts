import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { withTimeout } from '../platform/timeout.js';
import type { RegistryService } from '../registries/index.js';
import { clientProxyError, ExchangeError, serverProxyError } from './errors.js';
import { isGranted, localGroupsContaining } from './access.js';
import { answerMetaservice, type DescribedService, METASERVICES, rightsOfClient } from './metaservices.js';
import { type ClientId, formatClientId, formatServiceId, isSafeProviderPath, parseClientId, parseServiceId } from './identifiers.js';
import { type LoggedMessage, recordExchange } from './message-log.js';
import { type GatewaySigner, requestHash, signatureOf, signMessage, verifyMessage } from './signing.js';
import { callExternal, type ExternalService, externalServices } from './external.js';
import { Payload } from './payload.js';
import { type BodyDescription, describeBody } from './wire.js';

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
  /** the request's headers as they travel (forwardedHeaders): what the request hash covers beside the body */
  headers: [string, string][];
  body: Payload;
  /** the signature of the client's side of the gateway over the message */
  signature?: string;
}

export interface ProviderAnswer {
  status: number;
  headers: Record<string, string>;
  body: Payload;
  /** the X-Road error type when the provider's gateway refused or failed, not the service */
  errorType: string | null;
  /** the request hash the provider's side computed from the request it received (none when it refused the message) */
  requestHash?: string;
  /** the signed envelope of the answer (compact JWS over its metadata and its body's digest) */
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
  /** whether a message's body is logged (else only its hash): every one, unless the operator chose otherwise */
  logBodies?: (clientId: string, serviceId: string) => boolean;
  /** whether the message log has gone unstamped for too long: then nothing is exchanged */
  timestampsRefusing?: () => boolean;
  /** the gateway's signing key: messages inside the node are signed as between nodes */
  signer: GatewaySigner;
  /** the federation's global groups a client subsystem belongs to (INSTANCE/CODE) */
  globalGroupsOf?: (clientId: string) => string[];
  /** the certificate the node presents to agencies' own systems over https (its client interface's) */
  clientTls: { keyPem: string; certPem: string };
  /** the largest body, in bytes, that passes through the exchange either way */
  maxBodyBytes: number;
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
export async function serveProviderRequest(deps: ProviderDeps, m: ProviderMessage, seal: (answer: ProviderAnswer) => string): Promise<ProviderAnswer> {
  const at = deps.clock.now();
  const client = parseClientId(m.clientId);
  // The hash is this side's own, from the request as received; whatever the caller claimed does not count.
  const hash = requestHash(m.method, `/r1/${m.serviceId}${m.path}`, m.headers, m.body);
  const representedParty = m.headers.findLast(([name]) => name === 'x-road-represented-party')?.[1] ?? null;
  const base = { xRoadId: m.xRoadId, requestId: m.requestId, clientId: m.clientId, serviceId: m.serviceId, userId: m.userId, issue: m.issue, representedParty, method: m.method, path: m.path, requestHash: hash, keepBody: deps.logBodies?.(m.clientId, m.serviceId) ?? true };
  const log: LoggedMessage[] = [{ ...base, at, side: 'provider', direction: 'request', signature: m.signature ?? null, body: m.body }];
  let answer: ProviderAnswer;
  let subjects: { state: string; id: string }[] = [];
  try {
    // (a message from another node is signed by it, but its path is still checked as the client's side checks one)
    if (!isSafeProviderPath(m.path)) throw serverProxyError('InvalidRequest', 'The path is not one the protocol allows');
    const [path, query = ''] = m.path.split(/\?(.*)/s, 2);
    const systems = await externalServices(deps.db);
    const meta = metaserviceOf(deps, systems, m.serviceId);
    if (meta && client) {
      // X-Road's metaservices: answered for any client, without an access check
      const { provider, described } = meta;
      const owner = formatClientId(provider);
      const groups = await localGroupsContaining(deps.db, owner, m.clientId);
      const global = deps.globalGroupsOf?.(m.clientId) ?? [];
      const called = await answerMetaservice(meta.code, provider, described, { method: m.method, query: new URLSearchParams(query) }, (serviceId) => rightsOfClient(deps.db, serviceId, m.clientId, groups, global));
      answer = { ...called, body: Payload.of(called.body), errorType: null, requestHash: hash };
      return await finish();
    }
    const register = localService(deps.services, m.serviceId);
    const system = register ? undefined : systems.get(m.serviceId);
    if ((!register && !system) || !client) throw serverProxyError('UnknownService', `This node does not provide ${m.serviceId}`);
    const granted = await isGranted(deps.db, m.serviceId, client, { method: m.method, path }, deps.globalGroupsOf);
    if (!granted) throw serverProxyError('AccessDenied', `${m.clientId} has not been granted ${m.method} ${path} of ${m.serviceId}`);
    if (system) {
      // an agency's own system: everything passes through, both ways
      const called = await callExternal(system, { method: m.method, path: m.path, headers: m.headers, body: m.body }, { clientTls: deps.clientTls, maxBodyBytes: deps.maxBodyBytes });
      // (spooled past a threshold: the caller of serveProviderRequest disposes of the answer's body)
      answer = { status: called.status, headers: called.headers, body: called.body, errorType: null, requestHash: hash };
    } else {
      const result = await withTimeout(register!.handle(deps.db, { now: deps.clock.now(), method: m.method, path, query: new URLSearchParams(query), body: await m.body.bytes() }), deps.timeoutMs, () =>
        serverProxyError('ServiceTimeout', `The service did not answer within ${deps.timeoutMs} ms`),
      ).catch((error) => {
        if (error instanceof ExchangeError) throw error;
        throw serverProxyError('ServiceFailed', 'The service failed to answer');
      });
      subjects = result.subjects;
      answer = { status: result.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Payload.of(JSON.stringify(result.body)), errorType: null, requestHash: hash };
    }
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    answer = { status: error.status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-road-error': error.type }, body: Payload.of(JSON.stringify(error.body())), errorType: error.type, requestHash: hash };
  }
  return finish();

  async function finish(): Promise<ProviderAnswer> {
    // The answer is signed (with the request hash) before it is logged, so the log holds the signature that was sent.
    answer.sealed = seal(answer);
    answer.signature = signatureOf(answer.sealed);
    log.push({ ...base, at: deps.clock.now(), side: 'provider', direction: 'response', status: answer.status, errorType: answer.errorType, signature: answer.signature ?? null, body: answer.body });
    await recordExchange(deps.db, {
      messages: log,
      accesses: subjects.map((s) => ({ personState: s.state, personId: s.id, role: 'subject' as const, at, clientId: m.clientId, serviceId: m.serviceId, userId: m.userId, issue: m.issue, requestId: m.requestId })),
    }).catch(async (error: unknown) => {
      // (an answer that cannot be logged is not given: its spooled body goes)
      await answer.body.dispose();
      throw error;
    });
    return answer;
  }
}

/**
 * Whether a service id names a metaservice of a provider subsystem this node serves: its code, the subsystem, and
 * the services the node provides (registers and agencies' systems) with their descriptions.
 */
export function metaserviceOf(deps: Pick<ProviderDeps, 'services'>, systems: Map<string, ExternalService>, serviceId: string) {
  const id = parseServiceId(serviceId);
  if (!id || !METASERVICES.has(id.service) || id.subsystem === undefined) return undefined;
  const provider: ClientId = { instance: id.instance, memberClass: id.memberClass, memberCode: id.memberCode, subsystem: id.subsystem };
  const described: DescribedService[] = [
    ...deps.services.map((s) => ({ id: s.id, openapi: s.openapi })),
    ...[...systems.values()].map((x) => ({ id: parseServiceId(x.serviceId)!, openapi: x.openapi })),
  ];
  const owner = formatClientId(provider);
  if (!described.some((s) => formatClientId(s.id) === owner)) return undefined;
  return { code: id.service, provider, described };
}

/** An answer's envelope as it is signed: what the client's side verifies, the request hash and the body's digest included. */
export interface SignedAnswer extends BodyDescription {
  status: number;
  headers: Record<string, string>;
  errorType: string | null;
  requestId: string;
  requestHash: string;
}

export const sealAnswer = (answer: ProviderAnswer, requestId: string, keyPem: string) =>
  signMessage({ status: answer.status, headers: answer.headers, errorType: answer.errorType, ...describeBody(answer.body), requestId, requestHash: answer.requestHash! } satisfies SignedAnswer, keyPem);

/** A request's envelope as the client's side signs it (the body by its digest), between nodes with the sender's id. */
export type SignedRequest = Omit<ProviderMessage, 'body' | 'signature'> & BodyDescription & { from?: string; sentAt?: string };

export const wireOf = (m: ProviderMessage, from?: string): SignedRequest => {
  const { signature: _signature, body, ...rest } = m;
  return { ...rest, ...describeBody(body), ...(from ? { from } : {}) };
};

/**
 * A request to a service this node provides, from a client of this node: signed, verified, served and answered as
 * between nodes, so that the message log holds the same evidence either way (as X-Road's Security Server signs a
 * message whose client and provider it both serves).
 */
export async function serveInNode(deps: ProviderDeps, m: ProviderMessage): Promise<ProviderAnswer> {
  const signed = signMessage(wireOf(m), deps.signer.keyPem);
  const received = verifyMessage<SignedRequest>(signed, deps.signer.certPem);
  if (!received) throw serverProxyError('InvalidSignatureValue', 'The message is not signed by this node');
  // (the body stays where it is, in memory or spooled: the envelope signed its digest)
  const { bodyLength: _length, bodySha512: _sha512, ...fields } = received;
  const answer = await serveProviderRequest(deps, { ...fields, body: m.body, signature: signatureOf(signed) }, (a) => sealAnswer(a, m.requestId, deps.signer.keyPem));
  const check = verifyMessage<SignedAnswer>(answer.sealed!, deps.signer.certPem);
  if (!check || check.requestId !== m.requestId || check.bodySha512 !== answer.body.sha512Base64) {
    throw clientProxyError('InvalidSignatureValue', 'The answer is not signed by this node, or not for this request');
  }
  return { ...answer, requestHash: check.requestHash, requestSignature: signatureOf(signed) };
}
