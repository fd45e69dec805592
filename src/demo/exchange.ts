import type { Catalog } from '../catalog/index.js';
import { formatServiceId } from '../exchange/index.js';
import type { Db } from '../platform/db/index.js';
import { registryServices } from '../registries/index.js';

/**
 * The demo's information systems, registered on the client interface as HTTP from loopback only (so that the
 * README's curl session works on `npm start`), and what each may call. Outside demo mode an operator registers
 * each system (HTTPS with its certificate by default) and grants it what it needs.
 */
const DEMO_SYSTEMS: { client: string; state: string; grants: 'registers' | 'births' | 'none' }[] = [
  { client: 'KZ/GOV/LEGALSTAT/CASES', state: 'KZ', grants: 'registers' },
  { client: 'KZ/GOV/KGD/TAXES', state: 'KZ', grants: 'registers' },
  // a maternity hospital's system: it may report births to the civil registry, and nothing else
  { client: 'KZ/GOV/PERINATAL-ALMATY/HIS', state: 'KZ', grants: 'births' },
  // Kyrgyzstan's work-permit system: granted by the Kazakh node's operator in the federation demo
  { client: 'KG/GOV/MVD/WORKPERMITS', state: 'KG', grants: 'none' },
];

export const BIRTHS_SERVICE = 'KZ/GOV/CIVILREG/EVENTS/births';

/**
 * Registers the demo systems and grants the demo's access rights, once: when no client is registered yet (a new
 * demo database, or one made before clients were registered), so that what an operator revoked stays revoked.
 */
export async function seedDemoExchange(db: Db, catalog: Catalog, now: Date): Promise<void> {
  if (await db.selectFrom('exchange_clients').select('client_id').limit(1).executeTakeFirst()) return;
  const states = [...new Set(catalog.agencies.map((a) => a.state))];
  const systems = DEMO_SYSTEMS.filter((s) => states.includes(s.state));
  if (systems.length) {
    await db
      .insertInto('exchange_clients')
      .values(systems.map((s) => ({ client_id: s.client, connection_type: 'HTTP' as const, registered_at: now, registered_by: null })))
      .onConflict((oc) => oc.column('client_id').doNothing())
      .execute();
  }
  const rights: { service_id: string; subject_id: string; method?: string; path?: string }[] = [];
  for (const service of registryServices(states)) {
    const serviceId = formatServiceId(service.id);
    // Each agency's own services (the node's portal asks for them, in-process) read its state's registers.
    for (const agency of catalog.agencies.filter((a) => a.state === service.state)) rights.push({ service_id: serviceId, subject_id: `${agency.member}/SERVICES` });
    for (const s of systems.filter((x) => x.grants === 'registers' && x.state === service.state)) rights.push({ service_id: serviceId, subject_id: s.client });
  }
  if (states.includes('KZ')) {
    for (const s of systems.filter((x) => x.grants === 'births')) rights.push({ service_id: BIRTHS_SERVICE, subject_id: s.client, method: 'POST', path: '/' });
  }
  if (rights.length) {
    await db
      .insertInto('access_rights')
      .values(rights.map((r) => ({ ...r, subject_type: 'SUBSYSTEM' as const, granted_at: now, granted_by: null })))
      .onConflict((oc) => oc.columns(['service_id', 'subject_type', 'subject_id', 'method', 'path']).doNothing())
      .execute();
  }
}
