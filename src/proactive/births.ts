import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/index.js';
import { validateIdentifier, type StateCode } from '../identity/index.js';
import { notify } from '../notifications/index.js';
import { type Db, transaction } from '../platform/db/index.js';
import type { RegistryAnswer, RegistryService } from '../registries/index.js';

/** What a maternity hospital's information system reports when a child is born. */
export interface BirthEvent {
  /** the mother's national identifier */
  mother: string;
  child: { identifier: string; birthDate: string; sex: 'male' | 'female' };
  hospital: string;
  /** the civil registry office the birth belongs to */
  registryOffice: string;
}

const bad = (message: string): RegistryAnswer => ({ status: 422, body: { error: 'invalid_event', message }, subjects: [] });

function parseEvent(state: StateCode, body: Uint8Array | undefined): BirthEvent | string {
  let e: BirthEvent;
  try {
    e = JSON.parse(Buffer.from(body ?? []).toString('utf8')) as BirthEvent;
  } catch {
    return 'the body must be JSON';
  }
  if (typeof e?.mother !== 'string' || !validateIdentifier(state, 'person', e.mother).valid) return 'mother must be a valid national identifier';
  if (typeof e.child?.identifier !== 'string' || !validateIdentifier(state, 'person', e.child.identifier).valid) return 'child.identifier must be a valid national identifier';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(e.child.birthDate)) || !['male', 'female'].includes(e.child.sex)) return 'child.birthDate (YYYY-MM-DD) and child.sex (male|female) are required';
  if (typeof e.hospital !== 'string' || !e.hospital || typeof e.registryOffice !== 'string' || !e.registryOffice || e.registryOffice.length > 200) return 'hospital and registryOffice are required';
  return e;
}

/**
 * The civil registry's intake of births (an exchange service the maternity hospitals' systems call). A recorded
 * birth becomes a proactive offer to the mother: she is told, in her language, that the state can register the
 * birth and apply for the birth benefit for her, and how to consent.
 */
export function birthEventsService(state: StateCode, memberCode: string): RegistryService {
  return {
    registry: 'birth-events',
    state,
    id: { instance: state, memberClass: 'GOV', memberCode, subsystem: 'EVENTS', service: 'births' },
    pathFor: () => '/',
    openapi: {
      openapi: '3.0.3',
      info: { title: `${state} civil registry: births reported by maternity hospitals`, version: '1.0.0' },
      paths: { '/': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['mother', 'child', 'hospital', 'registryOffice'] } } } }, responses: { 201: { description: 'recorded; the mother gets an offer' }, 422: { description: 'invalid event' } } } } },
    },
    async handle(db: Db, request) {
      // The service is the births intake itself: POST to it, no further path.
      if (request.method !== 'POST' || request.path !== '/') return { status: 405, body: { error: 'method_not_allowed' }, subjects: [] };
      const event = parseEvent(state, request.body);
      if (typeof event === 'string') return bad(event);
      const now = request.now;
      const offerId = await transaction(db, async (tx) => {
        const mother = await tx
          .selectFrom('persons as p')
          .leftJoin('accounts as a', (j) => j.onRef('a.person_id', '=', 'p.id').on('a.role', '=', 'citizen'))
          .select(['p.id', 'a.id as account_id'])
          .where('p.state', '=', state)
          .where('p.national_id', '=', event.mother)
          .executeTakeFirst();
        if (!mother) return undefined;
        const id = randomUUID();
        await tx.insertInto('proactive_offers').values({ id, kind: 'birth', state, person_id: mother.id, event: JSON.stringify(event), status: 'offered', created_at: now }).execute();
        if (mother.account_id) await notify(tx, { recipientAccountId: mother.account_id, template: 'proactive_birth_offer', params: { birthDate: event.child.birthDate } }, now);
        await appendAudit(tx, { at: now, actorAccountId: null, action: 'proactive.offer', subjectType: 'offer', subjectId: id, personId: mother.id, details: { kind: 'birth', hospital: event.hospital } });
        return id;
      });
      if (!offerId) return { status: 404, body: { error: 'not_found', message: 'The mother is not in the population register' }, subjects: [] };
      return { status: 201, body: { offerId }, subjects: [{ state, id: event.mother }, { state, id: event.child.identifier }] };
    },
  };
}
