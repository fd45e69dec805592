import { KeyObject, verify } from 'node:crypto';
import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { CryptoKey } from './certificates.js';

export type JwsProblem = 'malformed' | 'algorithm' | 'signature' | 'payload';

export interface JwsHeader extends ProtectedHeaderParameters {
  x5c?: string[];
  'x5t#S256'?: string;
}

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/** Reads the protected header of a compact JWS without verifying it; undefined when it is not a compact JWS. */
export function readJwsHeader(jws: unknown): JwsHeader | undefined {
  if (typeof jws !== 'string' || !COMPACT.test(jws)) return undefined;
  try {
    return decodeProtectedHeader(jws) as JwsHeader;
  } catch {
    return undefined;
  }
}

// node:crypto verifies on the calling thread in a fraction of WebCrypto's time (its async job was a tenth of a
// submission's CPU); the key is converted once per CryptoKey.
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
function keyObjectOf(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = KeyObject.from(key)));
  return object;
}

/** An ES256 signature (base64url of the raw 64-byte r‖s, RFC 7518 §3.4, not DER) over a JWS signing input. */
export function verifyEs256(signingInput: string, signature: string, key: KeyObject): boolean {
  const bytes = Buffer.from(signature, 'base64url');
  return bytes.length === 64 && verify('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }, bytes);
}

/**
 * Verifies an ES256 compact JWS over exactly `expected` bytes. The payload may be attached (it must then equal
 * `expected`) or detached (RFC 7515 appendix F: empty middle part). Headers that change how the payload is read
 * (`b64`, `crit`) are not supported, so such a JWS does not verify.
 */
export async function verifyJws(jws: string, key: CryptoKey, expected: Uint8Array): Promise<JwsProblem | undefined> {
  const header = readJwsHeader(jws);
  if (!header) return 'malformed';
  if (header.alg !== 'ES256') return 'algorithm';
  if (header.crit !== undefined || header.b64 !== undefined) return 'signature';
  const [protectedPart, payloadPart, signaturePart] = jws.split('.');
  const payload = payloadPart === '' ? Buffer.from(expected).toString('base64url') : payloadPart;
  if (!verifyEs256(`${protectedPart}.${payload}`, signaturePart, keyObjectOf(key))) return 'signature';
  return payloadPart === '' || Buffer.from(payloadPart, 'base64url').equals(Buffer.from(expected)) ? undefined : 'payload';
}
