import { createHash, randomBytes, type webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytes, view } from '../pki/index.js';
import { OID, signCms, verifyCms } from './cms.js';

/**
 * RFC 3161 time-stamps for the message log: a client that asks a time-stamping authority (TSA) over HTTP
 * (application/timestamp-query) and checks its answer, and the node's own TSA, which answers the same DER request
 * with a token signed by a key of the node's CA (id-kp-timeStamping). Encoding comes from PKI.js (cms.ts); OpenSSL
 * (`openssl ts -verify`) verifies the tokens, and answers the client as a TSA, in the tests.
 */

/** the policy under which the node's own TSA stamps (an arc of the node's own) */
export const OWN_TSA_POLICY = '1.3.6.1.4.1.57264.1.1';

/** A DER TimeStampReq for a SHA-256 digest, with a nonce, asking for the TSA's certificate. */
export function timestampRequest(digest: Buffer): { der: Buffer; nonce: Buffer } {
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f;
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({ hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }), hashedMessage: new asn1js.OctetString({ valueHex: view(digest) }) }),
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
  let content: Buffer;
  try {
    ({ content } = verifyCms(token, OID.tstInfo, trusted));
  } catch (error) {
    throw new Error(`the token does not verify: ${(error as Error).message}`);
  }
  const tst = pkijs.TSTInfo.fromBER(view(content));
  if (tst.messageImprint.hashAlgorithm.algorithmId !== OID.sha256 || !bytes(tst.messageImprint.hashedMessage.getValue()).equals(digest)) throw new Error('the token is for another digest');
  if (nonce && (!tst.nonce || !bytes(tst.nonce.valueBlock.valueHexView).equals(nonce))) throw new Error('the token answers another request (nonce)');
  return { token, genTime: tst.genTime };
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

/** The digests a request may ask a stamp over, with their lengths. */
const IMPRINT_LENGTHS: Record<string, number> = { [OID.sha256]: 32, '2.16.840.1.101.3.4.2.2': 48, '2.16.840.1.101.3.4.2.3': 64 };

/** A TimeStampResp refusing, with the PKIFailureInfo bit (RFC 3161 §2.4.2: badAlg 0, badRequest 2, badDataFormat 5). */
function rejection(failureBit: number, text: string): Buffer {
  const failInfo = new Uint8Array([0x80 >> failureBit]);
  const status = new pkijs.PKIStatusInfo({
    status: pkijs.PKIStatus.rejection,
    statusStrings: [new asn1js.Utf8String({ value: text })],
    failInfo: new asn1js.BitString({ valueHex: view(failInfo), unusedBits: 7 - failureBit }),
  });
  return bytes(new pkijs.TimeStampResp({ status }).toSchema().toBER(false));
}

/**
 * Reads a stranger's DER TimeStampReq and answers a DER TimeStampResp: a token at `now` (granted), or a rejection
 * saying why (a request that is not one, a digest the TSA does not stamp, an imprint of the wrong length).
 */
export async function answerTimestampQuery(tsa: OwnTsa, requestDer: Buffer, now: Date): Promise<{ granted: boolean; der: Buffer }> {
  let req: pkijs.TimeStampReq;
  try {
    req = pkijs.TimeStampReq.fromBER(view(requestDer));
  } catch {
    return { granted: false, der: rejection(5, 'not a TimeStampReq (RFC 3161)') };
  }
  const length = IMPRINT_LENGTHS[req.messageImprint.hashAlgorithm.algorithmId];
  if (!length) return { granted: false, der: rejection(0, 'the digest must be SHA-256, SHA-384 or SHA-512') };
  if (req.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== length) return { granted: false, der: rejection(5, 'the message imprint is not as long as its digest') };
  if (req.reqPolicy && req.reqPolicy !== OWN_TSA_POLICY) return { granted: false, der: rejection(2, `this authority stamps under policy ${OWN_TSA_POLICY} only`) };
  return { granted: true, der: await answerTimestampRequest(tsa, requestDer, now) };
}

/** Answers a DER TimeStampReq with a DER TimeStampResp: a token over its digest at `now`, signed by the TSA's key. */
export async function answerTimestampRequest(tsa: OwnTsa, requestDer: Buffer, now: Date): Promise<Buffer> {
  const req = pkijs.TimeStampReq.fromBER(view(requestDer));
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
  const token = await signCms({
    content: tstDer,
    contentType: OID.tstInfo,
    certPem: tsa.certPem,
    privateKey: tsa.privateKey,
    attributes: [new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificate] })],
  });
  const resp = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: pkijs.PKIStatus.granted }), timeStampToken: pkijs.ContentInfo.fromBER(view(token)) });
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
