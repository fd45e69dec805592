import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { exportJWK, importJWK, type JWK } from 'jose';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Crypto = webcrypto.Crypto;

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

export type Certificate = x509.X509Certificate;

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function privateKeyToJwk(key: CryptoKey): Promise<JWK> {
  return exportJWK(key);
}

export async function privateKeyFromJwk(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK({ ...jwk, alg: 'ES256' }, 'ES256', { extractable: true })) as CryptoKey;
}

/** The public half of a private P-256 JWK. */
export async function publicKeyFromPrivateJwk(jwk: JWK): Promise<CryptoKey> {
  const { d: _d, ...pub } = jwk;
  return (await importJWK({ ...pub, alg: 'ES256' }, 'ES256', { extractable: true })) as CryptoKey;
}

export function parseCertificate(input: string | ArrayBuffer | Uint8Array): Certificate {
  if (typeof input === 'string' && !input.includes('-----BEGIN')) {
    return new x509.X509Certificate(Buffer.from(input, 'base64'));
  }
  return new x509.X509Certificate(input as string | ArrayBuffer);
}

/** base64 DER, as in a JWS `x5c` header or a JWK `x5c` member */
export function certificateToBase64(cert: Certificate): string {
  return Buffer.from(cert.rawData).toString('base64');
}

/** SHA-256 of the DER, base64url: the certificate's `x5t#S256` */
export function certificateThumbprint(cert: Certificate): string {
  return createHash('sha256').update(Buffer.from(cert.rawData)).digest('base64url');
}

export async function createSelfSignedCa(name: string, notBefore: Date, years: number): Promise<{ cert: Certificate; keys: CryptoKeyPair }> {
  const keys = await generateKeyPair();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

export interface IssueParams {
  issuer: Certificate;
  issuerKey: CryptoKey;
  subject: string;
  publicKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  /** digitalSignature for persons and agencies' document signing */
  usage?: x509.KeyUsageFlags;
  /** extended key usages (OIDs), marked critical: a time-stamping authority's certificate has only id-kp-timeStamping */
  extendedKeyUsage?: string[];
}

export async function issueCertificate(p: IssueParams): Promise<Certificate> {
  return x509.X509CertificateGenerator.create({
    subject: p.subject,
    issuer: p.issuer.subject,
    publicKey: p.publicKey,
    signingKey: p.issuerKey,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    signingAlgorithm: SIGNING,
    serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(p.usage ?? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      await x509.AuthorityKeyIdentifierExtension.create(p.issuer, false),
      ...(p.extendedKeyUsage ? [new x509.ExtendedKeyUsageExtension(p.extendedKeyUsage, true)] : []),
    ],
  });
}

export type ChainProblem = 'wrong_issuer' | 'bad_signature' | 'not_yet_valid' | 'expired';

/** Checks that `cert` was issued by `ca` and is valid at `at`. Returns the first problem, or undefined. */
/** Whether `ca` issued `cert` (issuer name and signature), leaving its validity period aside. */
export async function issuedBy(cert: Certificate, ca: Certificate): Promise<'wrong_issuer' | 'bad_signature' | undefined> {
  if (cert.issuer !== ca.subject) return 'wrong_issuer';
  return (await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })) ? undefined : 'bad_signature';
}

export async function checkIssuedBy(cert: Certificate, ca: Certificate, at: Date): Promise<ChainProblem | undefined> {
  const issued = await issuedBy(cert, ca);
  if (issued) return issued;
  if (at < cert.notBefore) return 'not_yet_valid';
  if (at > cert.notAfter) return 'expired';
  return undefined;
}

export async function certificatePublicKey(cert: Certificate): Promise<CryptoKey> {
  return cert.publicKey.export(EC_P256, ['verify'], webcrypto as unknown as Crypto);
}

/** Reads one attribute of a distinguished name, e.g. serialNumber or CN. */
export function nameAttribute(cert: Certificate, attribute: string): string | undefined {
  const name = new x509.Name(cert.subject);
  return name.getField(attribute)[0];
}
