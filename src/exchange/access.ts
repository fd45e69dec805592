import type { Db } from '../platform/db/index.js';
import { type ClientId, formatClientId, parseClientId } from './identifiers.js';
import { badRequest, notFound } from '../platform/errors.js';

export interface AccessRight {
  serviceId: string;
  clientId: string;
  grantedAt: string;
}

export async function listAccessRights(db: Db, serviceId?: string): Promise<AccessRight[]> {
  let q = db.selectFrom('access_rights').selectAll().orderBy('service_id').orderBy('client_id');
  if (serviceId) q = q.where('service_id', '=', serviceId);
  return (await q.execute()).map((r) => ({ serviceId: r.service_id, clientId: r.client_id, grantedAt: r.granted_at.toISOString() }));
}

// Decisions on access are remembered for a moment per process, as X-Road's security server caches its
// configuration: the check runs on every message, the rights change rarely. A grant or revocation made through this
// process takes effect at once; one made by another process (the command, a second node process) within this time.
export const ACCESS_CACHE_MS = 2000;
const decisions = new WeakMap<Db, Map<string, { granted: boolean; until: number }>>();

/** Whether the client — the subsystem itself, or its whole member — has been granted the service. */
export async function isGranted(db: Db, serviceId: string, client: ClientId): Promise<boolean> {
  const clientId = formatClientId(client);
  const key = `${serviceId} ${clientId}`;
  let cache = decisions.get(db);
  if (!cache) decisions.set(db, (cache = new Map()));
  const known = cache.get(key);
  if (known && known.until > performance.now()) return known.granted;
  const row = await db
    .selectFrom('access_rights')
    .select('client_id')
    .where('service_id', '=', serviceId)
    .where('client_id', 'in', [clientId, ...(client.subsystem !== undefined ? [formatClientId({ ...client, subsystem: undefined })] : [])])
    .executeTakeFirst();
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { granted: !!row, until: performance.now() + ACCESS_CACHE_MS });
  return !!row;
}

/** The provider grants a client (subsystem, or a whole member) a service it hosts. */
export async function grantAccess(db: Db, knownServices: string[], serviceId: string, client: string, now: Date, by: string | null): Promise<AccessRight> {
  if (!knownServices.includes(serviceId)) throw notFound('errors.unknown_exchange_service', { service: serviceId });
  const parsed = parseClientId(client);
  if (!parsed) throw badRequest('errors.invalid_client_id');
  const clientId = formatClientId(parsed);
  await db.insertInto('access_rights').values({ service_id: serviceId, client_id: clientId, granted_at: now, granted_by: by }).onConflict((oc) => oc.columns(['service_id', 'client_id']).doNothing()).execute();
  decisions.get(db)?.clear();
  const row = await db.selectFrom('access_rights').selectAll().where('service_id', '=', serviceId).where('client_id', '=', clientId).executeTakeFirstOrThrow();
  return { serviceId: row.service_id, clientId: row.client_id, grantedAt: row.granted_at.toISOString() };
}

export async function revokeAccess(db: Db, serviceId: string, client: string): Promise<boolean> {
  const parsed = parseClientId(client);
  if (!parsed) throw badRequest('errors.invalid_client_id');
  const result = await db.deleteFrom('access_rights').where('service_id', '=', serviceId).where('client_id', '=', formatClientId(parsed)).executeTakeFirst();
  decisions.get(db)?.clear();
  return Number(result.numDeletedRows) > 0;
}

export interface DataAccessEntry {
  at: string;
  role: 'user' | 'subject';
  client: string;
  service: string;
  user: string | null;
  issue: string | null;
  requestId: string;
}

/** The data tracker: who asked about this person, when, from which register, for what. */
export async function dataAccessOf(db: Db, state: string, nationalId: string, limit: number): Promise<DataAccessEntry[]> {
  const rows = await db.selectFrom('data_access_log').selectAll().where('person_state', '=', state).where('person_id', '=', nationalId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ at: r.at.toISOString(), role: r.role, client: r.client_id, service: r.service_id, user: r.user_id, issue: r.issue, requestId: r.request_id }));
}
