// Signing in the browser with a citizen's own e-signature key file, a PKCS #12 (.p12/.pfx) file as the states' CAs
// issue them (NCA of Kazakhstan's AUTH_RSA256_….p12 and RSA256_….p12), as the node verifies it (src/pki/citizen-cms.ts):
// - the file is opened here, with the password typed here, by pkijs over WebCrypto: PBES2 (PBKDF2 + AES-CBC), as
//   OpenSSL 3 makes it by default; the older PKCS #12 ciphers (RC2, 3DES under the PKCS #12 KDF) WebCrypto cannot
//   decrypt, and the citizen is told so;
// - the private key is imported non-extractable (RSA: RSASSA-PKCS1-v1_5 with SHA-256; ECDSA P-256/P-384) and never
//   leaves the page: only signatures made with it do;
// - a signature is a CMS SignedData (RFC 5652), DER, content detached, with the signed attributes content type (data),
//   message digest (SHA-256), signing time and signing-certificate v2 (RFC 5035: SHA-256 of the certificate), carrying
//   the signer's certificate and the CA certificates the file holds.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateHolder, type CertificateHolder } from './signing';

/** A key opened from a .p12/.pfx file: ready to make CMS signatures. */
export interface P12Key {
  kind: 'p12';
  key: CryptoKey;
  /** the signer's certificate (DER) */
  certificate: Uint8Array;
  /** the other certificates in the file (its CAs, DER) */
  chain: Uint8Array[];
  holder: CertificateHolder;
}

export type P12Problem = 'wrongPassword' | 'legacyCipher' | 'notP12' | 'noKey' | 'keyUnsupported' | 'unsupported';

export class P12Error extends Error {
  constructor(
    readonly problem: P12Problem,
    readonly why: string = problem,
  ) {
    super(`PKCS #12: ${why}`);
  }
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  rsa: '1.2.840.113549.1.1.1',
  ec: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  basicConstraints: '2.5.29.19',
};

/** The older password-based ciphers of PKCS #12 (RFC 7292 appendix C), which WebCrypto has not got. */
const LEGACY = /^1\.2\.840\.113549\.1\.12\.1\.|^1\.2\.840\.113549\.1\.5\.(3|6|10|11)$/;

/** Does the file look like a PKCS #12 file rather than a JSON key file? (DER: a SEQUENCE) */
export const looksLikeP12 = (name: string, first: number | undefined): boolean => /\.(p12|pfx)$/i.test(name) || first === 0x30;

const copy = (view: ArrayBuffer | Uint8Array): Uint8Array => new Uint8Array(view instanceof Uint8Array ? view : new Uint8Array(view)).slice();
const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

/**
 * Opens a .p12/.pfx file with its password: the private key (imported non-extractable) and its certificate, with the
 * file's other certificates. Throws P12Error saying what is wrong: the password, an old cipher, not such a file.
 */
export async function openP12(file: ArrayBuffer | Uint8Array, password: string): Promise<P12Key> {
  if (!globalThis.crypto?.subtle) throw new P12Error('unsupported');
  const der = copy(file);
  let pfx: pkijs.PFX;
  try {
    const asn = asn1js.fromBER(buffer(der));
    if (asn.offset === -1) throw new Error(asn.result.error);
    pfx = new pkijs.PFX({ schema: asn.result });
  } catch (e) {
    throw new P12Error('notP12', (e as Error).message);
  }
  const secret = buffer(new TextEncoder().encode(password));

  // the MAC over the contents is made with the password: a wrong one shows here, before any decryption
  try {
    await pfx.parseInternalValues({ password: secret, checkIntegrity: !!pfx.macData });
  } catch (e) {
    const why = (e as Error).message;
    if (/integrity/i.test(why)) throw new P12Error('wrongPassword', why);
    throw new P12Error(/unsupported|hash/i.test(why) ? 'legacyCipher' : 'notP12', why);
  }
  const safe = pfx.parsedValue?.authenticatedSafe;
  if (!safe) throw new P12Error('notP12', 'no authenticated safe');

  // (each part is read once: pkijs cannot read an EncryptedData's schema a second time)
  try {
    await safe.parseInternalValues({ safeContents: safe.safeContents.map((c) => (c.contentType === OID.encryptedData ? { password: secret } : {})) });
  } catch (e) {
    throw decryptionProblem(e, !!pfx.macData);
  }

  const bags: pkijs.SafeBag[] = (safe.parsedValue?.safeContents ?? []).flatMap((c: { value: pkijs.SafeContents }) => c.value.safeBags);
  const certificates: { cert: pkijs.Certificate; id?: string }[] = [];
  let privateKey: { info: pkijs.PrivateKeyInfo; id?: string } | undefined;
  const idOf = (bag: pkijs.SafeBag) => {
    const value = bag.bagAttributes?.find((a) => a.type === OID.localKeyId)?.values[0];
    return value instanceof asn1js.OctetString ? hex(value.valueBlock.valueHexView) : undefined;
  };
  for (const bag of bags) {
    if (bag.bagId === OID.shroudedKeyBag && !privateKey) {
      const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
      if (LEGACY.test(shrouded.encryptionAlgorithm.algorithmId)) throw new P12Error('legacyCipher', 'the key is encrypted with an older PKCS #12 cipher');
      try {
        // (public in pkijs's code, protected in its typings)
        await (shrouded as unknown as { parseInternalValues(p: { password: ArrayBuffer }): Promise<void> }).parseInternalValues({ password: secret });
      } catch (e) {
        throw decryptionProblem(e, !!pfx.macData);
      }
      if (shrouded.parsedValue) privateKey = { info: shrouded.parsedValue, id: idOf(bag) };
    } else if (bag.bagId === OID.keyBag && !privateKey) {
      privateKey = { info: bag.bagValue as unknown as pkijs.PrivateKeyInfo, id: idOf(bag) };
    } else if (bag.bagId === OID.certBag) {
      const certBag = bag.bagValue as pkijs.CertBag;
      if (certBag.certId === OID.x509Certificate && certBag.parsedValue instanceof pkijs.Certificate) certificates.push({ cert: certBag.parsedValue, id: idOf(bag) });
    }
  }
  if (!privateKey) throw new P12Error('noKey', 'no private key in the file');
  const isCa = (c: pkijs.Certificate) => !!(c.extensions?.find((x) => x.extnID === OID.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined)?.cA;
  const own = certificates.find((c) => privateKey.id && c.id === privateKey.id) ?? certificates.find((c) => !isCa(c.cert));
  if (!own) throw new P12Error('noKey', 'no certificate for the key in the file');

  const key = await importPrivateKey(privateKey.info);
  const certificate = new Uint8Array(own.cert.toSchema().toBER(false));
  const chain = certificates.filter((c) => c !== own).map((c) => new Uint8Array(c.cert.toSchema().toBER(false)));
  return { kind: 'p12', key, certificate, chain, holder: certificateHolder(base64(certificate)) };
}

/** A failed decryption: with a MAC checked, the password was right and the cipher is the trouble; without one, the password may be wrong. */
function decryptionProblem(e: unknown, macChecked: boolean): P12Error {
  const why = (e as Error).message ?? String(e);
  if (/unknown|unsupported|not supported/i.test(why) || LEGACY.test(why.split(': ').at(-1) ?? '')) return new P12Error('legacyCipher', why);
  return new P12Error(macChecked ? 'notP12' : 'wrongPassword', why);
}

async function importPrivateKey(info: pkijs.PrivateKeyInfo): Promise<CryptoKey> {
  const pkcs8 = info.toSchema().toBER(false);
  const algorithm = info.privateKeyAlgorithm.algorithmId;
  let params: RsaHashedImportParams | EcKeyImportParams;
  if (algorithm === OID.rsa) params = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  else if (algorithm === OID.ec) {
    const curve = info.privateKeyAlgorithm.algorithmParams instanceof asn1js.ObjectIdentifier ? info.privateKeyAlgorithm.algorithmParams.valueBlock.toString() : '';
    if (curve !== OID.p256 && curve !== OID.p384) throw new P12Error('keyUnsupported', `an EC key on ${curve || 'an unnamed curve'}`);
    params = { name: 'ECDSA', namedCurve: curve === OID.p256 ? 'P-256' : 'P-384' };
  } else throw new P12Error('keyUnsupported', `a key of ${algorithm}`);
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8, params, false, ['sign']);
  } catch (e) {
    throw new P12Error('keyUnsupported', (e as Error).message);
  }
}

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** X.690: a SET OF in DER has its elements in the order of their encodings. */
function derOrder(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * A CMS SignedData (base64 of DER) over the UTF-8 bytes of `content`, the content detached: what the node takes as
 * `cms` at sign-in (over the challenge's nonce) and with an application (over its canonical JSON).
 */
export async function signCms(signer: P12Key, content: string, now = new Date()): Promise<string> {
  const data = new TextEncoder().encode(content);
  const cert = pkijs.Certificate.fromBER(buffer(signer.certificate));
  const digest = await crypto.subtle.digest('SHA-256', data);
  const certHash = await crypto.subtle.digest('SHA-256', buffer(signer.certificate));
  // RFC 5035 SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256 (left out), certHash, issuerSerial } }
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: buffer(cert.serialNumber.valueBlock.valueHexView) }),
    ],
  });
  const signingCertificate = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certHash }), issuerSerial] })] })] });
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: now })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
    new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificate] }),
  ]
    .map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }))
    .sort((x, y) => derOrder(x.der, y.der))
    .map((x) => x.a);

  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [cert, ...signer.chain.map((c) => pkijs.Certificate.fromBER(buffer(c)))],
  });
  await signed.sign(signer.key, 0, 'SHA-256', buffer(data));
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return base64(new Uint8Array(info.toSchema().toBER(false)));
}
