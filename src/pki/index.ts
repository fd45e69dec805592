export {
  type Certificate,
  type CryptoKey,
  certificatePublicKey,
  certificateThumbprint,
  certificateToBase64,
  checkIssuedBy,
  issuedBy,
  generateKeyPair,
  nameAttribute,
  parseCertificate,
  privateKeyFromJwk,
  privateKeyToJwk,
  publicKeyFromPrivateJwk,
} from './certificates.js';
export { loadNodeCa, loadSigningKey, loadStoredKey, type NodeCa, type SigningKey } from './node-ca.js';
export { readJwsHeader, verifyEs256, verifyJws, type JwsHeader, type JwsProblem } from './jws.js';
export { bytes, CMS_OID, octets, SHA2_DIGESTS, signedAttributesAsSigned, signerCertificate, view } from './cms-parts.js';
