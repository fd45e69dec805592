import { constants, createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';
import { bytes, CMS_OID as OID, octets, SHA2_DIGESTS, signedAttributesAsSigned, signerCertificate, view } from './cms-parts.js';
import { gostKey, gostVerify, isGostSignature, issuedBy, STREEBOG, streebog } from './gost.js';
import type { CertificateStatus, RevocationChecker } from './revocation.js';
import { nationalNumber, type StateProfile, type TrustList } from './trust.js';

/**
 * A citizen's or a business's own CMS signature (RFC 5652 SignedData, as NCALayer, e-imza and `openssl cms -sign`
 * make them), checked as a relying party must: the signed attributes (content type, message digest, signing time,
 * signing-certificate v1/v2 where present), the signature (RSA PKCS #1 v1.5 and PSS, 2048–4096 bits; ECDSA P-256 and
 * P-384; GOST R 34.10-2012 with 256- and 512-bit keys and Streebog digests, pki/gost.ts), and the signer's certificate chained to a CA of a member state's trust list, valid at the signing time and
 * now, with the usages the state's profile asks for the purpose. The national number is read where the profile says.
 * Whether the certificate still stands (OCSP, CRL) is asked after, by `signerStatus`, of a certificate found
 * trusted.
 */
export type CmsRefusal =
  | 'signature_invalid'
  | 'certificate_untrusted'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'certificate_wrong_usage'
  | 'certificate_revoked'
  | 'certificate_status_unknown'
  | 'algorithm_unsupported';

export class CmsRefused extends Error {
  constructor(
    readonly code: CmsRefusal,
    readonly why: string,
  ) {
    super(`${code}: ${why}`);
  }
}

export interface CmsSigner {
  state: string;
  nationalId: string;
  /** the organization's number, where the certificate is one of its head's or employee's */
  organizationId?: string;
  /** as the certificate names the holder */
  name: { common: string | null; given: string | null; family: string | null };
  certificate: X509Certificate;
  /** the chain above it, up to the trust list's CA */
  chain: X509Certificate[];
  signingTime: Date | null;
  /** as the profile's policies say: the organization's head, an employee with signing rights, or neither */
  capacity: 'head' | 'employee' | null;
}

const DIGESTS: Record<string, string> = { ...SHA2_DIGESTS, '1.3.14.3.2.26': 'sha1' };
const RSA = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13']);
const ECDSA = new Set(['1.2.840.10045.2.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);
/** The digest of `data` by a signer's digest algorithm: SHA-2, or Streebog for GOST keys. */
export type DigestName = 'sha256' | 'sha384' | 'sha512' | 'streebog256' | 'streebog512';
function digestName(oid: string): DigestName | undefined {
  const sha = SHA2_DIGESTS[oid];
  if (sha) return sha;
  const bits = STREEBOG[oid];
  return bits ? `streebog${bits}` : undefined;
}
export function digestOf(name: DigestName, data: Uint8Array): Buffer {
  return name === 'streebog256' ? streebog(256, data) : name === 'streebog512' ? streebog(512, data) : createHash(name).update(data).digest();
}
const MAX_CHAIN = 6;

const refuse = (code: CmsRefusal, why: string): never => {
  throw new CmsRefused(code, why);
};


function parse(der: Uint8Array): pkijs.SignedData {
  try {
    const info = pkijs.ContentInfo.fromBER(view(der));
    if (info.contentType !== OID.signedData) refuse('signature_invalid', 'not CMS SignedData');
    return new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    if (e instanceof CmsRefused) throw e;
    return refuse('signature_invalid', 'not a CMS structure');
  }
}


function checkSignature(signer: pkijs.SignerInfo, cert: X509Certificate, hash: DigestName): void {
  const algorithm = signer.signatureAlgorithm.algorithmId;
  const signedBytes = signedAttributesAsSigned(signer);
  const signature = bytes(signer.signature.valueBlock.valueHexView);
  if (isGostSignature(algorithm)) {
    const key = gostKey(cert.raw) ?? refuse('algorithm_unsupported', 'a GOST key on a curve this node does not know');
    // (GOST R 34.10-2012 signs the Streebog digest of its own length)
    if (hash !== `streebog${key.bits}`) refuse('algorithm_unsupported', `a ${key.bits}-bit GOST key with digest ${hash}`);
    if (!gostVerify(cert.raw, signature, signedBytes)) refuse('signature_invalid', 'the signature does not verify');
    return;
  }
  if (hash.startsWith('streebog')) refuse('algorithm_unsupported', `a Streebog digest with signature algorithm ${algorithm}`);
  const key = cert.publicKey;
  let ok: boolean;
  if (RSA.has(algorithm) || algorithm === OID.rsaPss) {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048 || bits > 4096) refuse('algorithm_unsupported', `an RSA key of ${bits} bits (2048 to 4096 are accepted)`);
    if (algorithm === OID.rsaPss) {
      const params = new pkijs.RSASSAPSSParams({ schema: signer.signatureAlgorithm.algorithmParams });
      const pssHash = DIGESTS[params.hashAlgorithm.algorithmId];
      if (!pssHash) refuse('algorithm_unsupported', `PSS with digest ${params.hashAlgorithm.algorithmId}`);
      ok = cryptoVerify(pssHash, signedBytes, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
    } else ok = cryptoVerify(hash, signedBytes, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } else if (ECDSA.has(algorithm)) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1' && curve !== 'secp384r1') refuse('algorithm_unsupported', `an EC key on ${curve}`);
    ok = cryptoVerify(hash, signedBytes, { key, dsaEncoding: 'der' }, signature);
  } else return refuse('algorithm_unsupported', `signature algorithm ${algorithm}`);
  if (!ok) refuse('signature_invalid', 'the signature does not verify');
}

/** A certificate must be valid now and at the time the signer says they signed. */
function checkValidity(cert: X509Certificate, times: Date[], what: string): void {
  for (const at of times) {
    if (new Date(cert.validTo) < at) refuse('certificate_expired', `${what} expired on ${new Date(cert.validTo).toISOString().slice(0, 10)}`);
    if (new Date(cert.validFrom) > at) refuse('certificate_not_yet_valid', `${what} is valid from ${new Date(cert.validFrom).toISOString().slice(0, 10)}`);
  }
}

/** Up from the signer's certificate to a CA of the trust list: through intermediates the signature carries or the list holds. */
function chainToTrustList(cert: X509Certificate, carried: X509Certificate[], trust: TrustList, times: Date[]): { state: string; profile: StateProfile; chain: X509Certificate[] } {
  const anchors = [...trust.entries()].flatMap(([state, t]) => t.anchors.map((cert) => ({ state, profile: t.profile, cert })));
  const chain: X509Certificate[] = [];
  let current = cert;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const issued = (candidate: X509Certificate) => issuedBy(current, candidate);
    const anchor = anchors.find((a) => issued(a.cert));
    if (anchor) {
      chain.push(anchor.cert);
      chain.forEach(mayIssue);
      return { state: anchor.state, profile: anchor.profile, chain };
    }
    const next = carried.find((c) => !c.raw.equals(current.raw) && !chain.some((x) => x.raw.equals(c.raw)) && issued(c));
    if (!next) return refuse('certificate_untrusted', `${current.issuer.replace(/\n/g, ', ')} is not a CA of the trust list`);
    if (!next.ca) refuse('certificate_untrusted', `${next.subject.replace(/\n/g, ', ')} issued a certificate but is no CA`);
    checkValidity(next, times, 'an intermediate CA certificate');
    chain.push(next);
    current = next;
  }
  return refuse('certificate_untrusted', 'the chain is longer than any state issues');
}

/**
 * A CA in the chain, `below` intermediate CAs above the signer's certificate: its key usage must allow signing
 * certificates, and its path length constraint must allow as many CAs below it (RFC 5280 §4.2.1.3, §4.2.1.9).
 */
function mayIssue(ca: X509Certificate, below: number): void {
  const parsed = new x509.X509Certificate(ca.raw);
  const name = ca.subject.replace(/\n/g, ', ');
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension);
  if (keyUsage && (keyUsage.usages & x509.KeyUsageFlags.keyCertSign) === 0) refuse('certificate_untrusted', `${name} may not sign certificates (its key usage)`);
  const pathLength = parsed.getExtension(x509.BasicConstraintsExtension)?.pathLength;
  if (pathLength !== undefined && below > pathLength) refuse('certificate_untrusted', `${name} allows ${pathLength} CAs below it, and there are ${below}`);
}

function checkUsage(parsed: x509.X509Certificate, profile: StateProfile, purpose: 'authentication' | 'signing'): void {
  const usage = profile[purpose];
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension);
  const bits: Record<string, number> = { digitalSignature: x509.KeyUsageFlags.digitalSignature, nonRepudiation: x509.KeyUsageFlags.nonRepudiation, keyEncipherment: x509.KeyUsageFlags.keyEncipherment, dataEncipherment: x509.KeyUsageFlags.dataEncipherment, keyAgreement: x509.KeyUsageFlags.keyAgreement };
  if (keyUsage && !usage.keyUsage.some((u) => (keyUsage.usages & bits[u]) !== 0)) refuse('certificate_wrong_usage', `its key usage allows none of ${usage.keyUsage.join(', ')}`);
  if (usage.extendedKeyUsage.length) {
    const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String) ?? [];
    if (!usage.extendedKeyUsage.some((oid) => eku.includes(oid))) refuse('certificate_wrong_usage', `its extended key usage has none of ${usage.extendedKeyUsage.join(', ')}`);
  }
}


/**
 * What a signature says it signs, before it is checked: its content when it carries it, else only the digest of the
 * detached content (with the digest's algorithm) — to find which challenge a detached sign-in signature answers.
 */
export function claimedContent(der: Uint8Array): { content?: Buffer; digest: Buffer; hash: DigestName } {
  return readingStrictly(() => claimed(der));
}

function claimed(der: Uint8Array): { content?: Buffer; digest: Buffer; hash: DigestName } {
  const signed = parse(der);
  const signer = signed.signerInfos[0] ?? refuse('signature_invalid', 'no signer');
  const hash = digestName(signer.digestAlgorithm.algorithmId) ?? refuse('algorithm_unsupported', `digest ${signer.digestAlgorithm.algorithmId}`);
  const digest = signer.signedAttrs?.attributes.find((a) => a.type === OID.messageDigest)?.values[0] as asn1js.OctetString | undefined;
  if (!digest) return refuse('signature_invalid', 'no message digest among its signed attributes');
  const inside = signed.encapContentInfo.eContent;
  return { ...(inside ? { content: octets(inside) } : {}), digest: bytes(digest.valueBlock.valueHexView), hash };
}

/**
 * Checks a CMS signature over `content` (the bytes the signer was to sign: a challenge's nonce, an application's
 * canonical JSON), the content inside the signature or detached; answers who signed, or throws `CmsRefused`.
 */
export function verifyCitizenCms(der: Uint8Array, content: Uint8Array, trust: TrustList, purpose: 'authentication' | 'signing', now: Date): CmsSigner {
  return readingStrictly(() => verify(der, content, trust, purpose, now));
}

/**
 * A stranger's bytes may parse as CMS and still hold anything where an attribute's value should be (an empty
 * SEQUENCE for the signing certificate, a number for the signing time): whatever reading them throws is a refusal of
 * the signature, never an error of the node.
 */
function readingStrictly<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof CmsRefused) throw e;
    return refuse('signature_invalid', `its structure is not as RFC 5652 has it (${(e as Error).message})`);
  }
}

function verify(der: Uint8Array, content: Uint8Array, trust: TrustList, purpose: 'authentication' | 'signing', now: Date): CmsSigner {
  const signed = parse(der);
  if (signed.signerInfos.length !== 1) refuse('signature_invalid', 'not exactly one signer');
  const signer = signed.signerInfos[0];
  if (!signer.signedAttrs) refuse('signature_invalid', 'no signed attributes');
  if (signed.encapContentInfo.eContentType !== OID.data) refuse('signature_invalid', 'its content is not data');
  const inside = signed.encapContentInfo.eContent;
  if (inside && !octets(inside).equals(Buffer.from(content))) refuse('signature_invalid', 'it signs other content');
  const hash = digestName(signer.digestAlgorithm.algorithmId) ?? refuse('algorithm_unsupported', `digest ${signer.digestAlgorithm.algorithmId}`);

  const attribute = (type: string) => signer.signedAttrs!.attributes.find((a) => a.type === type)?.values[0];
  const type = attribute(OID.contentType) as asn1js.ObjectIdentifier | undefined;
  const digest = attribute(OID.messageDigest) as asn1js.OctetString | undefined;
  if (!type || type.valueBlock.toString() !== OID.data || !digest) refuse('signature_invalid', 'its signed attributes lack the content type or the digest');
  if (!bytes(digest!.valueBlock.valueHexView).equals(digestOf(hash, content))) refuse('signature_invalid', 'it signs other content');
  const time = attribute(OID.signingTime) as asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
  const signingTime = time ? time.toDate() : null;

  const own = signerCertificate(signed, signer) ?? refuse('certificate_untrusted', "the signer's certificate is not in the signature");
  const cert = new X509Certificate(bytes(own.toSchema().toBER(false)));
  // signing-certificate (v1, SHA-1) or v2 (SHA-256 unless said): the certificate it names must be this one
  for (const [oid, defaultHash] of [[OID.signingCertificateV2, 'sha256'], [OID.signingCertificate, 'sha1']] as const) {
    const value = attribute(oid) as asn1js.Sequence | undefined;
    if (!value) continue;
    const first = (value.valueBlock.value[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const [head, second] = first.valueBlock.value;
    const named = head instanceof asn1js.OctetString ? head : (second as asn1js.OctetString);
    const algorithm = head instanceof asn1js.Sequence ? DIGESTS[(head.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString()] : defaultHash;
    if (!algorithm || !bytes(named.valueBlock.valueHexView).equals(createHash(algorithm).update(cert.raw).digest())) refuse('signature_invalid', 'its signing-certificate attribute names another certificate');
  }
  checkSignature(signer, cert, hash);

  const times = signingTime ? [now, signingTime] : [now];
  checkValidity(cert, times, "the signer's certificate");
  const carried = (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map((c) => new X509Certificate(bytes(c.toSchema().toBER(false))));
  const { state, profile, chain } = chainToTrustList(cert, carried, trust, times);
  const parsed = new x509.X509Certificate(cert.raw);
  checkUsage(parsed, profile, purpose);
  const nationalId = nationalNumber(parsed, profile.person) ?? refuse('certificate_wrong_usage', `it carries no national number where ${state}'s profile says`);
  const organizationId = profile.organization ? nationalNumber(parsed, profile.organization) : undefined;
  const policies = parsed.getExtension(x509.CertificatePolicyExtension)?.policies ?? [];
  const capacity = organizationId && profile.policies?.head?.some((p) => policies.includes(p)) ? 'head' : organizationId && profile.policies?.employee?.some((p) => policies.includes(p)) ? 'employee' : null;
  const field = (oid: string) => parsed.subjectName.getField(oid)[0] ?? null;
  return {
    state,
    nationalId,
    ...(organizationId ? { organizationId } : {}),
    name: { common: field('2.5.4.3'), given: field('2.5.4.42'), family: field('2.5.4.4') },
    certificate: cert,
    chain,
    signingTime,
    capacity,
  };
}

/**
 * Asks whether the signer's certificate, and each intermediate CA's that names where to ask, is still valid: a revoked
 * one is refused; one whose status cannot be learnt is refused under `require` and recorded as unknown under
 * `prefer`. Answers the signer's own certificate's status, to be kept with what was signed. (Only certificates already
 * chained to the trust list get here: their OCSP and CRL addresses are a trusted CA's.)
 */
export async function signerStatus(signer: CmsSigner, revocation: RevocationChecker, now: Date): Promise<CertificateStatus> {
  const path = [signer.certificate, ...signer.chain];
  let own: CertificateStatus | undefined;
  for (let i = 0; i < path.length - 1; i++) {
    const status = await revocation.status(path[i], path[i + 1], now);
    const what = i === 0 ? "the signer's certificate" : `the intermediate CA ${path[i].subject.replace(/\n/g, ', ')}`;
    if (status.status === 'revoked') refuse('certificate_revoked', `${what} was revoked${status.revokedAt ? ` on ${status.revokedAt}` : ''}`);
    // (a CA certificate that names nowhere to ask is vouched for by its root's publication of it)
    if (status.status === 'unknown' && (i === 0 || status.source !== 'none') && revocation.options.mode === 'require') refuse('certificate_status_unknown', `the status of ${what} is unknown: ${status.why}`);
    if (i === 0) own = status;
  }
  return own!;
}
