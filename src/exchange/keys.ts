import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/index.js';
import { loadSigningKey, loadStoredKey, type NodeCa, privateKeyToJwk } from '../pki/index.js';
import { createInternalTlsCertificate, type KeyAndCertificate } from './federation-admin.js';
import type { GatewaySigner } from './signing.js';
import type { OwnTsa } from './timestamps.js';

const KEY_NAME = 'client-interface-tls';

/**
 * The client interface's TLS key and certificate: the operator's files when given (ORTAK_CLIENT_TLS_KEY and
 * ORTAK_CLIENT_TLS_CERT), else one the node made on its first start and keeps in its database, like its CA.
 */
export async function loadInternalTls(db: Db, clock: Clock, files: { keyFile?: string; certFile?: string }, hosts: string[]): Promise<KeyAndCertificate> {
  if (files.keyFile && files.certFile) return { keyPem: readFileSync(files.keyFile, 'utf8'), certPem: readFileSync(files.certFile, 'utf8') };
  const stored = await loadStoredKey(db, clock, KEY_NAME, async () => {
    const made = await createInternalTlsCertificate(hosts, clock.now());
    return { privateJwk: createPrivateKey(made.keyPem).export({ format: 'jwk' }), certificatePem: made.certPem };
  });
  const keyPem = createPrivateKey({ key: stored.privateJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }).toString();
  return { keyPem, certPem: stored.certificatePem };
}

/**
 * The key that signs the exchange's messages on a node outside a federation (in one, its gateway certificate under the
 * trust anchor signs them): a key of the node's CA, kept in its database.
 */
export async function loadGatewaySigner(db: Db, ca: NodeCa, clock: Clock): Promise<GatewaySigner> {
  const key = await loadSigningKey(db, ca, clock, 'exchange-gateway', 'CN=Ortak exchange gateway, O=Ortak node');
  const keyPem = createPrivateKey({ key: (await privateKeyToJwk(key.privateKey)) as never, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }).toString();
  return { keyPem, certPem: key.certificate.toString('pem') };
}

/** The node's own time-stamping authority: a key of its CA with a certificate for id-kp-timeStamping only. */
export async function loadOwnTsa(db: Db, ca: NodeCa, clock: Clock): Promise<OwnTsa> {
  const key = await loadSigningKey(db, ca, clock, 'exchange-tsa', 'CN=Ortak time-stamping authority, O=Ortak node', ['1.3.6.1.5.5.7.3.8']);
  return { certPem: key.certificate.toString('pem'), privateKey: key.privateKey };
}
