// Uzbekistan: PINFL/JShShIR (persons, 14 digits) and STIR/INN (organizations, 9 digits).
//   PINFL: C DDMMYY RRR SSS K  (C = century and sex, RRR = district, SSS = serial, K = check digit)
import {
  decodeCenturySex,
  digitsOf,
  encodeCenturySex,
  invalid,
  isoDate,
  isRealDate,
  pad,
  randomDigits,
  randomInt,
  resolvePerson,
  shapeError,
  type IdentifierCheck,
  type StateRules,
} from './common.js';

const WEIGHTS = [7, 3, 1];

/** Weights 7,3,1 repeating; all are prime to 10, so any single-digit error changes the result. */
export function pinflCheckDigit(first13: string): number {
  const d = digitsOf(first13, 13);
  return d.reduce((s, x, i) => s + x * WEIGHTS[i % 3]!, 0) % 10;
}

function validatePinfl(value: string): IdentifierCheck {
  const shape = shapeError(value, 14);
  if (shape) return invalid(shape);
  const cs = decodeCenturySex(Number(value[0]));
  if (!cs) return invalid('century');
  const day = Number(value.slice(1, 3));
  const month = Number(value.slice(3, 5));
  const year = cs.century + Number(value.slice(5, 7));
  if (!isRealDate(year, month, day)) return invalid('date');
  if (Number(value[13]) !== pinflCheckDigit(value.slice(0, 13))) return invalid('checksum');
  return { valid: true, birthDate: isoDate(year, month, day), sex: cs.sex };
}

/**
 * STIR is format-only here. Its first digit is the taxpayer category, and legal entities use 2–9:
 * a 0 is reported as 'leading_zero' (the more telling reason), a 1 as 'entity_type'.
 */
function validateStir(value: string): IdentifierCheck {
  const shape = shapeError(value, 9);
  if (shape) return invalid(shape);
  if (value[0] === '0') return invalid('leading_zero');
  if (value[0] === '1') return invalid('entity_type');
  return { valid: true };
}

export const uz: StateRules = {
  person: validatePinfl,
  organization: validateStir,
  generatePerson(rng, person) {
    const p = resolvePerson(rng, person, 1800, 2099);
    const first13 =
      String(encodeCenturySex(p.year, p.sex)) +
      pad(p.day, 2) +
      pad(p.month, 2) +
      pad(p.year % 100, 2) +
      randomDigits(rng, 6); // district code + serial
    return first13 + pinflCheckDigit(first13);
  },
  generateOrganization(rng) {
    return String(randomInt(rng, 2, 9)) + randomDigits(rng, 8);
  },
};
