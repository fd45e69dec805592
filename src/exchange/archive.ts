import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import { strFromU8, strToU8, zipSync } from 'fflate';
import * as pkijs from 'pkijs';
import type { Db } from '../platform/db/index.js';
import { OID, signCms, verifyCms } from './cms.js';
import { type ChainHead, headsDigest } from './log-timestamps.js';
import { bodyFromParts, rowHash, storedMetadata } from './message-log.js';
import type { GatewaySigner } from './signing.js';
import { readStrictZip } from './strict-zip.js';
import { verifyToken } from './timestamps.js';

/**
 * The message log archived as evidence into a signed container, ASiC-E (ETSI EN 319 162-1) with a CAdES-style
 * detached CMS signature over its ASiC manifest: the rows (bodies included where kept) and their time-stamps, signed
 * by the node's gateway key. `verifyArchive` checks one offline, given only the certificate to trust: the container,
 * the manifest's digests, the signature, every row's hash chain and body, every time-stamp token, and that every
 * row is covered by one.
 */
const MIMETYPE = 'application/vnd.etsi.asic-e+zip';
const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

interface ArchivedRow {
  id: number;
  chain: string | null;
  at: string;
  side: string;
  direction: string;
  xRoadId: string;
  requestId: string;
  clientId: string;
  serviceId: string;
  userId: string | null;
  issue: string | null;
  representedParty: string | null;
  method: string;
  path: string;
  status: number | null;
  errorType: string | null;
  requestHash: string | null;
  signature: string | null;
  bodySha512: string | null;
  body: string | null;
  prevHash: string | null;
  hash: string;
}

interface ArchivedStamp {
  id: number;
  at: string;
  heads: ChainHead[];
  digest: string;
  tsa: string;
  token: string;
}

/**
 * The rows covered by a time-stamp (each chain up to its last stamped head), after `afterId` and up to `upToId`,
 * with their stamps; and how many rows of that range are not covered yet (committed after the last stamp).
 */
async function coveredRows(db: Db, afterId: number, upToId?: number): Promise<{ rows: ArchivedRow[]; stamps: ArchivedStamp[]; uncovered: number }> {
  const stamps = await db.selectFrom('message_log_timestamps').selectAll().orderBy('id').execute();
  const lastStamped = new Map<string | null, number>();
  for (const s of stamps) for (const h of s.heads) lastStamped.set(h.chain, Math.max(lastStamped.get(h.chain) ?? 0, h.id));
  let q = db.selectFrom('message_log').selectAll().where('id', '>', afterId).orderBy('id');
  if (upToId !== undefined) q = q.where('id', '<=', upToId);
  const all = await q.execute();
  const rows = all.filter((r) => Number(r.id) <= (lastStamped.get(r.chain) ?? 0));
  const kept = new Set(rows.map((r) => r.hash));
  const bodies = new Map<string, Buffer>();
  for (const r of rows) if (r.body_in_parts && r.body_sha512 && !bodies.has(r.body_sha512)) bodies.set(r.body_sha512, await bodyFromParts(db, r.body_sha512));
  const bodyOf = (r: (typeof rows)[number]) => (r.body ? Buffer.from(r.body) : r.body_in_parts ? bodies.get(r.body_sha512 ?? '') : undefined);
  return {
    rows: rows.map((r) => ({
      id: Number(r.id), chain: r.chain, at: r.at.toISOString(), side: r.side, direction: r.direction, xRoadId: r.x_road_id, requestId: r.request_id, clientId: r.client_id,
      serviceId: r.service_id, userId: r.user_id, issue: r.issue, representedParty: r.represented_party, method: r.method, path: r.path, status: r.status, errorType: r.error_type,
      requestHash: r.request_hash, signature: r.signature, bodySha512: r.body_sha512, body: bodyOf(r)?.toString('base64') ?? null, prevHash: r.prev_hash, hash: r.hash,
    })),
    // the stamps that cover a row of the archive
    stamps: stamps
      .filter((s) => s.heads.some((h) => kept.has(h.hash)))
      .map((s) => ({ id: Number(s.id), at: s.at.toISOString(), heads: s.heads, digest: s.digest, tsa: s.tsa, token: Buffer.from(s.token).toString('base64') })),
    uncovered: all.length - rows.length,
  };
}

const manifest = (files: Record<string, Uint8Array>) =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<asic:ASiCManifest xmlns:asic="http://uri.etsi.org/02918/v1.2.1#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">',
    '<asic:SigReference URI="META-INF/signature.p7s" MimeType="application/pkcs7-signature"/>',
    ...Object.entries(files).map(
      ([name, data]) =>
        `<asic:DataObjectReference URI="${name}" MimeType="${name.endsWith('.pem') ? 'application/x-pem-file' : 'application/x-ndjson'}"><ds:DigestMethod Algorithm="${SHA256_URI}"/><ds:DigestValue>${createHash('sha256').update(data).digest('base64')}</ds:DigestValue></asic:DataObjectReference>`,
    ),
    '</asic:ASiCManifest>',
  ].join('\n');

/** A detached CMS SignedData (DER) over `content`, by the signer's key, its certificate included. */
async function detachedSignature(content: Uint8Array, signer: GatewaySigner, at: Date): Promise<Buffer> {
  const jwk = createPrivateKey(signer.keyPem).export({ format: 'jwk' });
  const privateKey = await webcrypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const signingTime = new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: at })] });
  return signCms({ content, contentType: OID.data, detached: true, certPem: signer.certPem, privateKey, attributes: [signingTime] });
}

/**
 * Writes the archive of the time-stamped rows after `afterId` (up to `upToId`), with the certificate of the TSA that
 * stamped them; answers the container, what it holds, and how many rows of the range it left out, not yet stamped.
 * (The whole archive is built in memory: archive in ranges, as the archiver does.)
 */
export async function archiveMessageLog(
  db: Db,
  signer: GatewaySigner,
  tsaCertPem: string,
  now: Date,
  afterId = 0,
  upToId?: number,
): Promise<{ file: Buffer; rows: number; stamps: number; lastId: number; uncovered: number }> {
  const { rows, stamps, uncovered } = await coveredRows(db, afterId, upToId);
  const files: Record<string, Uint8Array> = {
    'messages.jsonl': strToU8(rows.map((r) => JSON.stringify(r)).join('\n')),
    'timestamps.jsonl': strToU8(stamps.map((s) => JSON.stringify(s)).join('\n')),
    'certificates/tsa.pem': strToU8(tsaCertPem),
  };
  const manifestXml = strToU8(manifest(files));
  const signature = await detachedSignature(manifestXml, signer, now);
  const file = zipSync(
    {
      // first and stored, so that the container's type can be read at a fixed place (ETSI EN 319 162-1 §A.1)
      mimetype: strToU8(MIMETYPE),
      ...files,
      'META-INF/ASiCManifest.xml': manifestXml,
      'META-INF/signature.p7s': signature,
    },
    // Stored, not deflated: a deflate stream can be changed without changing what it inflates to (an unused code's
    // length, say), and every byte of an evidence file must count. Every entry is dated the archive's time: left to
    // itself, fflate reads the clock once for an entry's local header and again for its central directory entry,
    // which disagree when a large archive's writing crosses a two-second step of the ZIP's DOS time.
    { level: 0, mtime: now },
  );
  return { file: Buffer.from(file), rows: rows.length, stamps: stamps.length, lastId: rows.at(-1)?.id ?? afterId, uncovered };
}

export interface ArchiveCheck {
  ok: boolean;
  rows: number;
  stamps: number;
  problem?: string;
}

/**
 * Verifies an archive offline: `trustedPem` is the certificate that must have signed it (or issued its signer's);
 * the time-stamps are checked against the TSA certificate the signed archive holds.
 */
export async function verifyArchive(file: Uint8Array, trustedPem: string): Promise<ArchiveCheck> {
  const fail = (problem: string, rows = 0, stamps = 0): ArchiveCheck => ({ ok: false, rows, stamps, problem });
  const zip = readStrictZip(file);
  if (typeof zip === 'string') return fail(`not the container written: ${zip}`);
  const { entries, names } = zip;
  if (names[0] !== 'mimetype' || strFromU8(entries.mimetype) !== MIMETYPE) return fail('not an ASiC-E container (mimetype)');
  const manifestXml = entries['META-INF/ASiCManifest.xml'];
  const p7s = entries['META-INF/signature.p7s'];
  if (!manifestXml || !p7s) return fail('the manifest or its signature is missing');
  try {
    verifyCms(p7s, OID.data, trustedPem, manifestXml);
  } catch (error) {
    return fail(`the signature over the manifest: ${(error as Error).message}`);
  }
  // every data file listed, with its digest; none unlisted
  const listed = [...strFromU8(manifestXml).matchAll(/<asic:DataObjectReference URI="([^"]+)"[^>]*>.*?<ds:DigestValue>([^<]+)<\/ds:DigestValue>/g)];
  const data = Object.keys(entries).filter((n) => n !== 'mimetype' && !n.startsWith('META-INF/'));
  if (listed.length !== data.length || !data.every((n) => listed.some(([, uri]) => uri === n))) return fail('the manifest does not list exactly the files');
  for (const [, uri, value] of listed) if (createHash('sha256').update(entries[uri]).digest('base64') !== value) return fail(`${uri} is not the file signed`);

  const lines = (name: string) => strFromU8(entries[name] ?? new Uint8Array()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const rows = lines('messages.jsonl') as ArchivedRow[];
  const stamps = lines('timestamps.jsonl') as ArchivedStamp[];
  const tails = new Map<string | null, string>();
  for (const r of rows) {
    const meta = storedMetadata({ ...r, at: new Date(r.at), x_road_id: r.xRoadId, request_id: r.requestId, client_id: r.clientId, service_id: r.serviceId, user_id: r.userId, error_type: r.errorType, request_hash: r.requestHash, body_sha512: r.bodySha512, represented_party: r.representedParty });
    if (rowHash(r.prevHash, meta) !== r.hash) return fail(`row ${r.id} is not what its hash says`, rows.length, stamps.length);
    if (tails.has(r.chain) && tails.get(r.chain) !== r.prevHash) return fail(`row ${r.id} does not follow its chain`, rows.length, stamps.length);
    if (r.body !== null && createHash('sha512').update(Buffer.from(r.body, 'base64')).digest('base64') !== r.bodySha512) return fail(`row ${r.id}'s body is not the one logged`, rows.length, stamps.length);
    tails.set(r.chain, r.hash);
  }
  // every time-stamp token over its heads, and every row before a stamped head of its chain
  const stampedAt = new Map<string | null, number>();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const s of stamps) {
    if (headsDigest(s.heads).toString('hex') !== s.digest) return fail(`time-stamp ${s.id} is not over its heads`, rows.length, stamps.length);
    try {
      await verifyToken(Buffer.from(s.token, 'base64'), Buffer.from(s.digest, 'hex'), undefined, strFromU8(entries['certificates/tsa.pem']));
    } catch (error) {
      return fail(`time-stamp ${s.id}: ${(error as Error).message}`, rows.length, stamps.length);
    }
    for (const h of s.heads) {
      const row = byId.get(h.id);
      if (row && row.hash !== h.hash) return fail(`time-stamp ${s.id} is over another row ${h.id}`, rows.length, stamps.length);
      stampedAt.set(h.chain, Math.max(stampedAt.get(h.chain) ?? 0, h.id));
    }
  }
  const unstamped = rows.find((r) => r.id > (stampedAt.get(r.chain) ?? 0));
  if (unstamped) return fail(`row ${unstamped.id} is not covered by a time-stamp`, rows.length, stamps.length);
  return { ok: true, rows: rows.length, stamps: stamps.length };
}
