import { createHash, createPrivateKey, type KeyObject, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { verifyEs256 } from '../pki/jws.js';
import type { Payload } from './payload.js';

/**
 * The signatures and the request hash of exchange messages. Each message between the client's and the provider's
 * side of the gateway — between nodes, and inside one node alike — is a compact JWS (RFC 7515, ES256) by the sending
 * gateway's key; the provider's side signs its answer together with the request hash it computed itself from the
 * request it received, and the client's side checks that hash against its own (X-Road's PR-REST §4.3).
 */

// Made with node:crypto directly rather than jose: jose goes through WebCrypto's asynchronous jobs, which cost here
// about 2.5 times as much per signature and verification, and there are two of each on every round trip. The header
// is fixed and must match exactly, so no other algorithm is ever accepted. Keys are parsed once.
const HEADER = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'ortak-message+jws' })).toString('base64url');
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();
const privateKey = (pem: string) => privateKeys.get(pem) ?? privateKeys.set(pem, createPrivateKey(pem)).get(pem)!;
const publicKey = (pem: string) => publicKeys.get(pem) ?? publicKeys.set(pem, new X509Certificate(pem).publicKey).get(pem)!;

/** The gateway's signing key and certificate (the node's gateway certificate in a federation, else one of its CA's). */
export interface GatewaySigner {
  keyPem: string;
  certPem: string;
}

export function signMessage(payload: unknown, keyPem: string): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: privateKey(keyPem), dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

export function verifyMessage<T>(jws: string, certPem: string): T | undefined {
  const [header, payload, signature, ...rest] = jws.split('.');
  if (header !== HEADER || payload === undefined || signature === undefined || rest.length) return undefined;
  try {
    if (!verifyEs256(`${header}.${payload}`, signature, publicKey(certPem))) return undefined;
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The signature value of a compact JWS, as the message log keeps it. */
export const signatureOf = (jws: string) => jws.split('.')[2];

// Headers that do not travel (X-Road's SKIPPED_HEADERS: hop-by-hop and the connection's own), and the two that the
// gateway itself sets: a request's own X-Road-Request-Id and X-Road-Request-Hash are never believed.
const NOT_FORWARDED = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'user-agent', 'host', 'content-length', 'server', 'expect', 'x-road-request-id', 'x-road-request-hash',
]);

/**
 * The request's headers as they travel to the provider, in the order received: every header but the hop-by-hop ones
 * and those the gateway sets, then X-Road-Request-Id (this exchange's) and, when the client sent none, X-Road-Id.
 */
export function forwardedHeaders(headers: Record<string, string | string[] | undefined>, requestId: string, xRoadId: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  out.push(['x-road-request-id', requestId]);
  if (!out.some(([name]) => name === 'x-road-id')) out.push(['x-road-id', xRoadId]);
  return out;
}

/**
 * X-Road's request hash (PR-REST §4.3) over the request as it travels: the "headers" are the method, the path with
 * its query, and one `name:value` line per forwarded header, each line ending in CRLF; base64 of SHA-512 of that, or
 * with a body of SHA-512(SHA-512(headers) + SHA-512(body)). The request id is among the headers, so every exchange
 * has a hash of its own.
 */
export function requestHash(method: string, pathAndQuery: string, headers: [string, string][], body: Payload): string {
  const lines = [method, pathAndQuery, ...headers.map(([name, value]) => `${name}:${value}`)];
  const head = createHash('sha512').update(lines.map((l) => `${l}\r\n`).join('')).digest();
  if (!body.size) return head.toString('base64');
  // (the body's SHA-512 was computed as it was read: the body itself is not read again)
  return createHash('sha512').update(head).update(body.sha512).digest('base64');
}
