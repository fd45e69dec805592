import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { addFormats } from '../platform/json-schema.js';
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

/** The event's schema, as the service publishes it: nothing else is accepted, and every text is bounded. */
export const BIRTH_EVENT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['mother', 'child', 'hospital', 'registryOffice'],
  properties: {
    mother: { type: 'string', minLength: 5, maxLength: 20, description: "the mother's national identifier" },
    child: {
      type: 'object',
      additionalProperties: false,
      required: ['identifier', 'birthDate', 'sex'],
      properties: {
        identifier: { type: 'string', minLength: 5, maxLength: 20 },
        birthDate: { type: 'string', format: 'date' },
        sex: { type: 'string', enum: ['male', 'female'] },
      },
    },
    hospital: { type: 'string', minLength: 1, maxLength: 200 },
    registryOffice: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;
// (an event is a few hundred bytes; anything much larger is not one)
const MAX_EVENT_BYTES = 4096;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
const validEvent = ajv.compile(BIRTH_EVENT_SCHEMA);

function parseEvent(state: StateCode, body: Uint8Array | undefined): BirthEvent | string {
  if ((body?.length ?? 0) > MAX_EVENT_BYTES) return `the event is larger than ${MAX_EVENT_BYTES} bytes`;
  let e: unknown;
  try {
    e = JSON.parse(Buffer.from(body ?? []).toString('utf8'));
  } catch {
    return 'the body must be JSON';
  }
  if (!validEvent(e)) return (validEvent.errors ?? []).map((x) => `${x.instancePath || '/'} ${x.message}${x.keyword === 'additionalProperties' ? ` (${(x.params as { additionalProperty: string }).additionalProperty})` : ''}`).join('; ');
  const event = e as BirthEvent;
  if (!validateIdentifier(state, 'person', event.mother).valid) return 'mother must be a valid national identifier';
  if (!validateIdentifier(state, 'person', event.child.identifier).valid) return 'child.identifier must be a valid national identifier';
  return event;
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
      paths: { '/': { post: { requestBody: { content: { 'application/json': { schema: BIRTH_EVENT_SCHEMA } } }, responses: { 201: { description: 'recorded; the mother gets an offer' }, 422: { description: 'invalid event' } } } } },
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
