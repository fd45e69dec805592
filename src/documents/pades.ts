import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { SignPdf } from '@signpdf/signpdf';
import { extractSignature, Signer } from '@signpdf/utils';
import { verifyCms } from '../exchange/index.js';
import { bytes, CMS_OID, view, type SigningKey } from '../pki/index.js';

/**
 * The signature a PDF reader sees: PAdES baseline (ETSI EN 319 142-1) B-T. A CMS SignedData (`ETSI.CAdES.detached`)
 * over the PDF's byte ranges, by the issuing agency's key with its chain (the agency's certificate and the node's
 * CA), the signed attributes PAdES asks for (content type, message digest, ESS signing-certificate-v2, and no
 * signing-time: the signature dictionary carries it), and an RFC 3161 time-stamp token over the signature value as an
 * unsigned attribute (id-aa-signatureTimeStampToken). PDF plumbing is @signpdf's (the placeholder in pdf-lib, the byte
 * range); the CMS is PKI.js's.
 */

/** A time-stamping authority: answers a token (CMS, DER) over a SHA-256 digest, with its time. */
export type TimeStamper = (digest: Buffer) => Promise<{ token: Buffer; genTime: Date }>;

const SIGNATURE_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';
/** room for the CMS in the PDF (bytes): two certificates, the time-stamp token with the TSA's, and the signature */
export const PADES_SIGNATURE_ROOM = 12_288;

const pkijsCertificate = (der: ArrayBuffer | Uint8Array) => pkijs.Certificate.fromBER(view(bytes(der)));

/** ESS signing-certificate-v2 (RFC 5035): the SHA-256 of the signer's certificate, with its issuer and serial. */
function signingCertificateV2(cert: pkijs.Certificate, der: Buffer): asn1js.Sequence {
  const issuerSerial = new asn1js.Sequence({
    value: [new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }), cert.serialNumber],
  });
  const certId = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: view(createHash('sha256').update(der).digest()) }), issuerSerial] });
  return new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [certId] })] });
}

/** The CMS of a PAdES B-T signature over `content` (the PDF's byte ranges). */
export async function padesCms(content: Buffer, key: SigningKey, stamp: TimeStamper): Promise<Buffer> {
  const [own, ...chain] = key.chain.map((c) => bytes(c.rawData));
  const cert = pkijsCertificate(own);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CMS_OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: CMS_OID.contentType, values: [new asn1js.ObjectIdentifier({ value: CMS_OID.data })] }),
            new pkijs.Attribute({ type: CMS_OID.messageDigest, values: [new asn1js.OctetString({ valueHex: view(createHash('sha256').update(content).digest()) })] }),
            new pkijs.Attribute({ type: CMS_OID.signingCertificateV2, values: [signingCertificateV2(cert, own)] }),
          ],
        }),
      }),
    ],
    certificates: [cert, ...chain.map(pkijsCertificate)],
  });
  await signed.sign(key.privateKey, 0, 'SHA-256');
  const signerInfo = signed.signerInfos[0];
  const { token } = await stamp(createHash('sha256').update(bytes(signerInfo.signature.valueBlock.valueHexView)).digest());
  signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [new pkijs.Attribute({ type: SIGNATURE_TIMESTAMP, values: [pkijs.ContentInfo.fromBER(view(token)).toSchema()] })],
  });
  return bytes(new pkijs.ContentInfo({ contentType: CMS_OID.signedData, content: signed.toSchema(true) }).toSchema().toBER(false));
}

class AgencySigner extends Signer {
  constructor(
    private readonly key: SigningKey,
    private readonly stamp: TimeStamper,
  ) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    return padesCms(content, this.key, this.stamp);
  }
}

/** Fills the signature placeholder of a PDF (made by `pdflibAddPlaceholder`) with the agency's PAdES signature. */
export async function signPdf(pdf: Uint8Array, key: SigningKey, stamp: TimeStamper): Promise<Uint8Array> {
  return new Uint8Array(await new SignPdf().sign(Buffer.from(pdf), new AgencySigner(key, stamp)));
}

export interface EmbeddedSignature {
  /** the CMS verifies over the byte ranges, which cover the whole file but the signature itself, by a certificate of the node's CA */
  valid: boolean;
  /** why not, when not */
  problem?: string;
  /** the signer's certificate's subject */
  signer?: string;
  /** the time-stamp's time and authority, when its token verifies over the signature value under the node's CA */
  timestamp?: { time: string; authority: string };
}

/**
 * Reads and checks the signature a PDF carries: byte ranges that cover the file, the CMS over them by a certificate
 * the node's CA issued, and the time-stamp token over the signature value, signed under the same CA. Undefined when
 * the PDF carries no signature.
 */
export function checkEmbeddedSignature(pdf: Uint8Array, caPem: string): EmbeddedSignature | undefined {
  const file = Buffer.from(pdf);
  let extracted: { ByteRange: number[]; signature: string; signedData: Buffer };
  try {
    extracted = extractSignature(file);
  } catch {
    return undefined;
  }
  const [start1, length1, start2, length2] = extracted.ByteRange;
  if (start1 !== 0 || start2 + length2 !== file.length || start2 < length1) return { valid: false, problem: 'the signed byte ranges do not cover the whole file' };
  const der = Buffer.from(extracted.signature, 'binary');
  let signer: X509Certificate;
  try {
    ({ signer } = verifyCms(der, CMS_OID.data, caPem, extracted.signedData));
  } catch (e) {
    return { valid: false, problem: (e as Error).message };
  }
  const result: EmbeddedSignature = { valid: true, signer: signer.subject.replace(/\n/g, ', ') };
  try {
    const signerInfo = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(view(der)).content }).signerInfos[0];
    const token = signerInfo.unsignedAttrs?.attributes.find((a) => a.type === SIGNATURE_TIMESTAMP)?.values[0];
    if (token) {
      const stamped = verifyCms(bytes(token.toBER(false)), CMS_OID.tstInfo, caPem);
      const tst = pkijs.TSTInfo.fromBER(view(stamped.content));
      const over = createHash('sha256').update(bytes(signerInfo.signature.valueBlock.valueHexView)).digest();
      if (tst.messageImprint.hashAlgorithm.algorithmId === CMS_OID.sha256 && bytes(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(over)) {
        result.timestamp = { time: tst.genTime.toISOString(), authority: stamped.signer.subject.replace(/\n/g, ', ') };
      }
    }
  } catch {
    // (a token that does not verify is no time-stamp: the signature stands without one)
  }
  return result;
}
