import { CompactSign, importJWK, type JWK } from 'jose';
import { formatApplicationNumber, nextApplicationNumber } from '../applications/index.js';
import type { Catalog } from '../catalog/index.js';
import { generateIdentifier, issueKeyFile, type StateCode } from '../identity/index.js';
import type { NodeCa } from '../pki/index.js';
import { canonicalJson } from '../platform/canonical-json.js';
import { sql, type Tx } from '../platform/db/index.js';
import { recordDecisions, type Decision } from '../stats/index.js';
import type { WorkingCalendar } from '../workflow/index.js';
import { NAMES, pick, seededRandom, seededUuid } from './names.js';

const DAY = 86_400_000;
const RESIDENTS_PER_STATE = 8;

/**
 * A year of decided applications, so that the demo's public statistics have something to show: residents of every
 * state (persons with citizen accounts and certificates of their own — not personas one signs in as, so the
 * personas' own lists start empty) applied for the catalog's services over the past twelve months, each
 * application signed with the applicant's key, its history holding the submission and the decision, and the
 * decision counted in the statistics as the workflow counts it. Most are decided within the legal term, some late,
 * a few rejected. Deterministic for a seed, except the keys.
 */
export async function seedDemoHistory(
  tx: Tx,
  deps: { ca: NodeCa; catalog: Catalog; calendars: Map<string, WorkingCalendar> },
  now: Date,
  options: { count?: number; seed?: number } = {},
): Promise<number> {
  const rng = seededRandom(options.seed ?? 11);
  const services = deps.catalog.services.map((s) => s.definition).filter((d) => d.applicants.includes('person') && deps.calendars.has(d.state));
  if (!services.length) return 0;

  // The residents who applied, with their keys.
  const residents = new Map<string, { personId: string; accountId: string; language: string; key: Awaited<ReturnType<typeof importJWK>>; x5c: string[] }[]>();
  for (const state of new Set(services.map((d) => d.state))) {
    const pool = NAMES[state];
    const list = [];
    for (let i = 0; i < RESIDENTS_PER_STATE; i++) {
      const sex = rng() < 0.5 ? 'male' : 'female';
      const family = pick(rng, pool.family);
      const birthDate = `${1950 + Math.floor(rng() * 55)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`;
      const person = {
        id: seededUuid(rng),
        state,
        national_id: generateIdentifier(state as StateCode, 'person', rng, { birthDate, sex }),
        given_name: pick(rng, sex === 'male' ? pool.male : pool.female),
        family_name: sex === 'male' ? family : pool.femaleFamily(family),
        patronymic: null,
        birth_date: birthDate,
        sex: sex as 'male' | 'female',
        language: pool.language,
        phone: null,
        email: null,
        created_at: new Date(now.getTime() - 400 * DAY),
      };
      await tx.insertInto('persons').values(person).execute();
      const accountId = seededUuid(rng);
      await tx.insertInto('accounts').values({ id: accountId, person_id: person.id, role: 'citizen', agency_code: null, permissions: [], created_at: person.created_at }).execute();
      const jwk = (await issueKeyFile(tx, deps.ca, person, person.created_at)) as JWK & { x5c: string[] };
      list.push({ personId: person.id, accountId, language: person.language, key: await importJWK(jwk, 'ES256'), x5c: jwk.x5c });
    }
    residents.set(state, list);
  }
  const officers = await tx.selectFrom('accounts').select(['id', 'agency_code']).where('role', '=', 'officer').execute();

  // The applications, oldest first (their numbers follow the order of submission).
  const count = options.count ?? 360;
  const plans = Array.from({ length: count }, () => {
    const service = pick(rng, services);
    const calendar = deps.calendars.get(service.state)!;
    // submitted during a working day's office hours, between a year and a week ago
    let submittedAt = new Date(now.getTime() - (7 + rng() * 358) * DAY);
    while (!calendar.isWorkingDay(calendar.localDate(submittedAt))) submittedAt = new Date(submittedAt.getTime() + DAY);
    submittedAt = new Date(calendar.startOfDay(calendar.localDate(submittedAt)).getTime() + (9 + rng() * 8) * 3_600_000);
    const deadline = calendar.deadline(submittedAt, service.deadline.days, service.deadline.type);
    const lastDay = calendar.startOfDay(deadline).getTime() + 17 * 3_600_000;
    // most within the legal term; about one in eight after it
    const decidedAt = new Date(
      rng() < 0.88 ? submittedAt.getTime() + rng() * (lastDay - submittedAt.getTime()) : lastDay + (1 + rng() * 9) * DAY,
    );
    return { service, calendar, submittedAt, deadline, decidedAt: decidedAt > now ? new Date(now.getTime() - 3_600_000) : decidedAt, approved: rng() < 0.9 };
  }).sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());

  const decisions: Decision[] = [];
  for (const p of plans) {
    const { service: d } = p;
    const applicant = pick(rng, residents.get(d.state)!);
    const data = d.form.example;
    const signature = await new CompactSign(new TextEncoder().encode(canonicalJson({ service: d.code, data })))
      .setProtectedHeader({ alg: 'ES256', x5c: applicant.x5c })
      .sign(applicant.key);
    const officer = officers.find((o) => o.agency_code === d.agency)?.id;
    const id = seededUuid(rng);
    const status = p.approved ? 'approved' : 'rejected';
    const year = p.submittedAt.getUTCFullYear();
    const number = formatApplicationNumber(d.state, year, await nextApplicationNumber(tx));
    await sql`
      INSERT INTO applications (id, number, service_code, service_version, state, agency_code, applicant_person_id,
        applicant_account_id, status, data, signature, language, submitted_at, deadline, updated_at, closed_at)
      VALUES (${id}, ${number}, ${d.code}, ${d.version},
        ${d.state}, ${d.agency}, ${applicant.personId}, ${applicant.accountId}, ${status}, ${JSON.stringify(data)}, ${signature},
        ${applicant.language}, ${p.submittedAt}, ${p.deadline}, ${p.decidedAt}, ${p.decidedAt})`.execute(tx);
    const decision = p.approved ? { note: null } : { reason: 'The registers did not confirm the information given.', legalBasis: d.legalBasis ?? '' };
    await tx
      .insertInto('application_actions')
      .values([
        { application_id: id, seq: 1, type: 'submit', status_after: 'submitted', actor_account_id: applicant.accountId, actor_role: 'citizen', at: p.submittedAt, idempotency_key: null, payload: JSON.stringify({ service: d.code }) },
        {
          application_id: id,
          seq: 2,
          type: p.approved ? 'approve' : 'reject',
          status_after: status,
          actor_account_id: officer ?? null,
          actor_role: officer ? 'officer' : 'system',
          at: p.decidedAt,
          idempotency_key: null,
          payload: JSON.stringify(decision),
        },
      ])
      .execute();
    decisions.push({
      state: d.state,
      agencyCode: d.agency,
      serviceCode: d.code,
      outcome: p.approved ? 'approved' : 'rejected',
      submittedAt: p.submittedAt,
      decidedAt: p.decidedAt,
      decidedOn: p.calendar.localDate(p.decidedAt),
      deadline: p.deadline,
    });
  }
  await recordDecisions(tx, decisions);
  return plans.length;
}
