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
  const signature = Buffer.from(signaturePart, 'base64url');
  const payload = payloadPart === '' ? Buffer.from(expected).toString('base64url') : payloadPart;
  // ES256 signatures are the raw 64-byte r‖s (RFC 7518 §3.4), not DER
  const valid = signature.length === 64 && verify('sha256', Buffer.from(`${protectedPart}.${payload}`), { key: keyObjectOf(key), dsaEncoding: 'ieee-p1363' }, signature);
  if (!valid) return 'signature';
  return payloadPart === '' || Buffer.from(payloadPart, 'base64url').equals(Buffer.from(expected)) ? undefined : 'payload';
}
