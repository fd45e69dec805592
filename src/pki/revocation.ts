import { createHash, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';
import { bytes, view } from './cms-parts.js';
import { gostVerify, isGostSignature, issuedBy } from './gost.js';

/**
 * Whether a state's CA still stands behind a certificate, asked as RFC 6960 and RFC 5280 have a relying party ask:
 * OCSP at the address in the certificate's authority information access (a fresh nonce; the answer signed by the CA
 * itself or by a responder it delegated, id-kp-OCSPSigning), else the CRL at its distribution point (signed by the
 * CA, current), RSA, ECDSA or GOST. Answers are kept until their nextUpdate. Every network call is bounded in time and size: a responder
 * that hangs, dawdles or floods makes the status unknown, never the node slow or ill.
 */
export interface CertificateStatus {
  status: 'good' | 'revoked' | 'unknown';
  /** how it was learnt: none when the certificate names no OCSP responder and no CRL */
  source: 'ocsp' | 'crl' | 'none';
  url?: string;
  /** when the responder or CRL says the status held (OCSP thisUpdate, the CRL's thisUpdate) */
  thisUpdate?: string;
  nextUpdate?: string;
  revokedAt?: string;
  /** the OCSP response itself (base64 DER), kept with what was signed so its status at signing can be shown later */
  ocspResponse?: string;
  /** the CRL's number, where the status came from a CRL */
  crlNumber?: string;
  /** whether the OCSP response answered this request's nonce (a pre-produced response does not) */
  nonce?: boolean;
  /** why the status is unknown */
  why?: string;
}

export interface RevocationOptions {
  /** `require`: a certificate whose status cannot be learnt is refused; `prefer`: its status is recorded as unknown */
  mode: 'require' | 'prefer';
  /** the longest wait for a responder or a CRL, in milliseconds */
  timeoutMs: number;
  /** the largest CRL read, in bytes */
  maxCrlBytes?: number;
  /** how long an answer without nextUpdate is kept, in seconds */
  defaultTtlSeconds?: number;
}

const OID = {
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  crlNumber: '2.5.29.20',
};
/** the signature algorithms of responses and CRLs: node:crypto's digest for each, RSA PKCS #1 v1.5 or ECDSA */
const SIGNATURE_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
};
const MAX_OCSP_BYTES = 64 * 1024;
/** clocks differ: a response made this far ahead of ours is still taken */
const SKEW_MS = 5 * 60_000;
const MAX_CACHED = 10_000;

class Unknown extends Error {}
const unknown = (why: string): never => {
  throw new Unknown(why);
};

const urlsOf = (names: { type: string; value: string }[] | undefined) => (names ?? []).filter((n) => n.type === 'url' && /^https?:\/\//i.test(n.value)).map((n) => n.value);

/** The certificate's OCSP responders and CRL addresses (http and https only). */
export function statusAddresses(cert: X509Certificate): { ocsp: string[]; crl: string[] } {
  const parsed = new x509.X509Certificate(cert.raw);
  const aia = parsed.getExtension(x509.AuthorityInfoAccessExtension);
  const cdp = parsed.getExtension(x509.CRLDistributionPointsExtension);
  const crl = (cdp?.distributionPoints ?? []).flatMap((p) => (p.distributionPoint?.fullName ?? []).map((n) => n.uniformResourceIdentifier).filter((u): u is string => !!u && /^https?:\/\//i.test(u)));
  return { ocsp: urlsOf(aia?.ocsp), crl };
}

/** Reads at most `limit` bytes of a response, within the time limit the signal carries. */
async function fetchBounded(url: string, init: RequestInit, limit: number, timeoutMs: number): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    return unknown(`${url} did not answer within ${timeoutMs} ms (${(e as Error).name})`);
  }
  if (!res.ok || !res.body) return unknown(`${url} answered HTTP ${res.status}`);
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += part.byteLength;
      if (size > limit) {
        await res.body.cancel().catch(() => undefined);
        return unknown(`${url} answered more than ${limit} bytes`);
      }
      parts.push(part);
    }
  } catch (e) {
    return unknown(`${url} did not finish within ${timeoutMs} ms (${(e as Error).name})`);
  }
  return Buffer.concat(parts);
}

function signatureHolds(algorithm: string, tbs: Uint8Array, signature: Uint8Array, key: X509Certificate): boolean {
  if (isGostSignature(algorithm)) return gostVerify(key.raw, signature, tbs);
  const digest = SIGNATURE_DIGESTS[algorithm];
  if (!digest) return unknown(`a signature algorithm not accepted (${algorithm})`);
  try {
    return cryptoVerify(digest, tbs, key.publicKey, signature);
  } catch {
    return false;
  }
}

const serialHex = (i: asn1js.Integer) => bytes(i.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/, '').toLowerCase();
const certSerial = (cert: X509Certificate) => cert.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');

export class RevocationChecker {
  private readonly answers = new Map<string, { status: CertificateStatus; until: number }>();
  private readonly crls = new Map<string, { crl: pkijs.CertificateRevocationList; until: number; number?: string }>();

  constructor(readonly options: RevocationOptions) {}

  /** The certificate's status, as its issuer's OCSP responder or CRL says: from the cache while that answer is current. */
  async status(cert: X509Certificate, issuer: X509Certificate, now: Date): Promise<CertificateStatus> {
    const key = `${createHash('sha256').update(issuer.raw).digest('hex')}:${certSerial(cert)}`;
    const cached = this.answers.get(key);
    if (cached && cached.until > now.getTime()) return cached.status;
    const { ocsp, crl } = statusAddresses(cert);
    if (!ocsp.length && !crl.length) return { status: 'unknown', source: 'none', why: 'the certificate names no OCSP responder and no CRL' };
    const reasons: string[] = [];
    for (const [source, url] of [...ocsp.map((u) => ['ocsp', u] as const), ...crl.map((u) => ['crl', u] as const)]) {
      try {
        const { status, until } = source === 'ocsp' ? await this.askResponder(url, cert, issuer, now) : await this.readCrl(url, cert, issuer, now);
        this.remember(key, status, until);
        return status;
      } catch (e) {
        if (!(e instanceof Unknown)) throw e;
        reasons.push(e.message);
      }
    }
    return { status: 'unknown', source: ocsp.length ? 'ocsp' : 'crl', why: reasons.join('; ') };
  }

  private remember(key: string, status: CertificateStatus, until: number): void {
    if (this.answers.size >= MAX_CACHED) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, { status, until });
  }

  private ttl(now: Date, nextUpdate: Date | undefined): number {
    return nextUpdate ? nextUpdate.getTime() : now.getTime() + (this.options.defaultTtlSeconds ?? 300) * 1000;
  }

  private async askResponder(url: string, cert: X509Certificate, issuer: X509Certificate, now: Date): Promise<{ status: CertificateStatus; until: number }> {
    const certId = new pkijs.CertID();
    await certId.createForCertificate(pkijs.Certificate.fromBER(view(cert.raw)), { hashAlgorithm: 'SHA-1', issuerCertificate: pkijs.Certificate.fromBER(view(issuer.raw)) });
    const nonce = randomBytes(16);
    const request = new pkijs.OCSPRequest({
      tbsRequest: new pkijs.TBSRequest({
        requestList: [new pkijs.Request({ reqCert: certId })],
        requestExtensions: [new pkijs.Extension({ extnID: OID.ocspNonce, extnValue: new asn1js.OctetString({ valueHex: view(nonce) }).toBER(false) })],
      }),
    });
    const body = bytes(request.toSchema(true).toBER(false));
    const der = await fetchBounded(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body }, MAX_OCSP_BYTES, this.options.timeoutMs);

    let response: pkijs.OCSPResponse;
    let basic: pkijs.BasicOCSPResponse;
    try {
      response = pkijs.OCSPResponse.fromBER(view(der));
      if (response.responseStatus.valueBlock.valueDec !== 0) return unknown(`${url} refused to answer (OCSP status ${response.responseStatus.valueBlock.valueDec})`);
      if (response.responseBytes?.responseType !== OID.ocspBasic) return unknown(`${url} answered no basic OCSP response`);
      basic = pkijs.BasicOCSPResponse.fromBER(view(bytes(response.responseBytes.response.valueBlock.valueHexView)));
    } catch (e) {
      if (e instanceof Unknown) throw e;
      return unknown(`${url} answered something that is not an OCSP response`);
    }
    const signer = this.responder(basic, issuer, now) ?? unknown(`${url} signed with a key ${issuer.subject.replace(/\n/g, ', ')} gave it no authority for`);
    if (!signatureHolds(basic.signatureAlgorithm.algorithmId, basic.tbsResponseData.tbsView, bytes(basic.signature.valueBlock.valueHexView), signer)) unknown(`${url}'s response signature does not verify`);

    const echoed = basic.tbsResponseData.responseExtensions?.find((x) => x.extnID === OID.ocspNonce);
    if (echoed && !bytes(echoed.extnValue.valueBlock.valueHexView).equals(bytes(new asn1js.OctetString({ valueHex: view(nonce) }).toBER(false)))) unknown(`${url} answered another request (nonce)`);
    const mine = basic.tbsResponseData.responses.find((r) => serialHex(r.certID.serialNumber) === certSerial(cert) && bytes(r.certID.issuerKeyHash.valueBlock.valueHexView).equals(bytes(certId.issuerKeyHash.valueBlock.valueHexView)));
    if (!mine) return unknown(`${url} answered about another certificate`);
    if (mine.thisUpdate.getTime() > now.getTime() + SKEW_MS) unknown(`${url}'s answer is dated in the future (${mine.thisUpdate.toISOString()})`);
    if (mine.nextUpdate && mine.nextUpdate.getTime() < now.getTime() - SKEW_MS) unknown(`${url}'s answer is stale (next update was ${mine.nextUpdate.toISOString()})`);

    const tag = (mine.certStatus as asn1js.BaseBlock).idBlock.tagNumber;
    const status: CertificateStatus = {
      status: tag === 0 ? 'good' : tag === 1 ? 'revoked' : 'unknown',
      source: 'ocsp',
      url,
      thisUpdate: mine.thisUpdate.toISOString(),
      ...(mine.nextUpdate ? { nextUpdate: mine.nextUpdate.toISOString() } : {}),
      ocspResponse: der.toString('base64'),
      nonce: !!echoed,
    };
    if (tag === 1) {
      const time = (mine.certStatus as asn1js.Constructed).valueBlock.value[0] as asn1js.GeneralizedTime;
      status.revokedAt = time.toDate().toISOString();
    }
    if (tag === 2) status.why = `${url} does not know the certificate`;
    return { status, until: this.ttl(now, mine.nextUpdate) };
  }

  /** Who signed the response: the CA itself, or a responder certificate it issued for OCSP signing that is valid now. */
  private responder(basic: pkijs.BasicOCSPResponse, issuer: X509Certificate, now: Date): X509Certificate | undefined {
    const carried = (basic.certs ?? []).map((c) => new X509Certificate(bytes(c.toSchema().toBER(false))));
    const id = basic.tbsResponseData.responderID;
    const keyHash = (c: X509Certificate) => createHash('sha1').update(bytes(pkijs.Certificate.fromBER(view(c.raw)).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)).digest();
    const named = (c: X509Certificate) =>
      id instanceof pkijs.RelativeDistinguishedNames ? pkijs.Certificate.fromBER(view(c.raw)).subject.isEqual(id) : id instanceof asn1js.OctetString && bytes(id.valueBlock.valueHexView).equals(keyHash(c));
    if (named(issuer)) return issuer;
    const delegate = carried.find((c) => named(c));
    if (!delegate || !issuedBy(delegate, issuer)) return undefined;
    if (new Date(delegate.validFrom) > now || new Date(delegate.validTo) < now) return undefined;
    const eku = new x509.X509Certificate(delegate.raw).getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String) ?? [];
    return eku.includes(OID.ocspSigning) ? delegate : undefined;
  }

  private async readCrl(url: string, cert: X509Certificate, issuer: X509Certificate, now: Date): Promise<{ status: CertificateStatus; until: number }> {
    let held = this.crls.get(url);
    if (!held || held.until <= now.getTime()) {
      const raw = await fetchBounded(url, { method: 'GET' }, this.options.maxCrlBytes ?? 32 * 1024 * 1024, this.options.timeoutMs);
      const text = raw.subarray(0, 64).toString('latin1');
      const der = text.includes('-----BEGIN X509 CRL-----') ? Buffer.from(raw.toString('latin1').replace(/-----(BEGIN|END) X509 CRL-----|\s/g, ''), 'base64') : raw;
      let crl: pkijs.CertificateRevocationList;
      try {
        crl = pkijs.CertificateRevocationList.fromBER(view(der));
      } catch {
        return unknown(`${url} is not a CRL`);
      }
      if (!crl.issuer.isEqual(pkijs.Certificate.fromBER(view(issuer.raw)).subject)) unknown(`${url} is another CA's CRL`);
      if (!signatureHolds(crl.signatureAlgorithm.algorithmId, crl.tbsView, bytes(crl.signatureValue.valueBlock.valueHexView), issuer)) unknown(`${url}'s signature does not verify`);
      const next = crl.nextUpdate?.value;
      if (next && next.getTime() < now.getTime() - SKEW_MS) unknown(`${url} is stale (next update was ${next.toISOString()})`);
      const numberExt = crl.crlExtensions?.extensions.find((x) => x.extnID === OID.crlNumber);
      const number = numberExt ? BigInt(`0x${serialHex(asn1js.fromBER(numberExt.extnValue.valueBlock.valueHexView).result as asn1js.Integer)}`).toString() : undefined;
      held = { crl, until: this.ttl(now, next), ...(number ? { number } : {}) };
      this.crls.set(url, held);
    }
    const { crl } = held;
    const entry = crl.revokedCertificates?.find((r) => serialHex(r.userCertificate) === certSerial(cert));
    const status: CertificateStatus = {
      status: entry ? 'revoked' : 'good',
      source: 'crl',
      url,
      thisUpdate: crl.thisUpdate.value.toISOString(),
      ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value.toISOString() } : {}),
      ...(held.number ? { crlNumber: held.number } : {}),
      ...(entry ? { revokedAt: entry.revocationDate.value.toISOString() } : {}),
    };
    return { status, until: held.until };
  }
}
