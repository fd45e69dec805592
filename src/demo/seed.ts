import type { Catalog } from '../catalog/index.js';
import { generateIdentifier, issueKeyFile, type StateCode } from '../identity/index.js';
import type { NodeCa } from '../pki/index.js';
import type { Clock } from '../platform/clock.js';
import { type Db, sql, transaction } from '../platform/db/index.js';
import type { WorkingCalendar } from '../workflow/index.js';
import { seedDemoAddresses } from './addresses.js';
import { seedDemoExchange } from './exchange.js';
import { seedDemoHistory } from './history.js';
import { NAMES, pick, seededRandom, seededUuid } from './names.js';

interface PersonaSpec {
  state: StateCode;
  given: string;
  family: string;
  patronymic?: string;
  birthDate: string;
  sex: 'male' | 'female';
  language: string;
  email?: string;
  role: 'citizen' | 'officer' | 'operator';
  agency?: string;
  permissions?: string[];
}

/** Citizens of every member state, each in the language they would choose. */
const CITIZENS: PersonaSpec[] = [
  { state: 'KZ', given: 'Айгерім', family: 'Сейітова', patronymic: 'Нұрланқызы', birthDate: '1990-04-12', sex: 'female', language: 'kk', email: 'aigerim.seitova@example.kz', role: 'citizen' },
  { state: 'KZ', given: 'Ерлан', family: 'Жақсыбеков', patronymic: 'Серікұлы', birthDate: '1987-11-03', sex: 'male', language: 'ru', email: 'erlan.zhaksybekov@example.kz', role: 'citizen' },
  { state: 'AZ', given: 'Leyla', family: 'Məmmədova', patronymic: 'Rəşad qızı', birthDate: '1992-06-15', sex: 'female', language: 'az', email: 'leyla.mammadova@example.az', role: 'citizen' },
  { state: 'KG', given: 'Азамат', family: 'Токтогулов', patronymic: 'Бакытович', birthDate: '1985-03-02', sex: 'male', language: 'ky', email: 'azamat.toktogulov@example.kg', role: 'citizen' },
  { state: 'TR', given: 'Zeynep', family: 'Yıldız', birthDate: '1994-09-23', sex: 'female', language: 'tr', email: 'zeynep.yildiz@example.com.tr', role: 'citizen' },
  { state: 'UZ', given: 'Dilnoza', family: 'Karimova', patronymic: 'Rustamovna', birthDate: '1995-11-30', sex: 'female', language: 'uz', email: 'dilnoza.karimova@example.uz', role: 'citizen' },
];

const OPERATOR: PersonaSpec = {
  state: 'KZ', given: 'Данияр', family: 'Әбенов', birthDate: '1983-01-20', sex: 'male', language: 'en', role: 'operator',
};

export interface SeedReport {
  created: boolean;
  personas: number;
}

const SEED = 20261125;

const RECORD_ARTICLE: Record<string, string> = {
  KZ: 'Criminal Code of the Republic of Kazakhstan, art. 188 (theft)',
  AZ: 'Criminal Code of the Republic of Azerbaijan, art. 177 (theft)',
  KG: 'Criminal Code of the Kyrgyz Republic, art. 205 (theft)',
  TR: 'Türk Ceza Kanunu, m. 141 (hırsızlık)',
  UZ: "Criminal Code of the Republic of Uzbekistan, art. 169 (theft)",
};
const RECORD_COURT: Record<string, string> = {
  KZ: 'Specialised inter-district criminal court of Almaty',
  AZ: 'Baku Serious Crimes Court',
  KG: 'Pervomaisky District Court of Bishkek',
  TR: 'İstanbul 12. Asliye Ceza Mahkemesi',
  UZ: 'Tashkent City Criminal Court',
};

/**
 * Deterministic demo data: citizens of the five states, an officer for every agency in the catalog, an operator,
 * a few organizations, registrations of residence, and a key file (private JWK with its certificate) for each persona. Runs once per database;
 * identifiers, names and ids are the same on every node, the keys are new on each.
 */
export async function seedDemo(
  db: Db,
  ca: NodeCa,
  catalog: Catalog,
  clock: Clock,
  options: { calendars?: Map<string, WorkingCalendar>; history?: number } = {},
): Promise<SeedReport> {
  const already = await db.selectFrom('demo_key_files').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  // (the exchange's demo clients and rights are put in place on every start: a database seeded before they
  // existed gets them too)
  await seedDemoExchange(db, catalog, clock.now());
  if (Number(already.n) > 0) {
    await seedDemoAddresses(db);
    return { created: false, personas: Number(already.n) };
  }

  const rng = seededRandom(SEED);
  // Every agency has an officer who reviews and decides, and a head who also receives escalations and assigns work.
  const officers: PersonaSpec[] = catalog.agencies.flatMap((agency) =>
    [['review', 'decide'], ['review', 'decide', 'head']].map((permissions): PersonaSpec => {
      const pool = NAMES[agency.state];
      const sex = rng() < 0.5 ? 'male' : 'female';
      const family = pick(rng, pool.family);
      const year = 1965 + Math.floor(rng() * 30);
      return {
        state: agency.state as StateCode,
        given: pick(rng, sex === 'male' ? pool.male : pool.female),
        family: sex === 'male' ? family : pool.femaleFamily(family),
        birthDate: `${year}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`,
        sex,
        language: pool.language,
        role: 'officer',
        agency: agency.code,
        permissions,
      };
    }),
  );

  const now = clock.now();
  const personas = [...CITIZENS, OPERATOR, ...officers];
  const personIds = new Map<PersonaSpec, string>();
  await transaction(db, async (tx) => {
    for (const p of personas) {
      const personId = seededUuid(rng);
      personIds.set(p, personId);
      const nationalId = generateIdentifier(p.state, 'person', rng, { birthDate: p.birthDate, sex: p.sex });
      const person = {
        id: personId,
        state: p.state,
        national_id: nationalId,
        given_name: p.given,
        family_name: p.family,
        patronymic: p.patronymic ?? null,
        birth_date: p.birthDate,
        sex: p.sex,
        language: p.language,
        phone: `+${Math.floor(rng() * 9e10 + 1e10)}`,
        email: p.email ?? null,
        created_at: now,
      };
      await tx.insertInto('persons').values(person).execute();
      await tx
        .insertInto('accounts')
        .values({
          id: seededUuid(rng),
          person_id: personId,
          role: p.role,
          agency_code: p.agency ?? null,
          permissions: p.permissions ?? [],
          created_at: now,
        })
        .execute();
      const jwk = await issueKeyFile(tx, ca, person, now);
      await tx.insertInto('demo_key_files').values({ person_id: personId, jwk: JSON.stringify(jwk) }).execute();
    }
    const states = [...new Set(catalog.agencies.map((a) => a.state))];
    // One person per state with a conviction on record, so the criminal records registers have something to find.
    for (const state of states) {
      const pool = NAMES[state];
      const personId = seededUuid(rng);
      await tx
        .insertInto('persons')
        .values({
          id: personId,
          state,
          national_id: generateIdentifier(state as StateCode, 'person', rng, { birthDate: '1979-08-21', sex: 'male' }),
          given_name: pool.male[pool.male.length - 1],
          family_name: pool.family[pool.family.length - 1],
          patronymic: null,
          birth_date: '1979-08-21',
          sex: 'male',
          language: pool.language,
          phone: null,
          email: null,
          created_at: now,
        })
        .execute();
      await tx.insertInto('criminal_records').values({ id: seededUuid(rng), person_id: personId, article: RECORD_ARTICLE[state], court: RECORD_COURT[state], sentenced_on: '2016-05-14', expunged_on: null }).execute();
    }
    // Among the personas, Ерлан has a conviction on record: his certificate goes to an officer, Айгерім's is issued
    // by the automatic check.
    const erlan = { id: personIds.get(CITIZENS[1])! };
    await tx.insertInto('criminal_records').values({ id: seededUuid(rng), person_id: erlan.id, article: 'Criminal Code of the Republic of Kazakhstan, art. 345 (traffic offence causing harm)', court: 'Specialised inter-district court for administrative offences of Astana', sentenced_on: '2021-02-09', expunged_on: null }).execute();
    // A business per state, headed by that state's first citizen, for services that organizations apply for.
    for (const citizen of CITIZENS.filter((c, i, all) => all.findIndex((o) => o.state === c.state) === i)) {
      const head = { id: personIds.get(citizen)! };
      await tx
        .insertInto('organizations')
        .values({
          id: seededUuid(rng),
          state: citizen.state,
          business_id: generateIdentifier(citizen.state, 'organization', rng),
          name: `${citizen.family} ${citizen.state === 'TR' ? 'Ltd. Şti.' : 'LLC'}`,
          kind: 'legal_entity',
          head_person_id: head.id,
          created_at: now,
        })
        .execute();
    }
    // A year of decided applications by other residents, for the public statistics.
    if (options.calendars && options.history) await seedDemoHistory(tx, { ca, catalog, calendars: options.calendars }, now, { count: options.history });
  });
  await seedDemoAddresses(db);
  return { created: true, personas: personas.length };
}

/** Whether the database was seeded for the demo (its personas' key files are there). */
export async function holdsDemoData(db: Db): Promise<boolean> {
  return (await db.selectFrom('demo_key_files').select('person_id').limit(1).executeTakeFirst()) !== undefined;
}

export interface DemoPersona {
  identifier: string;
  qualifiedIdentifier: string;
  state: string;
  name: string;
  role: string;
  agency: string | null;
  permissions: string[];
  accountId: string;
  language: string;
  keyFile: Record<string, unknown>;
}

export async function listDemoPersonas(db: Db): Promise<DemoPersona[]> {
  const rows = await db
    .selectFrom('demo_key_files as k')
    .innerJoin('persons as p', 'p.id', 'k.person_id')
    .innerJoin('accounts as a', 'a.person_id', 'p.id')
    .select(['p.national_id', 'p.state', 'p.given_name', 'p.family_name', 'p.language', 'a.role', 'a.agency_code', 'a.permissions', 'a.id as account_id', 'k.jwk'])
    .orderBy(sql`case a.role when 'citizen' then 0 when 'officer' then 1 else 2 end`)
    .orderBy('p.state')
    .orderBy('p.family_name')
    .execute();
  return rows.map((r) => ({
    identifier: r.national_id,
    qualifiedIdentifier: `${r.state}${r.national_id}`,
    state: r.state,
    name: `${r.given_name} ${r.family_name}`,
    role: r.role,
    agency: r.agency_code,
    permissions: r.permissions,
    accountId: r.account_id,
    language: r.language,
    keyFile: r.jwk as Record<string, unknown>,
  }));
}
