import { labelled } from './labels.js';
import type { Db } from '../platform/db/index.js';
import type { ServiceId } from '../exchange/identifiers.js';

export interface RegistryRequest {
  /** the node's clock, for answers that depend on the day (a person's age) */
  now: Date;
  method: string;
  /** the request body, for services that take one (events) */
  body?: Uint8Array;
  /** the path after the service id, e.g. /persons/870412300416 */
  path: string;
  query: URLSearchParams;
}

export interface RegistryAnswer {
  status: number;
  body: unknown;
  /** the persons the answer is about, for their data trackers */
  subjects: { state: string; id: string }[];
}

export interface RegistryService {
  registry: 'population' | 'criminal-records' | 'businesses' | 'addresses' | 'birth-events';
  state: string;
  id: ServiceId;
  /** OpenAPI 3 description of the service (what X-Road asks a REST service to publish) */
  openapi: Record<string, unknown>;
  /** the provider path that asks about one person */
  pathFor(nationalId: string): string;
  handle(db: Db, request: RegistryRequest): Promise<RegistryAnswer>;
}

// Which agency hosts each register in each state, by its X-Road member code; the subsystem is REGISTRIES.
// Addresses: Kazakhstan's address register is kept by the digital development ministry; elsewhere the registration
// of residence is kept with the population register (Türkiye's address register, AKS, by NVI).
const HOSTS: Record<string, Partial<Record<RegistryService['registry'], string>>> = {
  KZ: { population: 'MVD', 'criminal-records': 'LEGALSTAT', businesses: 'MINJUST', addresses: 'MCRIAP' },
  AZ: { population: 'DIN', 'criminal-records': 'DIN', businesses: 'DVX', addresses: 'DIN' },
  KG: { population: 'DRNAGS', 'criminal-records': 'MVD', addresses: 'DRNAGS' },
  TR: { population: 'NVI', 'criminal-records': 'ADLISICIL', addresses: 'NVI' },
  UZ: { population: 'FHDYO', 'criminal-records': 'IIV', addresses: 'FHDYO' },
};

const notFound = (what: string): RegistryAnswer => ({ status: 404, body: { error: 'not_found', message: `${what} is not in this register` }, subjects: [] });
const badRequest = (message: string): RegistryAnswer => ({ status: 400, body: { error: 'bad_request', message }, subjects: [] });

function personPath(request: RegistryRequest, prefix: string): string | undefined | null {
  if (request.method !== 'GET') return null;
  const match = new RegExp(`^/${prefix}/([0-9A-Z]{5,20})$`).exec(request.path);
  return match ? match[1] : undefined;
}

const personOpenApi = (title: string, path: string, properties: Record<string, unknown>) => ({
  openapi: '3.0.3',
  info: { title, version: '1.0.0' },
  paths: {
    [path]: {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'the national identifier' }],
        responses: {
          200: { description: 'found', content: { 'application/json': { schema: { type: 'object', properties: labelled(properties) } } } },
          404: { description: 'no such person in the register' },
        },
      },
    },
  },
});

function population(state: string): RegistryService {
  return {
    registry: 'population',
    state,
    id: { instance: state, memberClass: 'GOV', memberCode: HOSTS[state].population!, subsystem: 'REGISTRIES', service: 'population' },
    pathFor: (id) => `/persons/${encodeURIComponent(id)}`,
    openapi: personOpenApi(`${state} population register`, '/persons/{id}', {
      identifier: { type: 'string' }, state: { type: 'string' }, givenName: { type: 'string' }, familyName: { type: 'string' }, surname: { type: 'string' }, patronymic: { type: 'string', nullable: true },
      birthDate: { type: 'string', format: 'date' }, age: { type: 'integer', nullable: true }, sex: { type: 'string', enum: ['male', 'female'] },
    }),
    async handle(db, request) {
      const id = personPath(request, 'persons');
      if (id === null) return { status: 405, body: { error: 'method_not_allowed' }, subjects: [] };
      if (!id) return badRequest('GET /persons/{national identifier}');
      const p = await db
        .selectFrom('persons')
        .select(['national_id', 'given_name', 'family_name', 'patronymic', 'birth_date', 'sex'])
        .where('state', '=', state)
        .where('national_id', '=', id)
        .executeTakeFirst();
      if (!p) return notFound('The person');
      return {
        status: 200,
        // surname: the name forms and civil-registry systems use for familyName; age as of today, for rules
        body: {
          identifier: p.national_id, state, givenName: p.given_name, familyName: p.family_name, surname: p.family_name, patronymic: p.patronymic,
          birthDate: p.birth_date, age: p.birth_date ? ageOn(p.birth_date, request.now) : null, sex: p.sex,
        },
        subjects: [{ state, id }],
      };
    },
  };
}

function criminalRecords(state: string): RegistryService {
  return {
    registry: 'criminal-records',
    state,
    id: { instance: state, memberClass: 'GOV', memberCode: HOSTS[state]['criminal-records']!, subsystem: 'REGISTRIES', service: 'criminal-records' },
    pathFor: (id) => `/records/${encodeURIComponent(id)}`,
    openapi: personOpenApi(`${state} criminal records register`, '/records/{id}', {
      identifier: { type: 'string' }, found: { type: 'boolean', description: 'a conviction that is not expunged' },
      records: { type: 'array', items: { type: 'object', properties: { article: { type: 'string' }, court: { type: 'string' }, sentencedOn: { type: 'string', format: 'date' } } } },
    }),
    async handle(db, request) {
      const id = personPath(request, 'records');
      if (id === null) return { status: 405, body: { error: 'method_not_allowed' }, subjects: [] };
      if (!id) return badRequest('GET /records/{national identifier}');
      const person = await db.selectFrom('persons').select('id').where('state', '=', state).where('national_id', '=', id).executeTakeFirst();
      if (!person) return notFound('The person');
      const records = await db
        .selectFrom('criminal_records')
        .select(['article', 'court', 'sentenced_on'])
        .where('person_id', '=', person.id)
        .where('expunged_on', 'is', null)
        .orderBy('sentenced_on')
        .execute();
      return {
        status: 200,
        body: { identifier: id, found: records.length > 0, records: records.map((r) => ({ article: r.article, court: r.court, sentencedOn: r.sentenced_on })) },
        subjects: [{ state, id }],
      };
    },
  };
}

const addressFields = {
  code: { type: 'string', description: 'the national address code (KZ RKA, TR UAVT…)' }, region: { type: 'string' }, locality: { type: 'string' },
  street: { type: 'string' }, building: { type: 'string' }, flat: { type: 'string', nullable: true }, postcode: { type: 'string', nullable: true },
  fullAddress: { type: 'string', description: 'the address written out in the state language' },
};

function addresses(state: string): RegistryService {
  const line = (a: { region: string; locality: string; street: string; building: string; flat: string | null; postcode: string | null }) =>
    [a.postcode, a.region, a.locality, `${a.street} ${a.building}`, a.flat ? `${FLAT[state]} ${a.flat}` : null].filter(Boolean).join(', ');
  const view = (a: { code: string; region: string; locality: string; street: string; building: string; flat: string | null; postcode: string | null }) => ({
    code: a.code, region: a.region, locality: a.locality, street: a.street, building: a.building, flat: a.flat, postcode: a.postcode, fullAddress: line(a),
  });
  return {
    registry: 'addresses',
    state,
    id: { instance: state, memberClass: 'GOV', memberCode: HOSTS[state].addresses!, subsystem: 'REGISTRIES', service: 'addresses' },
    pathFor: (id) => `/persons/${encodeURIComponent(id)}/address`,
    openapi: {
      openapi: '3.0.3',
      info: { title: `${state} address register`, version: '1.0.0' },
      paths: {
        '/persons/{id}/address': {
          get: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'the national identifier' }],
            responses: {
              200: {
                description: 'the registration of residence in force, if any',
                content: { 'application/json': { schema: { type: 'object', properties: labelled({ identifier: { type: 'string' }, found: { type: 'boolean' }, registeredOn: { type: 'string', format: 'date', nullable: true }, ...addressFields }) } } },
              },
            },
          },
        },
        '/addresses/{code}': {
          get: {
            parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
            responses: { 200: { description: 'the address', content: { 'application/json': { schema: { type: 'object', properties: labelled(addressFields) } } } }, 404: { description: 'no such address' } },
          },
        },
      },
    },
    async handle(db, request) {
      if (request.method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, subjects: [] };
      const byPerson = /^\/persons\/([0-9A-Z]{5,20})\/address$/.exec(request.path);
      const byCode = /^\/addresses\/([0-9A-Za-z-]{4,32})$/.exec(request.path);
      if (byCode) {
        const a = await db.selectFrom('addresses').selectAll().where('state', '=', state).where('code', '=', byCode[1]).executeTakeFirst();
        return a ? { status: 200, body: view(a), subjects: [] } : notFound('The address');
      }
      if (!byPerson) return badRequest('GET /persons/{national identifier}/address or /addresses/{code}');
      const id = byPerson[1];
      const r = await db
        .selectFrom('residence_registrations as r')
        .innerJoin('addresses as a', (j) => j.onRef('a.state', '=', 'r.state').onRef('a.code', '=', 'r.address_code'))
        .select(['a.code', 'a.region', 'a.locality', 'a.street', 'a.building', 'a.flat', 'a.postcode', 'r.registered_on'])
        .where('r.state', '=', state)
        .where('r.national_id', '=', id)
        .where('r.ended_on', 'is', null)
        .orderBy('r.registered_on', 'desc')
        .executeTakeFirst();
      return {
        status: 200,
        body: r ? { identifier: id, found: true, registeredOn: r.registered_on, ...view(r) } : { identifier: id, found: false, registeredOn: null },
        subjects: [{ state, id }],
      };
    },
  };
}

// How each state's addresses write the flat or apartment.
const FLAT: Record<string, string> = { KZ: 'пәтер', AZ: 'mənzil', KG: 'батир', TR: 'Daire', UZ: 'xonadon' };

function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  const today = now.toISOString().slice(0, 10).split('-').map(Number);
  return today[0] - y - (today[1] < m || (today[1] === m && today[2] < d) ? 1 : 0);
}

function businesses(state: string): RegistryService {
  return {
    registry: 'businesses',
    state,
    id: { instance: state, memberClass: 'GOV', memberCode: HOSTS[state].businesses!, subsystem: 'REGISTRIES', service: 'businesses' },
    pathFor: (id) => `/persons/${encodeURIComponent(id)}/businesses`,
    openapi: {
      openapi: '3.0.3',
      info: { title: `${state} register of legal entities and entrepreneurs`, version: '1.0.0' },
      paths: {
        '/businesses/{businessId}': { get: { parameters: [{ name: 'businessId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'the entity' }, 404: { description: 'not registered' } } } },
        '/persons/{id}/businesses': {
          get: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
            responses: {
              200: {
                description: 'what the person heads',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      properties: labelled({
                        identifier: { type: 'string' }, found: { type: 'boolean' },
                        businesses: { type: 'array', items: { type: 'object', properties: { businessId: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, registeredOn: { type: 'string', format: 'date' }, head: { type: 'string', nullable: true } } } },
                      }),
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    async handle(db, request) {
      if (request.method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' }, subjects: [] };
      const byId = /^\/businesses\/([0-9A-Z]{5,20})$/.exec(request.path);
      const byPerson = /^\/persons\/([0-9A-Z]{5,20})\/businesses$/.exec(request.path);
      const q = db
        .selectFrom('organizations as o')
        .leftJoin('persons as p', 'p.id', 'o.head_person_id')
        .select(['o.business_id', 'o.name', 'o.kind', 'o.created_at', 'p.national_id as head'])
        .where('o.state', '=', state);
      const view = (o: { business_id: string; name: string; kind: string; created_at: Date; head: string | null }) => ({ businessId: o.business_id, name: o.name, kind: o.kind, registeredOn: o.created_at.toISOString().slice(0, 10), head: o.head });
      if (byId) {
        const o = await q.where('o.business_id', '=', byId[1]).executeTakeFirst();
        return o ? { status: 200, body: view(o), subjects: o.head ? [{ state, id: o.head }] : [] } : notFound('The business');
      }
      if (byPerson) {
        const rows = await q.where('p.national_id', '=', byPerson[1]).where('p.state', '=', state).execute();
        return { status: 200, body: { identifier: byPerson[1], found: rows.length > 0, businesses: rows.map(view) }, subjects: [{ state, id: byPerson[1] }] };
      }
      return badRequest('GET /businesses/{business id} or /persons/{national identifier}/businesses');
    },
  };
}

/** The registers a node hosts as exchange services, for the states it serves. */
export function registryServices(states: string[]): RegistryService[] {
  return states
    .filter((s) => HOSTS[s])
    .flatMap((s) => [population(s), criminalRecords(s), ...(HOSTS[s].businesses ? [businesses(s)] : []), addresses(s)]);
}
