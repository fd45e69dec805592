import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { clientError, clientProxyError, ExchangeError } from './errors.js';
import type { Transport } from './clients.js';
import { type GatewayDeps, handleGatewayRequest } from './gateway.js';
import { listClientsAnswer } from './metaservices.js';
import { Payload } from './payload.js';

/**
 * The client interface: where the information systems registered on this node call the exchange, as X-Road's
 * Security Server's client proxy. One port speaks both plain HTTP and HTTPS (the first byte of a connection tells a
 * TLS handshake from an HTTP request); whether that connection authenticates the client it names is decided per
 * registered subsystem (clients.ts). It is not the portal's port: by default it listens on loopback only.
 */
export interface ClientInterfaceOptions {
  /** the largest request body, in bytes; above it an X-Road error, the body unread */
  maxBodyBytes: number;
}

// PR-META's listClients is served beside /r1, outside it
const LIST_CLIENTS = /^\/listClients(\?|$)/;
// Headers past this many bytes are refused as an X-Road error, and logged; past twice as many the HTTP parser itself
// refuses them (still as an X-Road error, but there is then no request to log).
export const MAX_HEADER_BYTES = 32 * 1024;

/** The transport a request came by: plain or TLS, the peer's address and, with mutual TLS, its certificate. */
export function transportOf(req: IncomingMessage): Transport {
  const socket = req.socket as Socket & Partial<TLSSocket>;
  const remoteAddress = socket.remoteAddress ?? '';
  if (!socket.encrypted || typeof socket.getPeerCertificate !== 'function') return { kind: 'http', remoteAddress };
  const peer = socket.getPeerCertificate();
  if (!peer?.raw) return { kind: 'https', remoteAddress };
  return { kind: 'https', remoteAddress, peerCertificate: { fingerprint: peer.fingerprint256.replace(/:/g, '').toLowerCase(), validTo: new Date(peer.valid_to) } };
}

// Every value of every header, in order (a header sent twice is two values; Node would join some with commas).
function headersOf(req: IncomingMessage): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) (headers[req.rawHeaders[i].toLowerCase()] ??= []).push(req.rawHeaders[i + 1]);
  return headers;
}

/**
 * The request's body (spooled past a threshold), or undefined when it is larger than the limit. The rest of a body
 * over the limit is read and dropped, up to as much again, so that a client still sending it reads the refusal
 * (most HTTP clients fail on a reset rather than read an early answer); past that it is left unread.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Payload | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const body = declared > limit ? 'too-large' : await Payload.read(req, limit);
  if (body !== 'too-large') return body;
  if (declared > 2 * limit) return (req.pause(), undefined);
  await new Promise<void>((resolve) => {
    let left = limit;
    req.on('data', (c: Buffer) => ((left -= c.length) < 0 ? (req.pause(), resolve()) : undefined));
    req.once('end', resolve).once('error', () => resolve());
    req.resume();
  });
  return undefined;
}

/** Sends an answer: a small body at once, a spooled one streamed from its file. */
export async function sendAnswer(res: ServerResponse, answer: { status: number; headers: Record<string, string>; body: Payload }): Promise<void> {
  const small = answer.body.inMemory;
  if (small) {
    res.writeHead(answer.status, answer.headers);
    return void res.end(small);
  }
  res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.size) });
  await pipeline(answer.body.stream(), res);
}

/** The client interface's request handler (a plain node:http handler, so tests can inject requests into it). */
export function clientInterfaceHandler(deps: GatewayDeps, options: ClientInterfaceOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      if (req.method === 'GET' && LIST_CLIENTS.test(req.url ?? '')) {
        const answer = listClientsAnswer(await deps.directory(), req.headers.accept, new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
        res.writeHead(answer.status, answer.headers);
        return void res.end(answer.body);
      }
      const headerBytes = req.rawHeaders.reduce((n, h) => n + Buffer.byteLength(h) + 2, 0);
      const body = headerBytes > MAX_HEADER_BYTES ? Payload.EMPTY : await readBody(req, options.maxBodyBytes);
      // A request over the limits is refused, and logged, like any other the gateway refuses; its body is not read.
      const refusal =
        headerBytes > MAX_HEADER_BYTES
          ? new ExchangeError('Client.RequestHeadersTooLarge', `The request's headers are larger than ${MAX_HEADER_BYTES} bytes`, 431)
          : body === undefined
            ? new ExchangeError('Client.RequestTooLarge', `The request body is larger than ${options.maxBodyBytes} bytes`, 413)
            : undefined;
      try {
        const answer = await handleGatewayRequest(deps, {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: headersOf(req),
          body: body ?? Payload.EMPTY,
          transport: transportOf(req),
          refusal,
        });
        if (refusal) answer.headers.connection = 'close';
        await sendAnswer(res, answer).finally(() => answer.body.dispose());
      } finally {
        await body?.dispose();
      }
    })().catch((error: unknown) => {
      // (a failure of the node itself, such as its database: the gateway's error, not the client's)
      const e = error instanceof ExchangeError ? error : clientProxyError('InternalError', 'The gateway failed to process the request');
      if (!(error instanceof ExchangeError)) console.error('client interface:', error);
      // (an answer that failed while it was being sent cannot be replaced: the connection is cut)
      if (res.headersSent) return void res.destroy();
      res.writeHead(e.status, { 'content-type': 'application/json; charset=utf-8', 'x-road-error': e.type });
      res.end(JSON.stringify(e.body()));
    });
  };
}

export interface ClientInterface {
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port for both HTTP and HTTPS (the node's internal TLS certificate; client certificates asked, not required). */
export function startClientInterface(
  options: { host: string; port: number; tls: { keyPem: string; certPem: string } },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<ClientInterface> {
  const http = createHttpServer({ requestTimeout: 60_000, maxHeaderSize: 2 * MAX_HEADER_BYTES }, handler);
  // What the HTTP parser refuses before there is a request (malformed, or headers past its limit): an X-Road error too.
  http.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const e = tooLarge ? new ExchangeError('Client.RequestHeadersTooLarge', 'The request\'s headers are too large', 431) : clientError('BadRequest', 'The request is not well-formed HTTP/1.1');
    const body = JSON.stringify(e.body());
    socket.end(`HTTP/1.1 ${e.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\nx-road-error: ${e.type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  // CONNECT is no method of the protocol (and would otherwise leave the socket unanswered): an X-Road error too.
  http.on('connect', (_req, socket) => {
    const e = clientError('InvalidHttpMethod', 'CONNECT is not a method of the Message Protocol for REST');
    const body = JSON.stringify(e.body());
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\nx-road-error: ${e.type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  // Client certificates are pinned per subsystem, not chained to a CA (an information system's is often self-signed),
  // so the handshake accepts any and the gateway compares it with the subsystem's.
  const tls = createTlsServer({ key: options.tls.keyPem, cert: options.tls.certPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
  tls.on('secureConnection', (socket) => http.emit('connection', socket));
  tls.on('tlsClientError', (_error, socket) => socket.destroy());
  const server: NetServer = createNetServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (first) => {
      socket.pause();
      socket.unshift(first);
      // 0x16: a TLS handshake record
      (first[0] === 0x16 ? tls : http).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise((done) => {
            http.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
