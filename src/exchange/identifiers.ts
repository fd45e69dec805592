/**
 * X-Road identifiers. A client is INSTANCE/CLASS/MEMBER[/SUBSYSTEM]; a service is INSTANCE/CLASS/MEMBER[/SUBSYSTEM]/
 * SERVICE. In a URL or header each part is percent-encoded on its own. Which instances and member classes exist is
 * the configuration's to say (the federation's, or the node's own), not this module's: here only the form is checked.
 */

export interface ClientId {
  instance: string;
  memberClass: string;
  memberCode: string;
  subsystem?: string;
}

export interface ServiceId extends ClientId {
  service: string;
}

// PR-REST §4.8: an identifier part is made of A–Z, a–z, 0–9 and ' ( ) + , - . = ? only (so no separator, escape or
// control character can hide in one), at most 255 of them.
const ALLOWED = /^[A-Za-z0-9'()+,\-.=?]+$/;
const MAX_PART = 255;

/** Decodes one percent-encoded part strictly; undefined when it is malformed or holds a forbidden character. */
export function decodePart(raw: string): string | undefined {
  if (raw === '' || raw.length > MAX_PART * 3) return undefined;
  let part: string;
  try {
    part = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (part.length > MAX_PART || !ALLOWED.test(part) || part === '.' || part === '..') return undefined;
  return part;
}

const encodePart = (part: string) => encodeURIComponent(part);

/** Parses the X-Road-Client header. */
export function parseClientId(header: string | undefined): ClientId | undefined {
  if (!header || header.length > 1024) return undefined;
  const raw = header.split('/');
  if (raw.length < 3 || raw.length > 4) return undefined;
  const parts = raw.map(decodePart);
  if (parts.some((p) => p === undefined)) return undefined;
  const [instance, memberClass, memberCode, subsystem] = parts as string[];
  return { instance, memberClass, memberCode, ...(subsystem !== undefined ? { subsystem } : {}) };
}

export function formatClientId(id: ClientId): string {
  return [id.instance, id.memberClass, id.memberCode, ...(id.subsystem !== undefined ? [id.subsystem] : [])].map(encodePart).join('/');
}

export function formatServiceId(id: ServiceId): string {
  return `${formatClientId(id)}/${encodePart(id.service)}`;
}

/** Parses a formatted service id: INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE (or without the subsystem). */
export function parseServiceId(text: string): ServiceId | undefined {
  const raw = text.split('/');
  if (raw.length < 4 || raw.length > 5) return undefined;
  const service = decodePart(raw.at(-1)!);
  const client = parseClientId(raw.slice(0, -1).join('/'));
  return client && service !== undefined ? { ...client, service } : undefined;
}

/** A global group of the federation: INSTANCE/CODE. Answers it formatted, or undefined. */
export function parseGlobalGroupId(text: string): string | undefined {
  const raw = text.split('/');
  if (raw.length !== 2) return undefined;
  const parts = raw.map(decodePart);
  if (parts.some((p) => p === undefined)) return undefined;
  return parts.map((p) => encodePart(p!)).join('/');
}

/** The subsystem-level (or member-level) client a service belongs to. */
export function providerOf(id: ServiceId): ClientId {
  return { instance: id.instance, memberClass: id.memberClass, memberCode: id.memberCode, ...(id.subsystem !== undefined ? { subsystem: id.subsystem } : {}) };
}

export interface ParsedRequestPath {
  service: ServiceId;
  /** the path after the service id, always starting with "/" */
  path: string;
}

/**
 * Splits `/r1/{serviceId}[/path]` (without the query). The subsystem code is optional in a service id, so whether
 * the fourth part is a subsystem or the service is decided by `isSubsystem`, from the federation's members.
 */
export function parseServicePath(rawPath: string, isSubsystem: (instance: string, memberClass: string, memberCode: string, code: string) => boolean): ParsedRequestPath | undefined {
  if (!rawPath.startsWith('/r1/') || rawPath.length > 2000) return undefined;
  const raw = rawPath.slice(4).split('/');
  if (raw.length < 4) return undefined;
  const head = raw.slice(0, 5).map(decodePart);
  if (head.slice(0, 4).some((p) => p === undefined)) return undefined;
  const [instance, memberClass, memberCode, fourth, fifth] = head;
  const withSubsystem = raw.length >= 5 && isSubsystem(instance!, memberClass!, memberCode!, fourth!);
  // (a service code of the wrong characters after a subsystem is not taken for a path)
  if (withSubsystem && fifth === undefined) return undefined;
  const consumed = withSubsystem ? 5 : 4;
  const rest = raw.slice(consumed);
  if (!safeSegments(rest)) return undefined;
  const service: ServiceId = withSubsystem
    ? { instance: instance!, memberClass: memberClass!, memberCode: memberCode!, subsystem: fourth!, service: fifth! }
    : { instance: instance!, memberClass: memberClass!, memberCode: memberCode!, service: fourth! };
  const path = `/${rest.join('/')}`;
  return { service, path };
}

// The provider's own path: no empty or dot segments and no encoded separators or control characters (path traversal,
// SSRF, header injection toward an agency's system).
function safeSegments(rest: string[]): boolean {
  const segments = rest.at(-1) === '' ? rest.slice(0, -1) : rest;
  for (const segment of segments) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (segment === '' || decoded === '.' || decoded === '..' || /[/\\\u0000-\u001f]/.test(decoded) || /[\s#]/.test(segment)) return false;
  }
  return true;
}

/** Whether a provider path with its query (as a message between nodes carries it) is one the client's side accepts. */
export function isSafeProviderPath(pathAndQuery: string): boolean {
  const [path, query = ''] = pathAndQuery.split(/\?(.*)/s, 2);
  return path.startsWith('/') && path.length <= 2000 && !/[\s#]/.test(query) && safeSegments(path.slice(1).split('/'));
}

/** X-Road-UserId: a person, country code first (KZ870412300416). */
export function parseUserId(header: string | undefined): { state: string; value: string } | undefined {
  if (!header) return undefined;
  const match = /^([A-Z]{2})([0-9A-Z]{5,20})$/.exec(header);
  if (!match) return undefined;
  return { state: match[1], value: match[2] };
}

/** X-Road-Represented-Party: [MEMBERCLASS/]MEMBERCODE, each part as an identifier part. Answers it formatted. */
export function parseRepresentedParty(header: string): string | undefined {
  const raw = header.split('/');
  if (raw.length > 2) return undefined;
  const parts = raw.map(decodePart);
  return parts.some((p) => p === undefined) ? undefined : parts.map((p) => encodePart(p!)).join('/');
}

/** X-Road-Security-Server: INSTANCE/MEMBERCLASS/MEMBERCODE/SERVERCODE. */
export function parseSecurityServer(header: string): { instance: string; memberClass: string; memberCode: string; serverCode: string } | undefined {
  const raw = header.split('/');
  if (raw.length !== 4) return undefined;
  const parts = raw.map(decodePart);
  if (parts.some((p) => p === undefined)) return undefined;
  const [instance, memberClass, memberCode, serverCode] = parts as string[];
  return { instance, memberClass, memberCode, serverCode };
}
