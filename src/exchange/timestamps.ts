import { createHash, randomBytes, verify as cryptoVerify, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * RFC 3161 time-stamps for the message log: a client that asks a time-stamping authority (TSA) over HTTP
 * (application/timestamp-query) and checks its answer, and the node's own TSA, which answers the same DER request
 * with a token signed by a key of the node's CA (id-kp-timeStamping). Encoding and CMS come from PKI.js; OpenSSL
 * (`openssl ts -verify`) verifies the tokens, and answers the client as a TSA, in the tests.
 */
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

const SHA256 = '2.16.840.1.101.3.4.2.1';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
/** the policy under which the node's own TSA stamps (an arc of the node's own) */
export const OWN_TSA_POLICY = '1.3.6.1.4.1.57264.1.1';

const bytes = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));
const view = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** A DER TimeStampReq for a SHA-256 digest, with a nonce, asking for the TSA's certificate. */
export function timestampRequest(digest: Buffer): { der: Buffer; nonce: Buffer } {
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({ hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256 }), hashedMessage: new asn1js.OctetString({ valueHex: view(digest) }) }),
    nonce: new asn1js.Integer({ valueHex: view(nonce) }),
    certReq: true,
  });
  return { der: bytes(req.toSchema().toBER(false)), nonce };
}

export interface Timestamp {
  /** the TimeStampToken (CMS ContentInfo), DER */
  token: Buffer;
  genTime: Date;
}

/**
 * Reads a TimeStampResp: it must grant, carry a token over this digest (and nonce), and be signed by the certificate
 * it names — the trusted TSA certificate itself, or one issued by the trusted CA.
 */
export async function readTimestampResponse(der: Buffer, digest: Buffer, nonce: Buffer | undefined, trusted: string): Promise<Timestamp> {
  const resp = pkijs.TimeStampResp.fromBER(view(der));
  if (resp.status.status !== pkijs.PKIStatus.granted && resp.status.status !== pkijs.PKIStatus.grantedWithMods) throw new Error(`the TSA refused (status ${resp.status.status})`);
  if (!resp.timeStampToken) throw new Error('the TSA answered no token');
  return verifyToken(bytes(resp.timeStampToken.toSchema().toBER(false)), digest, nonce, trusted);
}

/** Verifies a TimeStampToken over a digest against a trusted TSA or CA certificate (PEM); answers its time. */
export async function verifyToken(token: Buffer, digest: Buffer, nonce: Buffer | undefined, trusted: string): Promise<Timestamp> {
  const content = pkijs.ContentInfo.fromBER(view(token));
  if (content.contentType !== SIGNED_DATA) throw new Error('the token is not CMS SignedData');
  const signed = new pkijs.SignedData({ schema: content.content });
  if (signed.encapContentInfo.eContentType !== TST_INFO || !signed.encapContentInfo.eContent) throw new Error('the token does not hold a TSTInfo');
  const eContent = octets(signed.encapContentInfo.eContent);
  const tst = pkijs.TSTInfo.fromBER(view(eContent));
  if (tst.messageImprint.hashAlgorithm.algorithmId !== SHA256 || !bytes(tst.messageImprint.hashedMessage.getValue()).equals(digest)) throw new Error('the token is for another digest');
  if (nonce && (!tst.nonce || !bytes(tst.nonce.valueBlock.valueHexView).equals(nonce))) throw new Error('the token answers another request (nonce)');
  // the certificate the signer names (issuer and serial number)
  const sid = signed.signerInfos[0]?.sid;
  const serialOf = (c: pkijs.Certificate) => bytes(c.serialNumber.valueBlock.valueHexView);
  const signer = (signed.certificates ?? []).find(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate && sid instanceof pkijs.IssuerAndSerialNumber && serialOf(c).equals(bytes(sid.serialNumber.valueBlock.valueHexView)) && c.issuer.isEqual(sid.issuer),
  );
  if (!signer) throw new Error('the token does not carry the certificate of its signer');
  const signerCert = new X509Certificate(bytes(signer.toSchema().toBER(false)));
  if (!signatureHolds(signed, eContent, signerCert)) throw new Error("the token's signature does not verify");
  const anchor = new X509Certificate(trusted);
  if (!signerCert.raw.equals(anchor.raw) && !(signerCert.checkIssued(anchor) && signerCert.verify(anchor.publicKey))) throw new Error('the token is not signed by the trusted TSA');
  return { token, genTime: tst.genTime };
}

// An OCTET STRING's bytes, primitive or constructed (BER allows either for eContent).
function octets(o: asn1js.OctetString): Buffer {
  if (!o.idBlock.isConstructed) return bytes(o.valueBlock.valueHexView);
  return Buffer.concat(o.valueBlock.value.map((part) => octets(part as asn1js.OctetString)));
}

/**
 * The CMS signature of the (single) signer, checked with node:crypto: its signed attributes hold the content's
 * type and SHA-256 digest, and the signature (ECDSA or RSA) is over their DER as a SET (RFC 5652 §5.4).
 */
function signatureHolds(signed: pkijs.SignedData, eContent: Buffer, cert: X509Certificate): boolean {
  const info = signed.signerInfos[0];
  const attrs = info?.signedAttrs;
  if (!info || !attrs || signed.signerInfos.length !== 1) return false;
  const attribute = (type: string) => attrs.attributes.find((a) => a.type === type)?.values[0];
  const digest = attribute(MESSAGE_DIGEST) as asn1js.OctetString | undefined;
  const type = attribute(CONTENT_TYPE) as asn1js.ObjectIdentifier | undefined;
  if (!digest || !type || type.valueBlock.toString() !== TST_INFO) return false;
  const hash = info.digestAlgorithm.algorithmId === SHA256 ? 'sha256' : info.digestAlgorithm.algorithmId === '2.16.840.1.101.3.4.2.3' ? 'sha512' : info.digestAlgorithm.algorithmId === '2.16.840.1.101.3.4.2.2' ? 'sha384' : undefined;
  if (!hash || !bytes(digest.valueBlock.valueHexView).equals(createHash(hash).update(eContent).digest())) return false;
  const signedBytes = Buffer.from(bytes(attrs.encodedValue));
  signedBytes[0] = 0x31; // [0] IMPLICIT → SET OF, as signed
  return cryptoVerify(hash, signedBytes, { key: cert.publicKey, dsaEncoding: 'der' }, bytes(info.signature.valueBlock.valueHexView));
}

/** Asks a TSA at a URL for a token over a digest (RFC 3161 over HTTP), within a time limit. */
export async function requestTimestamp(url: string, digest: Buffer, trusted: string, timeoutMs = 10_000): Promise<Timestamp> {
  const { der, nonce } = timestampRequest(digest);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: der, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`the TSA answered HTTP ${res.status}`);
  return readTimestampResponse(Buffer.from(await res.arrayBuffer()), digest, nonce, trusted);
}

/** The node's own TSA: its key (id-kp-timeStamping, issued by the node's CA) answers DER requests. */
export interface OwnTsa {
  certPem: string;
  privateKey: webcrypto.CryptoKey;
}

/** Answers a DER TimeStampReq with a DER TimeStampResp: a token over its digest at `now`, signed by the TSA's key. */
export async function answerTimestampRequest(tsa: OwnTsa, requestDer: Buffer, now: Date): Promise<Buffer> {
  const req = pkijs.TimeStampReq.fromBER(view(requestDer));
  const cert = pkijs.Certificate.fromBER(view(new X509Certificate(tsa.certPem).raw));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: OWN_TSA_POLICY,
    messageImprint: req.messageImprint,
    serialNumber: new asn1js.Integer({ valueHex: view(serial) }),
    genTime: now,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ordering: false,
    ...(req.nonce ? { nonce: req.nonce } : {}),
  });
  const tstDer = bytes(tst.toSchema().toBER(false));
  // ESS signing-certificate-v2 (RFC 5816): binds the signer's certificate into the signed attributes, as RFC 3161 asks
  const certHash = createHash('sha256').update(new X509Certificate(tsa.certPem).raw).digest();
  const signingCertificate = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: view(certHash) })] })] })] });
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: TST_INFO, eContent: new asn1js.OctetString({ valueHex: view(tstDer) }) }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: TST_INFO })] }),
            new pkijs.Attribute({ type: MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: view(createHash('sha256').update(tstDer).digest()) })] }),
            new pkijs.Attribute({ type: SIGNING_CERTIFICATE_V2, values: [signingCertificate] }),
          ],
        }),
      }),
    ],
    certificates: req.certReq ? [cert] : [],
  });
  await signedData.sign(tsa.privateKey, 0, 'SHA-256');
  const token = new pkijs.ContentInfo({ contentType: SIGNED_DATA, content: signedData.toSchema(true) });
  const resp = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }), timeStampToken: token });
  return bytes(resp.toSchema().toBER(false));
}

/** A time-stamp source: the node's own TSA (in-process, through the same DER), or one at a URL. */
export type Stamper = (digest: Buffer) => Promise<Timestamp>;

export function ownTsaStamper(tsa: OwnTsa, now: () => Date): Stamper {
  return async (digest) => {
    const { der, nonce } = timestampRequest(digest);
    return readTimestampResponse(await answerTimestampRequest(tsa, der, now()), digest, nonce, tsa.certPem);
  };
}

export const urlStamper = (url: string, trusted: string): Stamper => (digest) => requestTimestamp(url, digest, trusted);
