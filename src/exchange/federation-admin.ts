import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { EC_P256 } from '../pki/certificates.js';

x509.cryptoProvider.set(webcrypto as never);
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
const derOf = (text: string) => Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

export interface KeyAndCertificate {
  keyPem: string;
  certPem: string;
}

/** The federation's trust anchor: a self-signed CA that issues every node's gateway certificate. */
export async function createTrustAnchor(name: string, now: Date): Promise<KeyAndCertificate> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(now.getUTCFullYear() + 10);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}, O=Ortak federation`,
    keys: keys as never,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  return keyAndCertificate(keys, cert);
}

/** A node's gateway key and its certificate under the anchor, for TLS both ways and for signing messages. */
export async function issueNodeCertificate(anchor: KeyAndCertificate, nodeId: string, host: string, now: Date): Promise<KeyAndCertificate> {
  const anchorCert = new x509.X509Certificate(anchor.certPem);
  const anchorKey = await webcrypto.subtle.importKey('pkcs8', derOf(anchor.keyPem), EC_P256, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(now.getUTCFullYear() + 2);
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${nodeId}, O=Ortak node`,
    issuer: anchorCert.subject,
    publicKey: keys.publicKey as never,
    signingKey: anchorKey as never,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: tlsEndExtensions([host, 'localhost']),
  });
  return keyAndCertificate(keys, cert);
}

/**
 * The extensions of a TLS end's certificate: no CA, signs, serves and is a client (a gateway calls other gateways,
 * the client interface's certificate calls agencies' own systems), for these names and addresses.
 */
function tlsEndExtensions(names: string[]): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: /^[0-9.]+$|:/.test(n) ? ('ip' as const) : ('dns' as const), value: n }))),
  ];
}

const keyAndCertificate = async (keys: webcrypto.CryptoKeyPair, cert: x509.X509Certificate): Promise<KeyAndCertificate> => ({
  keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  certPem: cert.toString('pem') + '\n',
});

/**
 * The client interface's TLS certificate (X-Road's "internal TLS certificate"): self-signed, for the names and
 * addresses information systems connect to; they pin it, or trust it as their own CA.
 */
export async function createInternalTlsCertificate(hosts: string[], now: Date): Promise<KeyAndCertificate> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(now.getUTCFullYear() + 10);
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hosts.filter((h) => h && h !== '0.0.0.0' && h !== '::')])];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Ortak client interface, O=Ortak node',
    keys: keys as never,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: SIGNING,
    extensions: tlsEndExtensions(names),
  });
  return keyAndCertificate(keys, cert);
}
