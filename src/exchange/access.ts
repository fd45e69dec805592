import { appendAudit } from '../audit/index.js';
import { type Db, transaction } from '../platform/db/index.js';
import { badRequest, notFound } from '../platform/errors.js';
import { type ClientId, formatClientId, parseClientId, parseGlobalGroupId, parseServiceId, providerOf } from './identifiers.js';

/**
 * Access rights as X-Road's Security Server keeps them: they belong to the provider, name a subject — a client
 * subsystem, a local group of the provider subsystem, or a global group of the federation — and, for REST, an
 * endpoint: a method (`*` any) and a path pattern (`**` any path; `*` one segment's worth of characters).
 */
export type SubjectType = 'SUBSYSTEM' | 'LOCALGROUP' | 'GLOBALGROUP';

export interface AccessRight {
  serviceId: string;
  subjectType: SubjectType;
  /** a subsystem (KZ/GOV/MVD/CASES), a local group's code, or a global group (KZ/security-agencies) */
  subject: string;
  method: string;
  path: string;
  grantedAt: string;
}

export interface Grant {
  service: string;
  subjectType: SubjectType;
  subject: string;
  method?: string;
  path?: string;
}

/** Whether an endpoint pattern covers a request: X-Road's wildcards, `**` across segments, `*` within one. */
export function endpointMatches(pattern: { method: string; path: string }, method: string, path: string): boolean {
  if (pattern.method !== '*' && pattern.method !== method) return false;
  if (pattern.path === '**' || pattern.path === '/**') return true;
  return globToRegExp(pattern.path).test(path);
}

const globs = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) {
    const body = glob
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`);
    if (globs.size > 1000) globs.clear();
    globs.set(glob, re);
  }
  return re;
}

const METHOD = /^(\*|[A-Z]{1,20})$/;
const PATH = /^(\*\*|\/[^\s?#]{0,500})$/;

// Rights and local groups are read per provider and remembered for a moment per process, as X-Road's security server
// caches its configuration: the check runs on every message, the rights change rarely. A change made through this
// process takes effect at once; one made by another process (the command, a second node process) within this time.
export const ACCESS_CACHE_MS = 2000;
interface Remembered<T> {
  value: T;
  until: number;
}
type Row = { subject_type: SubjectType; subject_id: string; method: string; path: string };
const rightsCache = new WeakMap<Db, Map<string, Remembered<Row[]>>>();
const groupsCache = new WeakMap<Db, Map<string, Remembered<Map<string, Set<string>>>>>();

async function remembered<T>(caches: WeakMap<Db, Map<string, Remembered<T>>>, db: Db, key: string, read: () => Promise<T>): Promise<T> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const known = cache.get(key);
  if (known && known.until > performance.now()) return known.value;
  const value = await read();
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { value, until: performance.now() + ACCESS_CACHE_MS });
  return value;
}

function forget(db: Db): void {
  rightsCache.get(db)?.clear();
  groupsCache.get(db)?.clear();
}

/** The local groups of a provider subsystem: code → member clients. */
const localGroupsOf = (db: Db, owner: string) =>
  remembered(groupsCache, db, owner, async () => {
    const rows = await db.selectFrom('exchange_local_group_members').select(['code', 'client_id']).where('owner', '=', owner).execute();
    const groups = new Map<string, Set<string>>();
    for (const r of rows) (groups.get(r.code) ?? groups.set(r.code, new Set()).get(r.code)!).add(r.client_id);
    return groups;
  });

/** The local groups of a provider subsystem that list a client. */
export async function localGroupsContaining(db: Db, owner: string, clientId: string): Promise<string[]> {
  return [...(await localGroupsOf(db, owner)).entries()].filter(([, members]) => members.has(clientId)).map(([code]) => code);
}

/**
 * Whether a client subsystem may call this endpoint of a service: a right names the subsystem itself, a local group
 * of the provider it belongs to, or a global group the federation lists it in, and covers the method and path.
 */
export async function isGranted(
  db: Db,
  serviceId: string,
  client: ClientId,
  endpoint: { method: string; path: string },
  globalGroupsOf: (clientId: string) => string[] = () => [],
): Promise<boolean> {
  if (client.subsystem === undefined) return false;
  const clientId = formatClientId(client);
  const rows = await remembered(rightsCache, db, serviceId, () =>
    db.selectFrom('access_rights').select(['subject_type', 'subject_id', 'method', 'path']).where('service_id', '=', serviceId).execute(),
  );
  const candidates = rows.filter((r) => endpointMatches(r, endpoint.method, endpoint.path));
  if (candidates.some((r) => r.subject_type === 'SUBSYSTEM' && r.subject_id === clientId)) return true;
  if (candidates.some((r) => r.subject_type === 'GLOBALGROUP')) {
    const global = new Set(globalGroupsOf(clientId));
    if (candidates.some((r) => r.subject_type === 'GLOBALGROUP' && global.has(r.subject_id))) return true;
  }
  if (candidates.some((r) => r.subject_type === 'LOCALGROUP')) {
    const provider = parseServiceId(serviceId);
    const groups = provider ? await localGroupsOf(db, formatClientId(providerOf(provider))) : new Map<string, Set<string>>();
    if (candidates.some((r) => r.subject_type === 'LOCALGROUP' && groups.get(r.subject_id)?.has(clientId))) return true;
  }
  return false;
}

const toRight = (r: { service_id: string; subject_type: SubjectType; subject_id: string; method: string; path: string; granted_at: Date }): AccessRight => ({
  serviceId: r.service_id,
  subjectType: r.subject_type,
  subject: r.subject_id,
  method: r.method,
  path: r.path,
  grantedAt: r.granted_at.toISOString(),
});

export async function listAccessRights(db: Db, filter: { service?: string; subject?: string } = {}): Promise<AccessRight[]> {
  let q = db.selectFrom('access_rights').selectAll().orderBy('service_id').orderBy('subject_type').orderBy('subject_id').orderBy('method').orderBy('path');
  if (filter.service) q = q.where('service_id', '=', filter.service);
  if (filter.subject) q = q.where('subject_id', '=', filter.subject);
  return (await q.execute()).map(toRight);
}

/** A grant's subject and endpoint, checked and in their stored form; throws a domain error naming what is wrong. */
async function normalise(db: Db, g: Grant): Promise<Required<Grant>> {
  const method = (g.method ?? '*').toUpperCase();
  const path = g.path ?? '**';
  if (!METHOD.test(method)) throw badRequest('errors.invalid_endpoint_method', { method });
  if (!PATH.test(path)) throw badRequest('errors.invalid_endpoint_path', { path });
  const service = parseServiceId(g.service);
  if (g.subjectType === 'SUBSYSTEM') {
    const client = parseClientId(g.subject);
    if (!client) throw badRequest('errors.invalid_client_id');
    // X-Road grants services to subsystems, never to a whole member.
    if (client.subsystem === undefined) throw badRequest('errors.access_subject_not_subsystem', { subject: g.subject });
    return { service: g.service, subjectType: 'SUBSYSTEM', subject: formatClientId(client), method, path };
  }
  if (g.subjectType === 'GLOBALGROUP') {
    const group = parseGlobalGroupId(g.subject);
    if (!group) throw badRequest('errors.invalid_global_group', { subject: g.subject });
    return { service: g.service, subjectType: 'GLOBALGROUP', subject: group, method, path };
  }
  const owner = service ? formatClientId(providerOf(service)) : '';
  const group = await db.selectFrom('exchange_local_groups').select('code').where('owner', '=', owner).where('code', '=', g.subject).executeTakeFirst();
  if (!group) throw notFound('errors.unknown_local_group', { group: g.subject, owner });
  return { service: g.service, subjectType: 'LOCALGROUP', subject: g.subject, method, path };
}

/** The provider grants a subject an endpoint (by default: all) of a service it hosts. */
export async function grantAccess(db: Db, knownServices: string[], grant: Grant, now: Date, by: string | null): Promise<AccessRight> {
  if (!knownServices.includes(grant.service)) throw notFound('errors.unknown_exchange_service', { service: grant.service });
  const g = await normalise(db, grant);
  const row = { service_id: g.service, subject_type: g.subjectType, subject_id: g.subject, method: g.method, path: g.path };
  const stored = await transaction(db, async (tx) => {
    const inserted = await tx
      .insertInto('access_rights')
      .values({ ...row, granted_at: now, granted_by: by })
      .onConflict((oc) => oc.columns(['service_id', 'subject_type', 'subject_id', 'method', 'path']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.access_grant', subjectType: 'exchange_service', subjectId: g.service, details: { ...g } });
    return (
      inserted ??
      (await tx
        .selectFrom('access_rights')
        .selectAll()
        .where('service_id', '=', row.service_id)
        .where('subject_type', '=', row.subject_type)
        .where('subject_id', '=', row.subject_id)
        .where('method', '=', row.method)
        .where('path', '=', row.path)
        .executeTakeFirstOrThrow())
    );
  });
  forget(db);
  return toRight(stored);
}

/** Revokes one grant (the same subject and endpoint as granted). */
export async function revokeAccess(db: Db, grant: Grant, now: Date, by: string | null): Promise<boolean> {
  const g = grant.subjectType === 'LOCALGROUP' ? { ...grant, method: (grant.method ?? '*').toUpperCase(), path: grant.path ?? '**' } : await normalise(db, grant);
  const revoked = await transaction(db, async (tx) => {
    const result = await tx
      .deleteFrom('access_rights')
      .where('service_id', '=', g.service)
      .where('subject_type', '=', g.subjectType)
      .where('subject_id', '=', g.subject)
      .where('method', '=', g.method!)
      .where('path', '=', g.path!)
      .executeTakeFirst();
    const done = Number(result.numDeletedRows) > 0;
    if (done) await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.access_revoke', subjectType: 'exchange_service', subjectId: g.service, details: { ...g } });
    return done;
  });
  forget(db);
  return revoked;
}

export interface LocalGroup {
  owner: string;
  code: string;
  description: string;
  members: string[];
}

const GROUP_CODE = /^[A-Za-z0-9'()+,\-.=?_]{1,64}$/;

/** The local groups of the provider subsystems this node hosts, with their members. */
export async function listLocalGroups(db: Db): Promise<LocalGroup[]> {
  const groups = await db.selectFrom('exchange_local_groups').selectAll().orderBy('owner').orderBy('code').execute();
  const members = await db.selectFrom('exchange_local_group_members').selectAll().orderBy('client_id').execute();
  return groups.map((g) => ({
    owner: g.owner,
    code: g.code,
    description: g.description,
    members: members.filter((m) => m.owner === g.owner && m.code === g.code).map((m) => m.client_id),
  }));
}

/** Creates a local group of a provider subsystem (or changes its description), and sets its members. */
export async function saveLocalGroup(db: Db, knownProviders: string[], group: { owner: string; code: string; description?: string; members: string[] }, now: Date, by: string | null): Promise<LocalGroup> {
  if (!knownProviders.includes(group.owner)) throw notFound('errors.unknown_provider_subsystem', { owner: group.owner });
  if (!GROUP_CODE.test(group.code)) throw badRequest('errors.invalid_local_group', { group: group.code });
  const members: string[] = [];
  for (const m of group.members) {
    const client = parseClientId(m);
    if (!client || client.subsystem === undefined) throw badRequest('errors.access_subject_not_subsystem', { subject: m });
    members.push(formatClientId(client));
  }
  await transaction(db, async (tx) => {
    await tx
      .insertInto('exchange_local_groups')
      .values({ owner: group.owner, code: group.code, description: group.description ?? '', created_at: now })
      .onConflict((oc) => oc.columns(['owner', 'code']).doUpdateSet({ description: group.description ?? '' }))
      .execute();
    await tx.deleteFrom('exchange_local_group_members').where('owner', '=', group.owner).where('code', '=', group.code).execute();
    if (members.length) {
      await tx
        .insertInto('exchange_local_group_members')
        .values([...new Set(members)].map((client_id) => ({ owner: group.owner, code: group.code, client_id, added_at: now })))
        .execute();
    }
    await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.local_group_save', subjectType: 'exchange_local_group', subjectId: `${group.owner} ${group.code}`, details: { description: group.description ?? '', members } });
  });
  forget(db);
  return (await listLocalGroups(db)).find((g) => g.owner === group.owner && g.code === group.code)!;
}

/** Deletes a local group, its members and the access rights that named it. */
export async function deleteLocalGroup(db: Db, owner: string, code: string, now: Date, by: string | null): Promise<boolean> {
  const deleted = await transaction(db, async (tx) => {
    const services = (await tx.selectFrom('access_rights').select('service_id').distinct().where('subject_type', '=', 'LOCALGROUP').where('subject_id', '=', code).execute())
      .map((r) => r.service_id)
      .filter((s) => {
        const id = parseServiceId(s);
        return id && formatClientId(providerOf(id)) === owner;
      });
    if (services.length) await tx.deleteFrom('access_rights').where('subject_type', '=', 'LOCALGROUP').where('subject_id', '=', code).where('service_id', 'in', services).execute();
    const result = await tx.deleteFrom('exchange_local_groups').where('owner', '=', owner).where('code', '=', code).executeTakeFirst();
    const done = Number(result.numDeletedRows) > 0;
    if (done) await appendAudit(tx, { at: now, actorAccountId: by, action: 'exchange.local_group_delete', subjectType: 'exchange_local_group', subjectId: `${owner} ${code}`, details: { rightsRevoked: services } });
    return done;
  });
  forget(db);
  return deleted;
}

export interface DataAccessEntry {
  at: string;
  role: 'user' | 'subject';
  client: string;
  service: string;
  user: string | null;
  /** for a query that named the person as its user: the system that said so (X-Road-UserId is the client's word) */
  assertedBy: string | null;
  issue: string | null;
  requestId: string;
}

/** The data tracker: who asked about this person, when, from which register, for what. */
export async function dataAccessOf(db: Db, state: string, nationalId: string, limit: number): Promise<DataAccessEntry[]> {
  const rows = await db.selectFrom('data_access_log').selectAll().where('person_state', '=', state).where('person_id', '=', nationalId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    at: r.at.toISOString(),
    role: r.role,
    client: r.client_id,
    service: r.service_id,
    user: r.user_id,
    assertedBy: r.role === 'user' ? r.client_id : null,
    issue: r.issue,
    requestId: r.request_id,
  }));
}
