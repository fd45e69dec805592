import { createHash, verify as cryptoVerify, webcrypto, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytes, CMS_OID, octets, SHA2_DIGESTS, signedAttributesAsSigned, signerCertificate, view } from '../pki/index.js';

/**
 * CMS SignedData (RFC 5652) with one signer, as the message log's time-stamp tokens and archives use it: made with
 * PKI.js, checked with node:crypto (the signed attributes carry the content's type and digest; the signature is over
 * their DER as a SET). OpenSSL verifies what this makes, in the tests.
 */
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

export const OID = CMS_OID;

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
  const certificate = signerCertificate(signed, signer);
  if (!certificate) throw new Error('the certificate of its signer is not in it');
  const cert = new X509Certificate(bytes(certificate.toSchema().toBER(false)));
  const attribute = (type: string) => signer.signedAttrs!.attributes.find((a) => a.type === type)?.values[0];
  const digest = attribute(OID.messageDigest) as asn1js.OctetString | undefined;
  const type = attribute(OID.contentType) as asn1js.ObjectIdentifier | undefined;
  const hash = SHA2_DIGESTS[signer.digestAlgorithm.algorithmId];
  if (!digest || !type || type.valueBlock.toString() !== expectedType || !hash) throw new Error('its signed attributes are not as they must be');
  if (!bytes(digest.valueBlock.valueHexView).equals(createHash(hash).update(content).digest())) throw new Error('the content is not the one signed');
  if (!cryptoVerify(hash, signedAttributesAsSigned(signer), { key: cert.publicKey, dsaEncoding: 'der' }, bytes(signer.signature.valueBlock.valueHexView))) throw new Error('the signature does not verify');
  const trusted = new X509Certificate(trustedPem);
  if (!cert.raw.equals(trusted.raw) && !(cert.checkIssued(trusted) && cert.verify(trusted.publicKey))) throw new Error('it is not signed by the trusted certificate');
  return { content, signer: cert };
}
