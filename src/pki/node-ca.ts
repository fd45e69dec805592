import type { JWK } from 'jose';
import type { Db } from '../platform/db/index.js';
import type { Clock } from '../platform/clock.js';
import {
  type Certificate,
  type CryptoKey,
  createSelfSignedCa,
  generateKeyPair,
  issueCertificate,
  parseCertificate,
  privateKeyFromJwk,
  privateKeyToJwk,
} from './certificates.js';

/** The node's certificate authority: it issues the sign-in and signing certificates of persons and agencies. */
export interface NodeCa {
  certificate: Certificate;
  issue(subject: string, publicKey: CryptoKey, notBefore: Date, years: number, extendedKeyUsage?: string[]): Promise<Certificate>;
}

const KEY_NAME = 'node-ca';

/** Loads the node's CA from the database, creating it on the first start (one CA, whoever starts first). */
export async function loadNodeCa(db: Db, clock: Clock, commonName: string): Promise<NodeCa> {
  const row = await loadStoredKey(db, clock, KEY_NAME, async () => {
    const { cert, keys } = await createSelfSignedCa(`CN=${commonName}, O=Ortak`, new Date(clock.now().getTime() - 60_000), 20);
    return { privateJwk: await privateKeyToJwk(keys.privateKey), certificatePem: cert.toString('pem') };
  });
  const certificate = parseCertificate(row.certificatePem);
  const key = await privateKeyFromJwk(row.privateJwk);
  return {
    certificate,
    issue: (subject, publicKey, notBefore, years, extendedKeyUsage) => {
      const notAfter = new Date(notBefore);
      notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
      return issueCertificate({ issuer: certificate, issuerKey: key, subject, publicKey, notBefore, notAfter, extendedKeyUsage });
    },
  };
}

export interface SigningKey {
  certificate: Certificate;
  privateKey: CryptoKey;
  /** the chain for an x5c header: this certificate, then the node's CA */
  chain: Certificate[];
}

/**
 * A named signing key of the node (an agency's document-signing key), with a certificate issued by the node's CA.
 * Created on first use; concurrent first uses settle on one key.
 */
export async function loadSigningKey(db: Db, ca: NodeCa, clock: Clock, name: string, subject: string, extendedKeyUsage?: string[]): Promise<SigningKey> {
  const row = await loadStoredKey(db, clock, name, async () => {
    const keys = await generateKeyPair();
    const cert = await ca.issue(subject, keys.publicKey, new Date(clock.now().getTime() - 60_000), 5, extendedKeyUsage);
    return { privateJwk: await privateKeyToJwk(keys.privateKey), certificatePem: cert.toString('pem') };
  });
  const certificate = parseCertificate(row.certificatePem);
  return { certificate, privateKey: await privateKeyFromJwk(row.privateJwk), chain: [certificate, ca.certificate] };
}

/**
 * A named key of the node and its certificate, kept in its database (`pki_keys`): made by `make` on first use. Two
 * processes starting at once both try to insert; the loser reads the winner's key, so a name never has two keys.
 */
export async function loadStoredKey(db: Db, clock: Clock, name: string, make: () => Promise<{ privateJwk: JWK; certificatePem: string }>): Promise<{ privateJwk: JWK; certificatePem: string }> {
  const read = () => db.selectFrom('pki_keys').selectAll().where('name', '=', name).executeTakeFirst();
  let row = await read();
  if (!row) {
    const made = await make();
    await db
      .insertInto('pki_keys')
      .values({ name, private_jwk: JSON.stringify(made.privateJwk), certificate_pem: made.certificatePem, created_at: clock.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await read();
    if (!row) throw new Error(`the key ${name} could not be stored`);
  }
  return { privateJwk: row.private_jwk as JWK, certificatePem: row.certificate_pem };
}
