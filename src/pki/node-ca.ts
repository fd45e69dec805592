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

/**
 * Loads the node's CA from the database, creating it on the first start. Two processes starting at once both try
 * to insert; the loser reads the winner's key, so a node never has two CAs.
 */
export async function loadNodeCa(db: Db, clock: Clock, commonName: string): Promise<NodeCa> {
  let row = await db.selectFrom('pki_keys').selectAll().where('name', '=', KEY_NAME).executeTakeFirst();
  if (!row) {
    const now = clock.now();
    const { cert, keys } = await createSelfSignedCa(`CN=${commonName}, O=Ortak`, new Date(now.getTime() - 60_000), 20);
    await db
      .insertInto('pki_keys')
      .values({
        name: KEY_NAME,
        private_jwk: JSON.stringify(await privateKeyToJwk(keys.privateKey)),
        certificate_pem: cert.toString('pem'),
        created_at: now,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await db.selectFrom('pki_keys').selectAll().where('name', '=', KEY_NAME).executeTakeFirstOrThrow();
  }
  const certificate = parseCertificate(row.certificate_pem);
  const key = await privateKeyFromJwk(row.private_jwk as JWK);
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
  let row = await db.selectFrom('pki_keys').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) {
    const now = clock.now();
    const keys = await generateKeyPair();
    const cert = await ca.issue(subject, keys.publicKey, new Date(now.getTime() - 60_000), 5, extendedKeyUsage);
    await db
      .insertInto('pki_keys')
      .values({ name, private_jwk: JSON.stringify(await privateKeyToJwk(keys.privateKey)), certificate_pem: cert.toString('pem'), created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await db.selectFrom('pki_keys').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
  }
  const certificate = parseCertificate(row.certificate_pem);
  return { certificate, privateKey: await privateKeyFromJwk(row.private_jwk as JWK), chain: [certificate, ca.certificate] };
}
