import { compactVerify, decodeProtectedHeader, flattenedVerify, type ProtectedHeaderParameters } from 'jose';
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

/**
 * Verifies an ES256 compact JWS over exactly `expected` bytes. The payload may be attached (it must then equal
 * `expected`) or detached (RFC 7515 appendix F: empty middle part).
 */
export async function verifyJws(jws: string, key: CryptoKey, expected: Uint8Array): Promise<JwsProblem | undefined> {
  const header = readJwsHeader(jws);
  if (!header) return 'malformed';
  if (header.alg !== 'ES256') return 'algorithm';
  const [protectedPart, payloadPart, signature] = jws.split('.');
  try {
    if (payloadPart === '') {
      await flattenedVerify({ protected: protectedPart, payload: Buffer.from(expected).toString('base64url'), signature }, key, { algorithms: ['ES256'] });
      return undefined;
    }
    const { payload } = await compactVerify(jws, key, { algorithms: ['ES256'] });
    return Buffer.from(payload).equals(Buffer.from(expected)) ? undefined : 'payload';
  } catch {
    return 'signature';
  }
}
