import type { JWK } from 'jose';
import type { Db } from '../platform/db/index.js';
import type { Clock } from '../platform/clock.js';
import {
  type Certificate,
  type CryptoKey,
  createSelfSignedCa,
  issueCertificate,
  parseCertificate,
  privateKeyFromJwk,
  privateKeyToJwk,
} from './certificates.js';

/** The node's certificate authority: it issues the sign-in and signing certificates of persons and agencies. */
export interface NodeCa {
  certificate: Certificate;
  issue(subject: string, publicKey: CryptoKey, notBefore: Date, years: number): Promise<Certificate>;
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
    issue: (subject, publicKey, notBefore, years) => {
      const notAfter = new Date(notBefore);
      notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
      return issueCertificate({ issuer: certificate, issuerKey: key, subject, publicKey, notBefore, notAfter });
    },
  };
}
