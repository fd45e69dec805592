import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';

/**
 * The member states' certification authorities a node trusts for citizens' and businesses' own e-signatures:
 * `ORTAK_TRUST_DIR` holds a folder per state (`KZ/`, `AZ/`, `KG/`, `TR/`, `UZ/`) with that state's root and
 * intermediate CA certificates (PEM) and its profile (`profile.yaml`): where its certificates carry the national
 * number, which key usages sign-in and signing need, which policies mark an organization's head or an employee with
 * signing rights. An operator installs the certificates their state publishes; the profiles ship with the node.
 */
export interface StateProfile {
  state: string;
  /** where a person's national number is, and its form: one capturing group, the number */
  person: NumberLocation;
  /** where the organization's number is, on certificates issued to its head or employees */
  organization?: NumberLocation;
  /** what a certificate must allow to sign in with, and to sign an application with */
  authentication: Usage;
  signing: Usage;
  /** certificate policies (OIDs) that mark a certificate of an organization's head, or of an employee who may sign */
  policies?: { head?: string[]; employee?: string[] };
}

export interface NumberLocation {
  /** a subject attribute: a short name (serialNumber, OU, UID, CN) or an OID */
  attribute: string;
  pattern: string;
}

export interface Usage {
  /** key usage bits, any of which will do (digitalSignature, nonRepudiation) */
  keyUsage: string[];
  /** extended key usages (OIDs), any of which will do; none: not required */
  extendedKeyUsage: string[];
}

export interface TrustedState {
  profile: StateProfile;
  /** the state's CAs, roots and intermediates */
  authorities: x509.X509Certificate[];
  /** the same, as node:crypto checks chains with them (parsed once, at start) */
  anchors: X509Certificate[];
}

export type TrustList = Map<string, TrustedState>;

export class TrustListError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

const STATES = ['KZ', 'AZ', 'KG', 'TR', 'UZ'];
const KEY_USAGES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement'];

const location = {
  type: 'object',
  additionalProperties: false,
  required: ['attribute', 'pattern'],
  properties: { attribute: { type: 'string', pattern: '^([A-Za-z]+|[0-2](\\.\\d+)+)$' }, pattern: { type: 'string', minLength: 3 } },
};
const usage = {
  type: 'object',
  additionalProperties: false,
  required: ['keyUsage', 'extendedKeyUsage'],
  properties: {
    keyUsage: { type: 'array', minItems: 1, items: { enum: KEY_USAGES } },
    extendedKeyUsage: { type: 'array', items: { type: 'string', pattern: '^[0-2](\\.\\d+)+$' } },
  },
};
const oids = { type: 'array', items: { type: 'string', pattern: '^[0-2](\\.\\d+)+$' } };
const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['state', 'person', 'authentication', 'signing'],
  properties: {
    state: { enum: STATES },
    person: location,
    organization: location,
    authentication: usage,
    signing: usage,
    policies: { type: 'object', additionalProperties: false, properties: { head: oids, employee: oids } },
  },
};
const validProfile = new Ajv({ allErrors: true }).compile<StateProfile>(profileSchema);

/** The PEM certificates in a file, each parsed (a file may hold a root and its intermediates). */
function certificatesIn(file: string): x509.X509Certificate[] {
  const text = readFileSync(file, 'utf8');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw new TrustListError(file, 'holds no PEM certificate');
  return blocks.map((pem, i) => {
    try {
      return new x509.X509Certificate(pem);
    } catch (e) {
      throw new TrustListError(file, `certificate ${i + 1} cannot be read (${(e as Error).message})`);
    }
  });
}

function checkAuthority(file: string, cert: x509.X509Certificate, now: Date): void {
  const name = cert.subject;
  if (cert.notAfter < now) throw new TrustListError(file, `${name} expired on ${cert.notAfter.toISOString().slice(0, 10)}`);
  if (cert.notBefore > now) throw new TrustListError(file, `${name} is not valid before ${cert.notBefore.toISOString().slice(0, 10)}`);
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) throw new TrustListError(file, `${name} is not a certification authority (basic constraints without cA)`);
}

/**
 * Reads the trust list: every state folder's profile and CA certificates. A file that cannot be read, a profile that
 * does not fit, or a CA certificate that has expired stops the start, the file named (a node that silently trusted
 * less, or something else, than its operator installed would refuse citizens or accept strangers).
 */
export function loadTrustList(dir: string, now: Date): TrustList {
  const list: TrustList = new Map();
  if (!existsSync(dir)) return list;
  for (const entry of readdirSync(dir).sort()) {
    const folder = join(dir, entry);
    if (!statSync(folder).isDirectory()) continue;
    if (!STATES.includes(entry)) throw new TrustListError(folder, `is not a member state's folder (${STATES.join(', ')})`);
    const profileFile = join(folder, 'profile.yaml');
    if (!existsSync(profileFile)) throw new TrustListError(profileFile, 'is missing: each state folder says how its certificates are read');
    let profile: unknown;
    try {
      profile = parseYaml(readFileSync(profileFile, 'utf8'));
    } catch (e) {
      throw new TrustListError(profileFile, `is not YAML (${(e as Error).message})`);
    }
    if (!validProfile(profile)) {
      throw new TrustListError(profileFile, validProfile.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; '));
    }
    if (profile.state !== entry) throw new TrustListError(profileFile, `is the profile of ${profile.state}, in the folder of ${entry}`);
    for (const location of [profile.person, profile.organization].filter((l): l is NumberLocation => !!l)) {
      try {
        // (an empty alternative matches '', and the match has one slot per capturing group)
        const groups = new RegExp(`(?:${location.pattern})|`).exec('')!.length - 1;
        if (groups !== 1) throw new Error('it needs exactly one capturing group, the number');
      } catch (e) {
        throw new TrustListError(profileFile, `pattern ${location.pattern}: ${(e as Error).message}`);
      }
    }
    const authorities: x509.X509Certificate[] = [];
    for (const name of readdirSync(folder).sort()) {
      if (!/\.(pem|crt|cer)$/i.test(name)) continue;
      const file = join(folder, name);
      for (const cert of certificatesIn(file)) {
        checkAuthority(file, cert, now);
        authorities.push(cert);
      }
    }
    list.set(entry, { profile, authorities, anchors: authorities.map((a) => new X509Certificate(Buffer.from(a.rawData))) });
  }
  return list;
}

/** Subject attributes by the short names profiles use (X.520 and RFC 4519), for those the library names otherwise. */
const ATTRIBUTE_OIDS: Record<string, string> = {
  serialNumber: '2.5.4.5',
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  G: '2.5.4.42',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  C: '2.5.4.6',
  UID: '0.9.2342.19200300.100.1.1',
};

/** The national number a certificate carries for a state's profile (a person's, or with `organization` the BIN/TIN). */
export function nationalNumber(cert: x509.X509Certificate, location: NumberLocation): string | undefined {
  const pattern = new RegExp(location.pattern);
  const field = ATTRIBUTE_OIDS[location.attribute] ?? location.attribute;
  for (const value of cert.subjectName.getField(field)) {
    const m = pattern.exec(value);
    if (m?.[1]) return m[1];
  }
  return undefined;
}
