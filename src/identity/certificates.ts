import type { JWK } from 'jose';
import type { Db } from '../platform/db/index.js';
import { identityReadsOf, type KeptCertificate } from './kept-reads.js';
import {
  type Certificate,
  type CryptoKey,
  type NodeCa,
  certificatePublicKey,
  certificateThumbprint,
  certificateToBase64,
  issuedBy,
  generateKeyPair,
  parseCertificate,
  privateKeyToJwk,
  readJwsHeader,
  verifyJws,
} from '../pki/index.js';

export interface PersonForCertificate {
  id: string;
  state: string;
  national_id: string;
  given_name: string;
  family_name: string;
}

/**
 * The subject of a person's certificate. SERIALNUMBER carries the national identifier in the ETSI EN 319 412-1
 * form (PNO + country + "-" + number), as the member states' qualified certificates do (2.5.4.5 is serialNumber).
 */
export function personSubject(p: PersonForCertificate): string {
  const cn = `${p.family_name} ${p.given_name}`.replace(/[,+=<>#;"\\]/g, ' ');
  return `CN=${cn}, 2.5.4.5=PNO${p.state}-${p.national_id}, C=${p.state}`;
}

export async function issuePersonCertificate(db: Db, ca: NodeCa, person: PersonForCertificate, publicKey: CryptoKey, now: Date): Promise<Certificate> {
  const cert = await ca.issue(personSubject(person), publicKey, new Date(now.getTime() - 60_000), 3);
  await db
    .insertInto('person_certificates')
    .values({
      serial: cert.serialNumber,
      person_id: person.id,
      thumbprint: certificateThumbprint(cert),
      not_before: cert.notBefore,
      not_after: cert.notAfter,
      pem: cert.toString('pem'),
    })
    .execute();
  return cert;
}

/** A new key and certificate for a person, as the key file (a private JWK with its x5c chain) they would hold. */
export async function issueKeyFile(db: Db, ca: NodeCa, person: PersonForCertificate, now: Date): Promise<JWK> {
  const keys = await generateKeyPair();
  const cert = await issuePersonCertificate(db, ca, person, keys.publicKey, now);
  const jwk = await privateKeyToJwk(keys.privateKey);
  return {
    ...jwk,
    kid: certificateThumbprint(cert),
    alg: 'ES256',
    use: 'sig',
    x5c: [certificateToBase64(cert), certificateToBase64(ca.certificate)],
  };
}

export type SignatureProblem =
  | 'malformed'
  | 'algorithm'
  | 'unknown_certificate'
  | 'foreign_certificate'
  | 'revoked_certificate'
  | 'untrusted_certificate'
  | 'expired_certificate'
  | 'signature'
  | 'payload';

export interface SignerCheck {
  personId?: string;
  certificateSerial?: string;
  problem?: SignatureProblem;
}

// Parsing a stored certificate, checking the CA's signature on it and importing its key depend only on the
// certificate and the CA, and cost most of a signature check (milliseconds in JavaScript ASN.1 and WebCrypto): they
// are done once per certificate. Validity dates and revocation are still checked on every signature.
const checkedByCa = new WeakMap<Certificate, Map<string, Promise<{ certificate: Certificate; issued: boolean; key: CryptoKey }>>>();
function checkedCertificate(pem: string, caCertificate: Certificate) {
  let checked = checkedByCa.get(caCertificate);
  if (!checked) checkedByCa.set(caCertificate, (checked = new Map()));
  let entry = checked.get(pem);
  if (!entry) {
    const certificate = parseCertificate(pem);
    entry = Promise.all([issuedBy(certificate, caCertificate), certificatePublicKey(certificate)]).then(([problem, key]) => ({ certificate, issued: !problem, key }));
    if (checked.size >= 50_000) checked.clear();
    checked.set(pem, entry);
    entry.catch(() => checked.delete(pem));
  }
  return entry;
}

// The thumbprint of the certificate a signature carries (x5c); parsing it only to see that it is a certificate was a
// tenth of a submission's CPU, and a citizen signs with the same certificate for years: remembered per certificate.
const x5cThumbprints = new Map<string, string | null>();
function thumbprintOfX5c(x5c: string): string | undefined {
  let thumbprint = x5cThumbprints.get(x5c);
  if (thumbprint === undefined) {
    try {
      thumbprint = certificateThumbprint(parseCertificate(x5c));
    } catch {
      thumbprint = null;
    }
    if (x5cThumbprints.size >= 50_000) x5cThumbprints.clear();
    x5cThumbprints.set(x5c, thumbprint);
  }
  return thumbprint ?? undefined;
}

/**
 * Verifies a compact JWS by a person's key over `payload`: the certificate (from the x5c or x5t#S256 header) must
 * be one the node's CA issued, current, not revoked, and — when `personId` is given — that person's.
 */
export async function verifyPersonSignature(
  db: Db,
  ca: NodeCa,
  jws: unknown,
  payload: Uint8Array,
  now: Date,
  personId?: string,
): Promise<SignerCheck> {
  const header = readJwsHeader(jws);
  if (!header) return { problem: 'malformed' };
  if (header.alg !== 'ES256') return { problem: 'algorithm' };

  let x5cThumbprint: string | undefined;
  if (Array.isArray(header.x5c) && typeof header.x5c[0] === 'string') {
    x5cThumbprint = thumbprintOfX5c(header.x5c[0]);
    if (!x5cThumbprint) return { problem: 'malformed' };
  }
  const thumbprint = x5cThumbprint ?? header['x5t#S256'] ?? header.kid;
  // Built only when read: a kept certificate needs no query at all.
  const query = () => db.selectFrom('person_certificates').select(['serial', 'person_id', 'revoked_at', 'pem']);
  let candidates: KeptCertificate[];
  if (thumbprint) {
    const load = () => query().where('thumbprint', '=', String(thumbprint)).execute();
    const kept = identityReadsOf(db);
    candidates = kept ? await kept.certificate(String(thumbprint), load) : await load();
  } else if (personId) {
    candidates = await query().where('person_id', '=', personId).where('revoked_at', 'is', null).where('not_after', '>', now).execute();
  } else return { problem: 'unknown_certificate' };

  if (candidates.length === 0) return { problem: x5cThumbprint ? 'untrusted_certificate' : 'unknown_certificate' };
  let last: SignerCheck = { problem: 'signature' };
  for (const row of candidates) {
    if (personId && row.person_id !== personId) return { problem: 'foreign_certificate' };
    if (row.revoked_at) return { problem: 'revoked_certificate' };
    const { certificate: stored, issued, key } = await checkedCertificate(row.pem, ca.certificate);
    if (!issued) return { problem: 'untrusted_certificate' };
    if (now < stored.notBefore || now > stored.notAfter) return { problem: 'expired_certificate' };
    const problem = await verifyJws(jws as string, key, payload);
    if (!problem) return { personId: row.person_id, certificateSerial: row.serial };
    last = { problem: problem === 'payload' ? 'payload' : problem === 'algorithm' ? 'algorithm' : 'signature' };
  }
  return last;
}
