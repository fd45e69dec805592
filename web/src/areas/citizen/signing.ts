// Signing in the browser with a person's key file, as the node verifies it (src/identity/certificates.ts,
// src/identity/signin.ts, src/applications/submit.ts):
// - a key file is a private JWK (EC P-256) with `x5c`, its certificate chain (base64 DER, the person's first);
// - a signature is a compact JWS, protected header exactly {"alg":"ES256","x5c":[…]}, payload the signed text;
// - WebCrypto's ECDSA output is r||s (64 bytes), which is exactly JWS's ES256 signature format;
// - an application signs the RFC 8785 canonical JSON of {service, data}; a sign-in signs {"nonce": …}.
// The private key is imported as non-extractable: after import, only this page's WebCrypto can use it.
import canonicalizeModule from 'canonicalize';

type Canonicalize = (input: unknown) => string | undefined;
// canonicalize is CommonJS whose typings claim an ES default export: take the function either way.
const canonicalize = ((canonicalizeModule as unknown as { default?: Canonicalize }).default ?? (canonicalizeModule as unknown as Canonicalize)) as Canonicalize;

/** A key file as the node issues it (GET /api/v1/auth/demo-personas shows them; citizens keep their own). */
export interface KeyFile {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d: string;
  x5c: string[];
  kid?: string;
  alg?: string;
  use?: string;
}

/**
 * Who a certificate names: ETSI EN 319 412-1 (SERIALNUMBER "PNO" + country + "-" + national identifier), or a state's
 * own form of it (Kazakhstan's "IIN" + 12 digits: the letters before the number are dropped); and who issued it.
 */
export interface CertificateHolder {
  name: string | null;
  state: string | null;
  identifier: string | null;
  notAfter: Date | null;
  /** the issuing CA's name (CN, else O) */
  issuer?: string | null;
}

/** A key ready to sign with: the non-extractable private key and the certificate chain to put in x5c. */
export interface SigningKey {
  key: CryptoKey;
  x5c: string[];
  holder: CertificateHolder;
}

export type KeyFileProblem = 'json' | 'notKey' | 'noCertificate' | 'unsupported';

export class KeyFileError extends Error {
  constructor(readonly problem: KeyFileProblem) {
    super(`key file: ${problem}`);
  }
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Reads a key file's text: a private EC P-256 JWK with its certificate chain, or a KeyFileError saying what is wrong. */
export function parseKeyFile(text: string | Record<string, unknown>): KeyFile {
  let value: unknown = text;
  if (typeof text === 'string') {
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new KeyFileError('json');
    }
  }
  const k = value as Partial<KeyFile> | null;
  if (!k || typeof k !== 'object' || k.kty !== 'EC' || k.crv !== 'P-256') throw new KeyFileError('notKey');
  for (const part of [k.x, k.y, k.d]) if (typeof part !== 'string' || !B64URL.test(part)) throw new KeyFileError('notKey');
  if (!Array.isArray(k.x5c) || k.x5c.length === 0 || !k.x5c.every((c) => typeof c === 'string' && B64.test(c))) throw new KeyFileError('noCertificate');
  return { kty: 'EC', crv: 'P-256', x: k.x!, y: k.y!, d: k.d!, x5c: k.x5c, kid: k.kid, alg: k.alg, use: k.use };
}

/** Imports the key file's private key for ES256 signing (non-extractable). */
export async function importSigningKey(file: KeyFile): Promise<SigningKey> {
  if (!globalThis.crypto?.subtle) throw new KeyFileError('unsupported');
  let key: CryptoKey;
  try {
    // Only the key's own members: `use`, `alg` or `key_ops` in a file must not make WebCrypto refuse it.
    key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: file.x, y: file.y, d: file.d, ext: false }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  } catch {
    throw new KeyFileError('notKey');
  }
  return { key, x5c: [...file.x5c], holder: certificateHolder(file.x5c[0]) };
}

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A compact JWS (ES256) over `payload`, with the certificate chain in the protected header. */
export async function signCompact(signer: SigningKey, payload: string): Promise<string> {
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'ES256', x5c: signer.x5c })));
  const input = `${header}.${base64url(encoder.encode(payload))}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer.key, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** What an applicant signs: the RFC 8785 canonical JSON of {service, data}. */
export function applicationPayload(service: string, data: unknown): string {
  const text = canonicalize({ service, data });
  if (text === undefined) throw new TypeError('the application cannot be canonicalized');
  return text;
}

/** What a sign-in signs: the challenge's nonce. */
export const challengePayload = (nonce: string): string => JSON.stringify({ nonce });

// ——— Reading the holder from the certificate (enough DER for an X.509 subject and validity) ———

interface Der {
  tag: number;
  start: number;
  end: number;
}

function readDer(bytes: Uint8Array, at: number): Der {
  const tag = bytes[at];
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[start + i];
    start += n;
  }
  if (start + length > bytes.length) throw new Error('DER overrun');
  return { tag, start, end: start + length };
}

function children(bytes: Uint8Array, parent: Der): Der[] {
  const out: Der[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = readDer(bytes, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function text(bytes: Uint8Array, node: Der): string {
  const raw = bytes.subarray(node.start, node.end);
  if (node.tag === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < raw.length; i += 2) s += String.fromCharCode((raw[i] << 8) | raw[i + 1]);
    return s;
  }
  return new TextDecoder().decode(raw);
}

function time(value: string, generalized: boolean): Date | null {
  const m = generalized ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(value) : /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(value);
  if (!m) return null;
  let year = Number(m[1]);
  if (!generalized) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

const OID_CN = '550403';
const OID_SERIAL = '550405';
const OID_COUNTRY = '550406';
const OID_O = '55040a';
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** A subject's SERIALNUMBER as a state and a national number: "PNOKZ-900412473208", "IIN900412473208", "900412473208". */
export function nationalNumberOf(serial: string): { state: string | null; identifier: string } {
  const etsi = /^(?:PNO|IDC|PAS|TIN)([A-Z]{2})[-:](.+)$/.exec(serial);
  if (etsi) return { state: etsi[1], identifier: etsi[2] };
  // a state's own prefix before the digits: IIN (KZ), PIN, FIN, JSHSHIR, TCKN…
  const prefixed = /^[A-Za-z]{2,8}[-: ]?(\d[\d-]*)$/.exec(serial);
  return { state: null, identifier: prefixed ? prefixed[1] : serial };
}

/** The certificate's holder: name (CN), state and national identifier (SERIALNUMBER), expiry, issuer. */
export function certificateHolder(base64Der: string): CertificateHolder {
  const none: CertificateHolder = { name: null, state: null, identifier: null, notAfter: null, issuer: null };
  try {
    const binary = atob(base64Der);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const cert = readDer(bytes, 0);
    const tbs = children(bytes, cert)[0];
    const fields = children(bytes, tbs);
    const offset = fields[0].tag === 0xa0 ? 1 : 0; // [0] version
    const validity = children(bytes, fields[offset + 3]);
    const subject = fields[offset + 4];
    const holder = { ...none };
    const expiry = validity[1];
    holder.notAfter = expiry ? time(text(bytes, expiry), expiry.tag === 0x18) : null;
    const names = (name: Der) => {
      const out = new Map<string, string>();
      for (const rdn of children(bytes, name))
        for (const attribute of children(bytes, rdn)) {
          const [oid, value] = children(bytes, attribute);
          if (oid && value) out.set(hex(bytes.subarray(oid.start, oid.end)), text(bytes, value));
        }
      return out;
    };
    const own = names(subject);
    holder.name = own.get(OID_CN) ?? null;
    const serial = own.get(OID_SERIAL);
    if (serial) {
      const n = nationalNumberOf(serial);
      holder.identifier = n.identifier;
      holder.state = n.state ?? own.get(OID_COUNTRY) ?? null;
    }
    const issuer = names(fields[offset + 2]);
    holder.issuer = issuer.get(OID_CN) ?? issuer.get(OID_O) ?? null;
    return holder;
  } catch {
    return none;
  }
}
