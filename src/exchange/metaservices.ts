import { endpointMatches } from './access.js';
import { serverProxyError } from './errors.js';
import { type ClientId, formatClientId, parseClientId, parseServiceId, type ServiceId } from './identifiers.js';
import type { Db } from '../platform/db/index.js';

/**
 * X-Road's REST metaservices (PR-MREST), answered by the provider's side for a provider subsystem it serves, without
 * an access check (as X-Road's Security Server): listMethods (its REST services with their endpoints),
 * allowedMethods (those the calling client may call) and getOpenAPI?serviceCode=… (a service's description).
 */
export const METASERVICES = new Set(['listMethods', 'allowedMethods', 'getOpenAPI']);

export interface DescribedService {
  id: ServiceId;
  openapi: Record<string, unknown> | null;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The endpoints an OpenAPI description declares, its path parameters as X-Road writes them (`*`). */
export function endpointsOf(openapi: Record<string, unknown> | null): { method: string; path: string }[] {
  const paths = (openapi?.paths ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations ?? {})
      .filter((m) => HTTP_METHODS.includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{[^/]*\}/g, '*') })),
  );
}

const describe = (s: DescribedService, endpoints: { method: string; path: string }[]) => ({
  member_class: s.id.memberClass,
  member_code: s.id.memberCode,
  object_type: 'SERVICE',
  service_code: s.id.service,
  service_type: s.openapi ? 'OPENAPI' : 'REST',
  subsystem_code: s.id.subsystem,
  xroad_instance: s.id.instance,
  endpoint_list: endpoints,
});

/**
 * Answers a metaservice call for a provider subsystem: the services are those this node provides under it; for
 * allowedMethods only the endpoints the client's rights cover (a right to a whole service lists it as `* **`).
 */
export async function answerMetaservice(
  code: string,
  provider: ClientId,
  services: DescribedService[],
  request: { method: string; query: URLSearchParams },
  rightsOf: (serviceId: string) => Promise<{ method: string; path: string }[]>,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  if (request.method !== 'GET') throw serverProxyError('InvalidRequest', `${code} is called with GET`);
  const own = services.filter((s) => formatClientId(s.id) === formatClientId(provider));
  const json = (body: unknown) => ({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(body)) });
  if (code === 'listMethods') return json({ service: own.map((s) => describe(s, endpointsOf(s.openapi))) });
  if (code === 'allowedMethods') {
    const allowed = [];
    for (const s of own) {
      const rights = await rightsOf(`${formatClientId(provider)}/${encodeURIComponent(s.id.service)}`);
      if (!rights.length) continue;
      const declared = endpointsOf(s.openapi);
      const covered = rights.some((r) => r.method === '*' && (r.path === '**' || r.path === '/**')) ? [{ method: '*', path: '**' }, ...declared] : declared.filter((e) => rights.some((r) => endpointMatches(r, e.method, e.path.replace(/\*/g, 'x'))));
      allowed.push(describe(s, covered));
    }
    return json({ service: allowed });
  }
  // getOpenAPI: the query parameter's name is matched without regard to case, as X-Road's
  const serviceCode = [...request.query.entries()].find(([k]) => k.toLowerCase() === 'servicecode')?.[1];
  if (!serviceCode) throw serverProxyError('InvalidRequest', 'Missing serviceCode');
  const service = own.find((s) => s.id.service === serviceCode);
  if (!service) throw serverProxyError('InternalError', `Service not found: ${formatClientId(provider)}/${serviceCode}`);
  if (!service.openapi) throw serverProxyError('InternalError', `Invalid service type: ${serviceCode} has no OpenAPI description`);
  return json(service.openapi);
}

/** The rights a client holds on a service, as endpoint patterns (for allowedMethods). */
export async function rightsOfClient(db: Db, serviceId: string, clientId: string, localGroups: string[], globalGroups: string[]): Promise<{ method: string; path: string }[]> {
  if (!parseServiceId(serviceId)) return [];
  const rows = await db.selectFrom('access_rights').select(['subject_type', 'subject_id', 'method', 'path']).where('service_id', '=', serviceId).execute();
  return rows.filter(
    (r) => (r.subject_type === 'SUBSYSTEM' && r.subject_id === clientId) || (r.subject_type === 'LOCALGROUP' && localGroups.includes(r.subject_id)) || (r.subject_type === 'GLOBALGROUP' && globalGroups.includes(r.subject_id)),
  );
}

/** A member or subsystem of the federation (or of this node on its own), for listClients. */
export interface DirectoryEntry {
  id: ClientId;
  name: string;
}

const xmlText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * PR-META's listClients: the members and subsystems, in XML (X-Road's namespaces) or, when the client accepts JSON,
 * as JSON; optionally of one instance (?xRoadInstance=).
 */
export function listClientsAnswer(entries: DirectoryEntry[], accept: string | undefined, query: URLSearchParams): { status: number; headers: Record<string, string>; body: Buffer } {
  const instance = query.get('xRoadInstance');
  const chosen = entries.filter((e) => !instance || e.id.instance === instance);
  if (accept && /(^|,)\s*application\/json\s*(;|,|$)/i.test(accept)) {
    const member = chosen.map((e) => ({
      id: {
        member_class: e.id.memberClass,
        member_code: e.id.memberCode,
        ...(e.id.subsystem !== undefined ? { subsystem_code: e.id.subsystem } : {}),
        object_type: e.id.subsystem !== undefined ? 'SUBSYSTEM' : 'MEMBER',
        xroad_instance: e.id.instance,
      },
      name: e.name,
    }));
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify({ member })) };
  }
  const members = chosen
    .map((e) => {
      const type = e.id.subsystem !== undefined ? 'SUBSYSTEM' : 'MEMBER';
      const sub = e.id.subsystem !== undefined ? `<ns1:subsystemCode>${xmlText(e.id.subsystem)}</ns1:subsystemCode>` : '';
      return `<ns2:member><ns2:id ns1:objectType="${type}"><ns1:xRoadInstance>${xmlText(e.id.instance)}</ns1:xRoadInstance><ns1:memberClass>${xmlText(e.id.memberClass)}</ns1:memberClass><ns1:memberCode>${xmlText(e.id.memberCode)}</ns1:memberCode>${sub}</ns2:id><ns2:name>${xmlText(e.name)}</ns2:name></ns2:member>`;
    })
    .join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?><ns2:clientList xmlns:ns1="http://x-road.eu/xsd/identifiers" xmlns:ns2="http://x-road.eu/xsd/xroad.xsd">${members}</ns2:clientList>`;
  return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body: Buffer.from(xml) };
}

/**
 * The directory listClients answers: in a federation, the members and subsystems its configuration names; on a node
 * of its own, the members and subsystems it knows — its registers' providers, its agencies and their systems, and
 * the information systems registered on it. Members are named after the agency where the catalog has one.
 */
export async function directoryOf(source: {
  db: Db;
  federation?: { members(): string[] };
  names: Map<string, string>;
  localIds: () => Promise<string[]>;
}): Promise<DirectoryEntry[]> {
  const ids = source.federation ? source.federation.members() : await source.localIds();
  const parsed = [...new Set(ids)].map((id) => parseClientId(id)).filter((c): c is ClientId => c !== undefined);
  // every subsystem's member is listed too
  const withMembers = [...parsed, ...parsed.filter((c) => c.subsystem !== undefined).map((c) => ({ instance: c.instance, memberClass: c.memberClass, memberCode: c.memberCode }))];
  const unique = new Map(withMembers.map((c) => [formatClientId(c), c]));
  return [...unique.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, id]) => ({ id, name: source.names.get(formatClientId({ instance: id.instance, memberClass: id.memberClass, memberCode: id.memberCode })) ?? id.memberCode }));
}
