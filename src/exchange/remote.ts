import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import { clientProxyError, ExchangeError, serverProxyError } from './errors.js';
import { certificateFingerprint, type FederationNode, type FederationView } from './federation.js';
import type { RemoteProviders } from './gateway.js';
import { formatClientId, parseClientId, type ServiceId } from './identifiers.js';
import { type ProviderDeps, sealAnswer, serveProviderRequest, type SignedAnswer, type SignedRequest, wireOf } from './provider.js';
import { signatureOf, signMessage, verifyMessage } from './signing.js';
import { Payload } from './payload.js';
import { FramedReader, framed, MESSAGE_MEDIA_TYPE } from './wire.js';

/** A node's gateway identity: its key and certificate under the trust anchor, and the anchor itself. */
export interface NodeCredentials {
  id: string;
  keyPem: string;
  certPem: string;
  anchorPem: string;
}

const MESSAGES_PATH = '/exchange/v1/messages';
const declaredLength = (header: string | undefined) => (header && /^\d+$/.test(header) ? Number(header) : undefined);
const transferAllowanceMs = (bytes: number) => Math.ceil(bytes / (1024 * 1024)) * 1000;
// An envelope holds the message's metadata and headers (at most 32 KiB on the client interface), never its body.
const MAX_ENVELOPE_BYTES = 256 * 1024;
const memberOf = (clientId: string) => {
  const c = parseClientId(clientId);
  return c ? formatClientId({ instance: c.instance, memberClass: c.memberClass, memberCode: c.memberCode }) : undefined;
};

/**
 * The client's gateway talking to another node's gateway: HTTPS with mutual TLS under the federation's trust
 * anchor, the provider's certificate pinned to the one the configuration names, the message signed with this node's
 * key and the answer's signature verified with the provider's, within a time limit.
 */
export function remoteProviders(view: FederationView, creds: NodeCredentials, timeoutMs: number, maxBodyBytes: number): RemoteProviders {
  // One pool of kept-alive connections per node and certificate: the pin is checked when a connection is opened, so
  // a node whose certificate the configuration changes gets new connections.
  const agents = new Map<string, Agent>();
  const agentFor = (node: FederationNode) => {
    const fingerprint = certificateFingerprint(node.certificate);
    const name = `${node.id} ${fingerprint}`;
    let agent = agents.get(name);
    if (!agent) {
      for (const [key, old] of agents) if (key.startsWith(`${node.id} `)) (old.destroy(), agents.delete(key));
      agent = new Agent({
        keepAlive: true,
        key: creds.keyPem,
        cert: creds.certPem,
        ca: creds.anchorPem,
        // Pinned: the server must present exactly the certificate the configuration names for that node.
        checkServerIdentity: (host, cert) =>
          createHash('sha256').update(cert.raw).digest('hex') !== fingerprint
            ? clientProxyError('SslAuthenticationFailed', `The gateway at ${node.address} is not ${node.id}`)
            : checkServerIdentity(host, cert),
      });
      agents.set(name, agent);
    }
    return agent;
  };
  return {
    configurationValid: () => view.current() !== undefined,
    locate(service: ServiceId) {
      if (!view.current()) throw clientProxyError('OutdatedGlobalConf', 'The federation configuration has expired or was never loaded');
      const subsystem = service.subsystem !== undefined ? formatClientId(service) : undefined;
      const member = formatClientId({ instance: service.instance, memberClass: service.memberClass, memberCode: service.memberCode });
      return view.current()?.nodes.find((n) => n.id !== creds.id && (subsystem ? n.subsystems.includes(subsystem) : n.members.includes(member)))?.id;
    },
    isSubsystem(i, c, m, code) {
      const id = formatClientId({ instance: i, memberClass: c, memberCode: m, subsystem: code });
      return !!view.current()?.nodes.some((n) => n.subsystems.includes(id));
    },
    async send(nodeId, message) {
      const node = view.node(nodeId);
      if (!view.current()) throw clientProxyError('OutdatedGlobalConf', 'The federation configuration has expired or was never loaded');
      if (!node) throw clientProxyError('UnknownService', `Node ${nodeId} is no longer in the federation`);
      const signed = signMessage({ ...wireOf(message, creds.id), sentAt: new Date().toISOString() }, creds.keyPem);
      const url = new URL(MESSAGES_PATH, node.address);
      const { status, answer, text } = await new Promise<{ status: number; answer?: SignedAnswer & { envelope: string; body: Payload }; text?: string }>((resolve, reject) => {
        // One limit for the whole exchange — connecting, the handshake, sending, the provider's work and the answer —
        // so a node that accepts and then stalls anywhere costs the caller no more than it; a body adds a second per
        // MiB each way to it, so that 10 MiB on a slow link is not cut off.
        let until = Date.now() + timeoutMs + transferAllowanceMs(message.body.size);
        let deadline: NodeJS.Timeout | undefined;
        const arm = () => {
          clearTimeout(deadline);
          deadline = setTimeout(() => req.destroy(clientProxyError('NetworkError', `${nodeId} did not answer within ${timeoutMs} ms (and a second per MiB of body)`)), until - Date.now());
        };
        const fail = (error: unknown) => {
          clearTimeout(deadline);
          reject(error instanceof ExchangeError ? error : clientProxyError('NetworkError', `Cannot reach ${nodeId}: ${(error as Error).message}`));
        };
        const req = httpsRequest(
          {
            hostname: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            agent: agentFor(node),
            headers: { 'content-type': MESSAGE_MEDIA_TYPE, 'content-length': String(Buffer.byteLength(signed) + 1 + message.body.size) },
          },
          (res) => {
            void (async () => {
              if (res.statusCode !== 200) {
                // the provider's gateway refused the message itself: its X-Road error, a few hundred bytes of JSON
                const refusal = await Payload.read(res, 64 * 1024);
                clearTimeout(deadline);
                return resolve({ status: res.statusCode ?? 0, text: refusal === 'too-large' ? '' : (await refusal.bytes()).toString('utf8') });
              }
              // The envelope is verified before the body is read; the body must then be the one it signed.
              const reader = new FramedReader(res, declaredLength(res.headers['content-length']));
              const envelope = await reader.envelope(MAX_ENVELOPE_BYTES);
              const signedAnswer = envelope === undefined ? undefined : verifyMessage<SignedAnswer>(envelope, node.certificate);
              if (!signedAnswer || signedAnswer.requestId !== message.requestId) {
                throw clientProxyError('InvalidSignatureValue', `The answer from ${nodeId} is not signed by it, or not for this request`);
              }
              if (Number.isSafeInteger(signedAnswer.bodyLength) && signedAnswer.bodyLength <= maxBodyBytes) ((until += transferAllowanceMs(signedAnswer.bodyLength)), arm());
              const body = await reader.body(signedAnswer, maxBodyBytes);
              if (body === 'too-large') throw clientProxyError('ResponseTooLarge', `The answer from ${nodeId} is larger than this node accepts (${maxBodyBytes} bytes)`);
              if (body === 'not-as-signed') throw clientProxyError('InvalidSignatureValue', `The answer's body from ${nodeId} is not the one it signed`);
              clearTimeout(deadline);
              resolve({ status: 200, answer: { ...signedAnswer, envelope: envelope!, body } });
            })().catch((error: unknown) => {
              // (an answer refused part-way is not read on: its connection is closed)
              res.destroy();
              fail(error);
            });
          },
        );
        arm();
        req.on('error', fail);
        const wire = framed(signed, message.body);
        if (Buffer.isBuffer(wire)) req.end(wire);
        else wire.on('error', (error) => req.destroy(error)).pipe(req);
      });
      if (!answer) {
        try {
          const body = JSON.parse(text ?? '') as { type: string; message: string };
          if (typeof body.type === 'string') throw new ExchangeError(body.type, body.message);
        } catch (error) {
          if (error instanceof ExchangeError) throw error;
        }
        throw clientProxyError('NetworkError', `${nodeId} answered ${status}`);
      }
      // (the request hash it signed is checked against this side's own by the gateway)
      return {
        status: answer.status,
        headers: answer.headers,
        body: answer.body,
        errorType: answer.errorType,
        requestHash: answer.requestHash,
        requestSignature: signatureOf(signed),
        signature: signatureOf(answer.envelope),
      };
    },
  };
}

/**
 * The requests a provider's gateway has served lately, by sender and request id: a message is accepted only within
 * MESSAGE_WINDOW_MS of the time its sender signed it, and only once within that window (per node process).
 */
const MESSAGE_WINDOW_MS = 5 * 60_000;
class RecentRequests {
  private readonly seen = new Map<string, number>();

  /** Why the message must be refused, or undefined when it is fresh and new (it is then remembered). */
  check(key: string, sentAt: string | undefined, now = Date.now()): string | undefined {
    const sent = sentAt ? Date.parse(sentAt) : NaN;
    if (!(Math.abs(now - sent) <= MESSAGE_WINDOW_MS)) return 'The message was not signed within the last five minutes (or its time is missing)';
    if (this.seen.has(key)) return 'The message has already been served (a replay)';
    if (this.seen.size > 100_000 || this.seen.size % 1000 === 0) for (const [k, until] of this.seen) if (until < now) this.seen.delete(k);
    this.seen.set(key, now + 2 * MESSAGE_WINDOW_MS);
    return undefined;
  }
}

/** The fields a signed request must have, each of its type (a node's signature does not make a message well formed). */
function wellFormed(w: SignedRequest): boolean {
  const strings = [w.method, w.serviceId, w.clientId, w.path, w.xRoadId, w.requestId, w.bodySha512];
  return (
    strings.every((v) => typeof v === 'string') &&
    [w.userId, w.issue].every((v) => v === null || typeof v === 'string') &&
    Number.isSafeInteger(w.bodyLength) &&
    Array.isArray(w.headers) &&
    w.headers.every((h) => Array.isArray(h) && h.length === 2 && typeof h[0] === 'string' && typeof h[1] === 'string')
  );
}

// A kept-alive connection carries many messages; its peer's certificate is read once.
const peerFingerprints = new WeakMap<TLSSocket, string | undefined>();
function peerFingerprint(socket: TLSSocket): string | undefined {
  if (!peerFingerprints.has(socket)) {
    const raw = socket.getPeerCertificate()?.raw;
    peerFingerprints.set(socket, raw ? createHash('sha256').update(raw).digest('hex') : undefined);
  }
  return peerFingerprints.get(socket);
}

/**
 * The provider's gateway for other nodes: HTTPS that accepts only clients with a certificate under the trust
 * anchor, and only nodes the current configuration lists; each message must be signed by the node that sent it
 * and speak for one of its own members. The answer is signed with this node's key.
 */
export function startGatewayServer(options: { port: number; host: string; creds: NodeCredentials; view: FederationView; provider: ProviderDeps; maxBodyBytes: number }): Promise<Server> {
  const { creds, view, provider } = options;
  const recent = new RecentRequests();
  const refuse = (res: import('node:http').ServerResponse, error: ExchangeError) => {
    res.writeHead(error.status === 400 ? 400 : 403, { 'content-type': 'application/json; charset=utf-8', 'x-road-error': error.type, connection: 'close' });
    res.end(JSON.stringify(error.body()));
  };
  const server = createServer({ key: creds.keyPem, cert: creds.certPem, ca: creds.anchorPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    let body: Payload | undefined;
    let answerBody: Payload | undefined;
    const reader = new FramedReader(req, declaredLength(req.headers['content-length']));
    void (async () => {
      if (req.method !== 'POST' || req.url !== MESSAGES_PATH) throw new ExchangeError('Server.ServerProxy.BadRequest', 'Not an exchange message', 400);
      const fingerprint = peerFingerprint(req.socket as TLSSocket);
      const sender = fingerprint ? view.nodeByCertificate(fingerprint) : undefined;
      if (!view.current()) throw serverProxyError('OutdatedGlobalConf', 'This node has no valid federation configuration');
      if (!sender) throw serverProxyError('SslAuthenticationFailed', 'The calling gateway is not a node of the federation');
      // The envelope first: its signature, its freshness and its sender's right to speak for the client are checked
      // before a byte of the body is read.
      const envelope = await reader.envelope(MAX_ENVELOPE_BYTES);
      const wire = envelope === undefined ? undefined : verifyMessage<SignedRequest>(envelope, sender.certificate);
      if (!wire || wire.from !== sender.id) throw serverProxyError('InvalidSignatureValue', 'The message is not signed by the node that sent it');
      if (!wellFormed(wire)) throw serverProxyError('InvalidMessage', 'The message is not an exchange request');
      // A message signed by a node is served once, and only while fresh: a replay of one (even by its own sender)
      // is refused.
      const replay = recent.check(`${sender.id} ${wire.requestId}`, wire.sentAt);
      if (replay) throw serverProxyError('InvalidMessage', replay);
      const member = memberOf(wire.clientId);
      if (!member || !sender.members.includes(member)) throw serverProxyError('AccessDenied', `${sender.id} does not speak for ${wire.clientId}`);
      const read = await reader.body(wire, options.maxBodyBytes);
      if (read === 'too-large') throw serverProxyError('RequestTooLarge', `The message is larger than this node accepts (${options.maxBodyBytes} bytes of body)`);
      if (read === 'not-as-signed') throw serverProxyError('InvalidSignatureValue', 'The message\'s body is not the one its sender signed');
      body = read;
      const { from: _from, bodyLength: _length, bodySha512: _sha512, sentAt: _sentAt, ...message } = wire;
      const answer = await serveProviderRequest(provider, { ...message, body, signature: signatureOf(envelope!) }, (a) => sealAnswer(a, wire.requestId, creds.keyPem));
      answerBody = answer.body;
      res.writeHead(200, { 'content-type': MESSAGE_MEDIA_TYPE, 'content-length': String(Buffer.byteLength(answer.sealed!) + 1 + answer.body.size) });
      const sent = framed(answer.sealed!, answer.body);
      if (Buffer.isBuffer(sent)) res.end(sent);
      else await pipeline(sent, res);
    })()
      .catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        refuse(res, error instanceof ExchangeError ? error : serverProxyError('InternalError', 'The gateway failed to process the message'));
        // the rest of a refused message is read and dropped, so that its sender reads the refusal rather than a reset
        return reader.discard(options.maxBodyBytes + MAX_ENVELOPE_BYTES).then((all) => void (all || req.destroy()));
      })
      .finally(() => void Promise.all([body?.dispose(), answerBody?.dispose()]));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
