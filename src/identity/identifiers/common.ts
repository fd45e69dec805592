// Shared types and helpers for the per-state identifier rules (kz.ts, tr.ts, uz.ts, az.ts, kg.ts).
// Types live here rather than in index.ts so the state files never import index.ts (no cycles).

export type StateCode = 'KZ' | 'AZ' | 'KG' | 'TR' | 'UZ';
export type IdentifierType = 'person' | 'organization';
export type Sex = 'male' | 'female';
export type InvalidReason =
  | 'length'
  | 'characters'
  | 'leading_zero'
  | 'century'
  | 'date'
  | 'entity_type'
  | 'checksum';

export interface IdentifierCheck {
  valid: boolean;
  reason?: InvalidReason;
  /** YYYY-MM-DD, for person numbers that encode it; only when valid. */
  birthDate?: string;
  /** For person numbers that encode it; only when valid. */
  sex?: Sex;
}

export interface PersonHints {
  birthDate?: string;
  sex?: Sex;
}

/** Returns floats in [0,1), like Math.random. */
export type Rng = () => number;

/** What each state file provides. */
export interface StateRules {
  person(value: string): IdentifierCheck;
  organization(value: string): IdentifierCheck;
  generatePerson(rng: Rng, person?: PersonHints): string;
  generateOrganization(rng: Rng): string;
}

export const invalid = (reason: InvalidReason): IdentifierCheck => ({ valid: false, reason });

/**
 * First two rule checks every validator runs, in the required order:
 * length before characters. No trimming: a space is a bad character.
 */
export function shapeError(value: string, length: number, allowed: RegExp = /^[0-9]*$/): InvalidReason | undefined {
  if (value.length !== length) return 'length';
  if (!allowed.test(value)) return 'characters';
  return undefined;
}

/** Digits of an all-digit string; throws on anything else so check-digit helpers can't be fed junk. */
export function digitsOf(value: string, length: number): number[] {
  if (value.length !== length || !/^[0-9]*$/.test(value)) {
    throw new RangeError(`expected ${length} digits, got ${JSON.stringify(value)}`);
  }
  return Array.from(value, Number);
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Proleptic Gregorian check done arithmetically: Date would remap years 0–99 and roll over bad days. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const isoDate = (year: number, month: number, day: number): string =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

/** Integer in [min, max]; rejects an rng that breaks its contract instead of emitting "NaN" digits. */
export function randomInt(rng: Rng, min: number, max: number): number {
  const x = rng();
  if (!(x >= 0 && x < 1)) throw new RangeError(`rng must return floats in [0,1), got ${x}`);
  return min + Math.floor(x * (max - min + 1));
}

export const randomDigits = (rng: Rng, count: number): string =>
  Array.from({ length: count }, () => String(randomInt(rng, 0, 9))).join('');

export const pick = <T>(rng: Rng, items: readonly T[]): T => items[randomInt(rng, 0, items.length - 1)]!;

export interface YMD {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

/** Uniform date between two (inclusive) dates; only used with years >= 1900, where Date.UTC is exact. */
export function randomDate(rng: Rng, from: YMD, to: YMD): YMD {
  const lo = Date.UTC(from.year, from.month - 1, from.day) / DAY_MS;
  const hi = Date.UTC(to.year, to.month - 1, to.day) / DAY_MS;
  const d = new Date(randomInt(rng, lo, hi) * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Default birth dates for generated people: plausible living adults and children. */
const DEFAULT_BIRTH_FROM: YMD = { year: 1940, month: 1, day: 1 };
const DEFAULT_BIRTH_TO: YMD = { year: 2019, month: 12, day: 31 };

/**
 * Birth date and sex for a generated person number: the caller's, checked, or random ones.
 * A birth date the number cannot encode (outside minYear..maxYear) is a caller error, so it throws.
 */
export function resolvePerson(
  rng: Rng,
  person: PersonHints | undefined,
  minYear: number,
  maxYear: number,
): YMD & { sex: Sex } {
  let date: YMD;
  if (person?.birthDate !== undefined) {
    const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(person.birthDate);
    date = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : { year: NaN, month: NaN, day: NaN };
    if (!m || !isRealDate(date.year, date.month, date.day)) {
      throw new RangeError(`birthDate must be a real YYYY-MM-DD date, got ${JSON.stringify(person.birthDate)}`);
    }
    if (date.year < minYear || date.year > maxYear) {
      throw new RangeError(`birthDate year must be within ${minYear}–${maxYear} for this identifier`);
    }
  } else {
    date = randomDate(rng, DEFAULT_BIRTH_FROM, DEFAULT_BIRTH_TO);
  }
  let sex: Sex;
  if (person?.sex !== undefined) {
    if (person.sex !== 'male' && person.sex !== 'female') {
      throw new RangeError(`sex must be 'male' or 'female', got ${JSON.stringify(person.sex)}`);
    }
    sex = person.sex;
  } else {
    sex = pick(rng, ['male', 'female'] as const);
  }
  return { ...date, sex };
}

/**
 * Century+sex digit used by KZ IIN and UZ PINFL: 1/2 → 1800s, 3/4 → 1900s, 5/6 → 2000s; odd is male.
 * Returns undefined for any other digit.
 */
export function decodeCenturySex(digit: number): { century: number; sex: Sex } | undefined {
  if (!Number.isInteger(digit) || digit < 1 || digit > 6) return undefined;
  return { century: 1800 + 100 * Math.floor((digit - 1) / 2), sex: digit % 2 === 1 ? 'male' : 'female' };
}

export function encodeCenturySex(year: number, sex: Sex): number {
  const c = Math.floor((year - 1800) / 100);
  if (c < 0 || c > 2) throw new RangeError(`year ${year} has no century digit (1800–2099 only)`);
  return 2 * c + (sex === 'male' ? 1 : 2);
}
