import { generateIdentifier, type StateCode } from '../identity/index.js';
import { type Db, sql } from '../platform/db/index.js';
import { NAMES, pick, seededRandom, seededUuid } from './names.js';

const STATES: StateCode[] = ['KZ', 'AZ', 'KG', 'TR', 'UZ'];
/** Rough shares of the union's population: Türkiye and Uzbekistan are the largest. */
const WEIGHTS = [0.14, 0.07, 0.05, 0.58, 0.16];

function pickState(rng: () => number): StateCode {
  let r = rng();
  for (let i = 0; i < STATES.length; i++) {
    r -= WEIGHTS[i];
    if (r < 0) return STATES[i];
  }
  return 'TR';
}

export interface BulkResult {
  requested: number;
  inserted: number;
  seconds: number;
}

/**
 * Adds `count` persons with valid identifiers, names and birth dates, in batches of one multi-row statement
 * (unnest of arrays) each, which both PostgreSQL and PGlite take. Deterministic for a given seed, and a repeat is
 * a no-op: an identifier that is already there is skipped.
 */
export async function seedPersons(
  db: Db,
  count: number,
  options: { seed?: number; batch?: number; now?: Date; onProgress?: (done: number) => void } = {},
): Promise<BulkResult> {
  const started = performance.now();
  const rng = seededRandom(options.seed ?? 1);
  const batch = options.batch ?? 10_000;
  const now = options.now ?? new Date();
  let inserted = 0;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const cols = { id: [] as string[], state: [] as string[], nid: [] as string[], given: [] as string[], family: [] as string[], birth: [] as string[], sex: [] as string[], lang: [] as string[] };
    for (let i = 0; i < n; i++) {
      const state = pickState(rng);
      const pool = NAMES[state];
      const sex = rng() < 0.5 ? 'male' : 'female';
      const y = 1935 + Math.floor(rng() * 90);
      const m = 1 + Math.floor(rng() * 12);
      const d = 1 + Math.floor(rng() * 28);
      const birth = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      const family = pick(rng, pool.family);
      cols.id.push(seededUuid(rng));
      cols.state.push(state);
      cols.nid.push(generateIdentifier(state, 'person', rng, { birthDate: birth, sex }));
      cols.given.push(pick(rng, sex === 'male' ? pool.male : pool.female));
      cols.family.push(sex === 'male' ? family : pool.femaleFamily(family));
      cols.birth.push(birth);
      cols.sex.push(sex);
      cols.lang.push(pool.language);
    }
    const result = await sql`
      INSERT INTO persons (id, state, national_id, given_name, family_name, birth_date, sex, language, created_at)
      SELECT u.id, u.state, u.nid, u.given, u.family, u.birth, u.sex, u.lang, ${now}
      FROM unnest(${cols.id}::uuid[], ${cols.state}::text[], ${cols.nid}::text[], ${cols.given}::text[],
                  ${cols.family}::text[], ${cols.birth}::date[], ${cols.sex}::text[], ${cols.lang}::text[])
           AS u(id, state, nid, given, family, birth, sex, lang)
      ON CONFLICT DO NOTHING`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0);
    options.onProgress?.(done + n);
  }
  return { requested: count, inserted, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
