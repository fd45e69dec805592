import { createHash, verify as cryptoVerify, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * CMS SignedData (RFC 5652) with one signer, as the message log's time-stamp tokens and archives use it: made with
 * PKI.js, checked with node:crypto (the signed attributes carry the content's type and digest; the signature is over
 * their DER as a SET). OpenSSL verifies what this makes, in the tests.
 */
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

export const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
};
const HASHES: Record<string, string> = { [OID.sha256]: 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };

export const bytes = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));
export const view = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/**
 * Signs `content` of a type: a ContentInfo (DER) holding SignedData with the content inside, or — `detached` — only its
 * digest, the signer's certificate, and the signed attributes (type, digest, and any others given).
 */
export async function signCms(options: {
  content: Uint8Array;
  contentType: string;
  detached?: boolean;
  certPem: string;
  privateKey: webcrypto.CryptoKey;
  attributes?: pkijs.Attribute[];
}): Promise<Buffer> {
  const cert = pkijs.Certificate.fromBER(view(new X509Certificate(options.certPem).raw));
  const digest = createHash('sha256').update(options.content).digest();
  const signed = new pkijs.SignedData({
    version: options.contentType === OID.data ? 1 : 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: options.contentType,
      ...(options.detached ? {} : { eContent: new asn1js.OctetString({ valueHex: view(options.content) }) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: options.contentType })] }),
            new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: view(digest) })] }),
            ...(options.attributes ?? []),
          ],
        }),
      }),
    ],
    certificates: [cert],
  });
  await signed.sign(options.privateKey, 0, 'SHA-256');
  return bytes(new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) }).toSchema().toBER(false));
}

// An OCTET STRING's bytes, primitive or constructed (BER allows either for eContent).
function octets(o: asn1js.OctetString): Buffer {
  if (!o.idBlock.isConstructed) return bytes(o.valueBlock.valueHexView);
  return Buffer.concat(o.valueBlock.value.map((part) => octets(part as asn1js.OctetString)));
}

/**
 * Reads and checks a CMS SignedData of one signer: of the expected content type, over `detachedContent` when the
 * content is not inside; the signer's certificate must be in it and be the trusted one, or issued by it. Answers the
 * content and the signer's certificate, or throws saying what does not hold.
 */
export function verifyCms(der: Uint8Array, expectedType: string, trustedPem: string, detachedContent?: Uint8Array): { content: Buffer; signer: X509Certificate } {
  const info = pkijs.ContentInfo.fromBER(view(der));
  if (info.contentType !== OID.signedData) throw new Error('not CMS SignedData');
  const signed = new pkijs.SignedData({ schema: info.content });
  if (signed.encapContentInfo.eContentType !== expectedType) throw new Error('not the content type expected');
  const inside = signed.encapContentInfo.eContent;
  const content = inside ? octets(inside) : detachedContent ? Buffer.from(detachedContent) : undefined;
  if (!content) throw new Error('no content to check the signature against');
  const signer = signed.signerInfos[0];
  if (!signer?.signedAttrs || signed.signerInfos.length !== 1) throw new Error('not one signer with signed attributes');
  // the certificate the signer names (issuer and serial number)
  const sid = signer.sid;
  const certificate = (signed.certificates ?? []).find(
    (c): c is pkijs.Certificate =>
      c instanceof pkijs.Certificate && sid instanceof pkijs.IssuerAndSerialNumber && bytes(c.serialNumber.valueBlock.valueHexView).equals(bytes(sid.serialNumber.valueBlock.valueHexView)) && c.issuer.isEqual(sid.issuer),
  );
  if (!certificate) throw new Error('the certificate of its signer is not in it');
  const cert = new X509Certificate(bytes(certificate.toSchema().toBER(false)));
  const attribute = (type: string) => signer.signedAttrs!.attributes.find((a) => a.type === type)?.values[0];
  const digest = attribute(OID.messageDigest) as asn1js.OctetString | undefined;
  const type = attribute(OID.contentType) as asn1js.ObjectIdentifier | undefined;
  const hash = HASHES[signer.digestAlgorithm.algorithmId];
  if (!digest || !type || type.valueBlock.toString() !== expectedType || !hash) throw new Error('its signed attributes are not as they must be');
  if (!bytes(digest.valueBlock.valueHexView).equals(createHash(hash).update(content).digest())) throw new Error('the content is not the one signed');
  const signedBytes = Buffer.from(bytes(signer.signedAttrs.encodedValue));
  signedBytes[0] = 0x31; // [0] IMPLICIT → SET OF, as signed
  if (!cryptoVerify(hash, signedBytes, { key: cert.publicKey, dsaEncoding: 'der' }, bytes(signer.signature.valueBlock.valueHexView))) throw new Error('the signature does not verify');
  const trusted = new X509Certificate(trustedPem);
  if (!cert.raw.equals(trusted.raw) && !(cert.checkIssued(trusted) && cert.verify(trusted.publicKey))) throw new Error('it is not signed by the trusted certificate');
  return { content, signer: cert };
}
