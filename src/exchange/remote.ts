import { createHash, createPrivateKey, type KeyObject, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { verifyEs256 } from '../pki/jws.js';
import { Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import { clientProxyError, ExchangeError, serverProxyError } from './errors.js';
import { certificateFingerprint, type FederationNode, type FederationView } from './federation.js';
import type { RemoteProviders } from './gateway.js';
import { formatClientId, parseClientId, type ServiceId } from './identifiers.js';
import { type ProviderAnswer, type ProviderDeps, type ProviderMessage, serveProviderRequest } from './provider.js';

/** A node's gateway identity: its key and certificate under the trust anchor, and the anchor itself. */
export interface NodeCredentials {
  id: string;
  keyPem: string;
  certPem: string;
  anchorPem: string;
}

const MESSAGES_PATH = '/exchange/v1/messages';
const memberOf = (clientId: string) => {
  const c = parseClientId(clientId);
  return c ? formatClientId({ instance: c.instance, memberClass: c.memberClass, memberCode: c.memberCode }) : undefined;
};

// Messages between gateways are compact JWS (RFC 7515), ES256, made with node:crypto directly rather than jose: jose
// goes through WebCrypto's asynchronous jobs, which cost here about 2.5 times as much per signature and verification,
// and there are two of each on every round trip. The header is fixed and must match exactly, so no other algorithm
// is ever accepted. Keys are parsed once.
const HEADER = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'ortak-message+jws' })).toString('base64url');
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
const privateKey = (pem: string) => privateKeys.get(pem) ?? privateKeys.set(pem, createPrivateKey(pem)).get(pem)!;
const publicKey = (pem: string) => publicKeys.get(pem) ?? publicKeys.set(pem, new X509Certificate(pem).publicKey).get(pem)!;

function sign(payload: unknown, keyPem: string): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: privateKey(keyPem), dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function verify<T>(jws: string, certPem: string): T | undefined {
  const [header, payload, signature, ...rest] = jws.split('.');
  if (header !== HEADER || payload === undefined || signature === undefined || rest.length) return undefined;
  try {
    if (!verifyEs256(`${header}.${payload}`, signature, publicKey(certPem))) return undefined;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

interface WireMessage extends Omit<ProviderMessage, 'body'> {
  body: string;
  from: string;
}
interface WireAnswer extends Omit<ProviderAnswer, 'body' | 'sealed' | 'signature' | 'requestSignature'> {
  body: string;
  requestId: string;
  requestHash: string;
}

/**
 * The client's gateway talking to another node's gateway: HTTPS with mutual TLS under the federation's trust
 * anchor, the provider's certificate pinned to the one the configuration names, the message signed with this node's
 * key and the answer's signature verified with the provider's, within a time limit.
 */
export function remoteProviders(view: FederationView, creds: NodeCredentials, timeoutMs: number): RemoteProviders {
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
      const wire: WireMessage = { ...message, body: Buffer.from(message.body).toString('base64'), from: creds.id };
      const signed = sign(wire, creds.keyPem);
      const url = new URL(MESSAGES_PATH, node.address);
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpsRequest(
          {
            hostname: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            agent: agentFor(node),
            headers: { 'content-type': 'application/jose' },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => (clearTimeout(deadline), resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
            res.on('error', reject);
          },
        );
        // One limit for the whole exchange — connecting, the handshake, the provider's work and the answer — so a
        // node that accepts and then stalls anywhere costs the caller no more than the limit.
        const deadline = setTimeout(() => req.destroy(clientProxyError('NetworkError', `${nodeId} did not answer within ${timeoutMs} ms`)), timeoutMs);
        req.on('error', (error) => {
          clearTimeout(deadline);
          reject(error instanceof ExchangeError ? error : clientProxyError('NetworkError', `Cannot reach ${nodeId}: ${(error as Error).message}`));
        });
        req.end(signed);
      });
      if (status !== 200) {
        // The provider's gateway refused the message itself: its X-Road error, as it wrote it.
        try {
          const body = JSON.parse(text) as { type: string; message: string };
          if (typeof body.type === 'string') throw new ExchangeError(body.type, body.message);
        } catch (error) {
          if (error instanceof ExchangeError) throw error;
        }
        throw clientProxyError('NetworkError', `${nodeId} answered ${status}`);
      }
      const answer = verify<WireAnswer>(text, node.certificate);
      if (!answer || answer.requestId !== message.requestId || answer.requestHash !== message.requestHash) {
        throw clientProxyError('InvalidSignatureValue', `The answer from ${nodeId} is not signed by it, or not for this request`);
      }
      return {
        status: answer.status,
        headers: answer.headers,
        body: Buffer.from(answer.body, 'base64'),
        errorType: answer.errorType,
        requestSignature: signed.split('.')[2],
        signature: text.split('.')[2],
      };
    },
  };
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
export function startGatewayServer(options: { port: number; host: string; creds: NodeCredentials; view: FederationView; provider: ProviderDeps }): Promise<Server> {
  const { creds, view, provider } = options;
  const refuse = (res: import('node:http').ServerResponse, error: ExchangeError) => {
    res.writeHead(error.status === 400 ? 400 : 403, { 'content-type': 'application/json; charset=utf-8', 'x-road-error': error.type });
    res.end(JSON.stringify(error.body()));
  };
  const server = createServer({ key: creds.keyPem, cert: creds.certPem, ca: creds.anchorPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 15 * 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', async () => {
      try {
        if (req.method !== 'POST' || req.url !== MESSAGES_PATH) throw new ExchangeError('Server.ServerProxy.BadRequest', 'Not an exchange message', 400);
        const fingerprint = peerFingerprint(req.socket as TLSSocket);
        const sender = fingerprint ? view.nodeByCertificate(fingerprint) : undefined;
        if (!view.current()) throw serverProxyError('OutdatedGlobalConf', 'This node has no valid federation configuration');
        if (!sender) throw serverProxyError('SslAuthenticationFailed', 'The calling gateway is not a node of the federation');
        const signedRequest = Buffer.concat(chunks).toString('utf8');
        const wire = verify<WireMessage>(signedRequest, sender.certificate);
        if (!wire || wire.from !== sender.id) throw serverProxyError('InvalidSignatureValue', 'The message is not signed by the node that sent it');
        const member = memberOf(wire.clientId);
        if (!member || !sender.members.includes(member)) throw serverProxyError('AccessDenied', `${sender.id} does not speak for ${wire.clientId}`);
        const { from: _from, ...message } = wire;
        const answer = await serveProviderRequest(provider, { ...message, body: Buffer.from(wire.body, 'base64'), signature: signedRequest.split('.')[2] }, async (a) =>
          sign({ status: a.status, headers: a.headers, errorType: a.errorType, body: Buffer.from(a.body).toString('base64'), requestId: wire.requestId, requestHash: wire.requestHash } satisfies WireAnswer, creds.keyPem),
        );
        res.writeHead(200, { 'content-type': 'application/jose' });
        res.end(answer.sealed);
      } catch (error) {
        refuse(res, error instanceof ExchangeError ? error : serverProxyError('InternalError', 'The gateway failed to process the message'));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
