import { createRequire } from 'node:module';
import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytes, view } from './cms-parts.js';

/**
 * GOST R 34.10-2012 signatures with Streebog (GOST R 34.11-2012) digests, 256- and 512-bit keys: what Kazakhstan's NCA
 * and the Russian-standard CAs issue and node:crypto (OpenSSL without its GOST engine) cannot check. The arithmetic is
 * node-gost-crypto's (a port of the WebCrypto GOST library); this file only maps the OIDs to its parameter sets and
 * lays the bytes out as it reads them: the key as the SPKI's OCTET STRING (x and y, little-endian), the signature
 * reversed (CMS and X.509 carry s||r big-endian). OpenSSL with Debian's GOST engine makes what the tests check.
 */
const require = createRequire(import.meta.url);
const { gostEngine } = require('node-gost-crypto') as {
  gostEngine: {
    getGostDigest(algorithm: { name: string; version: number; length: number }): { digest(data: ArrayBuffer): ArrayBuffer };
    getGostSign(algorithm: { name: string; version: number; length: number; namedCurve: string; hash: { name: string; version: number; length: number } }): {
      verify(publicKey: ArrayBuffer, signature: ArrayBuffer, data: ArrayBuffer): boolean;
    };
  };
};

/** public key algorithms (id-tc26-gost3410-12-256/-512) and the key's length */
const KEYS: Record<string, 256 | 512> = { '1.2.643.7.1.1.1.1': 256, '1.2.643.7.1.1.1.2': 512 };
/** signature algorithms (id-tc26-signwithdigest-gost3410-12-256/-512), which some signers name instead of the key's */
const SIGNATURES: Record<string, 256 | 512> = { '1.2.643.7.1.1.3.2': 256, '1.2.643.7.1.1.3.3': 512 };
/** Streebog digests (id-tc26-gost3411-12-256/-512) */
export const STREEBOG: Record<string, 256 | 512> = { '1.2.643.7.1.1.2.2': 256, '1.2.643.7.1.1.2.3': 512 };
/** the curves, by their parameter sets' OIDs (CryptoPro's for 256-bit keys, TC 26's for 512), as the library names them */
const CURVES: Record<string, string> = {
  '1.2.643.2.2.35.1': 'S-256-A',
  '1.2.643.2.2.35.2': 'S-256-B',
  '1.2.643.2.2.35.3': 'S-256-C',
  '1.2.643.2.2.36.0': 'X-256-A',
  '1.2.643.2.2.36.1': 'X-256-B',
  '1.2.643.7.1.2.1.2.1': 'T-512-A',
  '1.2.643.7.1.2.1.2.2': 'T-512-B',
};

export const isGost = (oid: string) => oid.startsWith('1.2.643.');
export const isGostSignature = (oid: string) => oid in KEYS || oid in SIGNATURES;

/** The Streebog digest of `data`, 256 or 512 bits. */
export function streebog(bits: 256 | 512, data: Uint8Array): Buffer {
  return bytes(gostEngine.getGostDigest({ name: 'GOST R 34.11', version: 2012, length: bits }).digest(view(data)));
}

/** A certificate's GOST key: its length, curve and the bytes the library takes; undefined for a key of another kind or curve. */
export function gostKey(certificate: Uint8Array): { bits: 256 | 512; curve: string; key: Buffer } | undefined {
  const spki = pkijs.Certificate.fromBER(view(certificate)).subjectPublicKeyInfo;
  const bits = KEYS[spki.algorithm.algorithmId];
  if (!bits) return undefined;
  const params = spki.algorithm.algorithmParams as asn1js.Sequence | undefined;
  const curve = CURVES[(params?.valueBlock.value[0] as asn1js.ObjectIdentifier | undefined)?.valueBlock.toString() ?? ''];
  if (!curve) return undefined;
  const inner = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView).result;
  if (!(inner instanceof asn1js.OctetString)) return undefined;
  return { bits, curve, key: bytes(inner.valueBlock.valueHexView) };
}

/**
 * Whether `signature` (as CMS and X.509 carry it) by the certificate's GOST key is over `data`, with the Streebog
 * digest of the key's length. False for anything it cannot read: never a throw.
 */
export function gostVerify(certificate: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
  try {
    const key = gostKey(certificate);
    if (!key || signature.length !== key.bits / 4) return false;
    const hash = { name: 'GOST R 34.11', version: 2012, length: key.bits };
    const signer = gostEngine.getGostSign({ name: 'GOST R 34.10', version: 2012, length: key.bits, namedCurve: key.curve, hash });
    return signer.verify(view(key.key), view(Buffer.from(signature).reverse()), view(data));
  } catch {
    return false;
  }
}

/**
 * Whether `issuer` issued `cert`: its name is the certificate's issuer and its key signed the certificate — with
 * node:crypto for RSA and ECDSA, here for GOST (which OpenSSL without its engine refuses to judge).
 */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  const parsed = pkijs.Certificate.fromBER(view(cert.raw));
  if (!isGostSignature(parsed.signatureAlgorithm.algorithmId)) {
    try {
      return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    } catch {
      return false;
    }
  }
  const parent = pkijs.Certificate.fromBER(view(issuer.raw));
  if (!parsed.issuer.isEqual(parent.subject)) return false;
  // (a GOST verification in JS costs some 45 ms of CPU: a certificate's signature by its CA, once found to hold, holds)
  const pair = createHash('sha256').update(cert.raw).update(issuer.raw).digest('base64');
  if (verifiedIssuance.has(pair)) return true;
  const holds = gostVerify(issuer.raw, bytes(parsed.signatureValue.valueBlock.valueHexView), bytes(parsed.tbsView));
  if (holds) {
    if (verifiedIssuance.size >= 10_000) verifiedIssuance.delete(verifiedIssuance.values().next().value!);
    verifiedIssuance.add(pair);
  }
  return holds;
}

/** Certificate–issuer pairs whose GOST signature was checked and holds (bounded; the oldest go first). */
const verifiedIssuance = new Set<string>();
