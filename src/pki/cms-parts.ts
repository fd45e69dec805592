import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * The pieces of CMS SignedData (RFC 5652) every reader of it here needs: the message log's time-stamps and archives
 * (exchange/cms.ts) and citizens' own signatures (pki/citizen-cms.ts).
 */
export const CMS_OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  rsaPss: '1.2.840.113549.1.1.10',
};

/** node:crypto's names of the SHA-2 digests a signature may use. */
export const SHA2_DIGESTS: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  [CMS_OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const bytes = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b));
export const view = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** An OCTET STRING's bytes, primitive or constructed (BER allows either for eContent). */
export function octets(o: asn1js.OctetString): Buffer {
  if (!o.idBlock.isConstructed) return bytes(o.valueBlock.valueHexView);
  return Buffer.concat(o.valueBlock.value.map((part) => octets(part as asn1js.OctetString)));
}

/** The bytes a signer's signature covers: its signed attributes' DER as a SET OF (they travel as [0] IMPLICIT). */
export function signedAttributesAsSigned(signer: pkijs.SignerInfo): Buffer {
  const signed = Buffer.from(bytes(signer.signedAttrs!.encodedValue));
  signed[0] = 0x31;
  return signed;
}

/** The certificate a SignerInfo names, among those the SignedData carries: by issuer and serial number, or by subject key identifier. */
export function signerCertificate(signed: pkijs.SignedData, signer: pkijs.SignerInfo): pkijs.Certificate | undefined {
  const sid = signer.sid;
  return (signed.certificates ?? []).find((c): c is pkijs.Certificate => {
    if (!(c instanceof pkijs.Certificate)) return false;
    if (sid instanceof pkijs.IssuerAndSerialNumber) return bytes(c.serialNumber.valueBlock.valueHexView).equals(bytes(sid.serialNumber.valueBlock.valueHexView)) && c.issuer.isEqual(sid.issuer);
    const ski = c.extensions?.find((x) => x.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
    // (or [0] the subject key identifier's octets)
    const keyId = (sid as asn1js.Primitive).valueBlock?.valueHexView;
    return !!ski && !!keyId && bytes(ski.valueBlock.valueHexView).equals(bytes(keyId));
  });
}
