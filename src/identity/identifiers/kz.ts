// Kazakhstan: IIN (persons) and BIN (organizations). Both are 12 digits and share one check digit.
//   IIN: YYMMDD C NNNN K   (C = century and sex)
//   BIN: YYMM T P NNNNN K  (T = entity type, P = office kind). The design note wrote the serial as
//        NNNNNN, but 4+1+1+6+1 = 13 digits; a BIN is 12, so the serial is 5 digits (positions 7–11).
import {
  decodeCenturySex,
  digitsOf,
  encodeCenturySex,
  invalid,
  isoDate,
  isRealDate,
  pad,
  pick,
  randomInt,
  resolvePerson,
  shapeError,
  type IdentifierCheck,
  type Rng,
  type StateRules,
} from './common.js';

const PASS_1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const PASS_2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** Mod-11 sum of the first pass; 10 means the second pass decides. */
export function kzFirstPass(first11: string): number {
  const d = digitsOf(first11, 11);
  return d.reduce((s, x, i) => s + x * PASS_1[i]!, 0) % 11;
}

/**
 * Check digit over the first 11 digits, or undefined when both passes give 10:
 * no 12th digit can make such a number valid, so those serials are never issued.
 * Known weakness kept from the national algorithm: weight 11 ≡ 0 (mod 11), so in the first pass
 * the 11th digit does not count at all.
 */
export function kzCheckDigit(first11: string): number | undefined {
  const d = digitsOf(first11, 11);
  for (const w of [PASS_1, PASS_2]) {
    const s = d.reduce((acc, x, i) => acc + x * w[i]!, 0) % 11;
    if (s !== 10) return s;
  }
  return undefined;
}

const checksumOk = (value: string): boolean => kzCheckDigit(value.slice(0, 11)) === Number(value[11]);

function validateIin(value: string): IdentifierCheck {
  const shape = shapeError(value, 12);
  if (shape) return invalid(shape);
  const cs = decodeCenturySex(Number(value[6]));
  if (!cs) return invalid('century');
  const year = cs.century + Number(value.slice(0, 2));
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  if (!isRealDate(year, month, day)) return invalid('date');
  if (!checksumOk(value)) return invalid('checksum');
  return { valid: true, birthDate: isoDate(year, month, day), sex: cs.sex };
}

const ENTITY_TYPES = ['4', '5', '6']; // resident, non-resident legal entity, joint individual entrepreneurship
const OFFICE_KINDS = ['0', '1', '2', '3']; // head office, branch, representative office, peasant farm

function validateBin(value: string): IdentifierCheck {
  const shape = shapeError(value, 12);
  if (shape) return invalid(shape);
  if (!ENTITY_TYPES.includes(value[4]!) || !OFFICE_KINDS.includes(value[5]!)) return invalid('entity_type');
  const month = Number(value.slice(2, 4));
  if (month < 1 || month > 12) return invalid('date');
  if (!checksumOk(value)) return invalid('checksum');
  return { valid: true };
}

/**
 * Appends the check digit, stepping the serial when both passes give 10. Stepping changes the 11th
 * digit, which has weight 2 in the second pass, so at most one step in ten is a dead end: this ends
 * after at most two steps, whatever the rng does.
 */
function withCheckDigit(prefix: string, serial: number, serialWidth: number): string {
  const modulus = 10 ** serialWidth;
  for (let step = 0; step < modulus; step++) {
    const body = prefix + pad((serial + step) % modulus, serialWidth);
    const k = kzCheckDigit(body);
    if (k !== undefined) return body + k;
  }
  throw new Error('unreachable: no issuable KZ serial');
}

export const kz: StateRules = {
  person: validateIin,
  organization: validateBin,
  generatePerson(rng, person) {
    const p = resolvePerson(rng, person, 1800, 2099);
    const prefix = pad(p.year % 100, 2) + pad(p.month, 2) + pad(p.day, 2) + encodeCenturySex(p.year, p.sex);
    return withCheckDigit(prefix, randomInt(rng, 0, 9999), 4);
  },
  generateOrganization(rng: Rng) {
    const prefix =
      pad(randomInt(rng, 0, 99), 2) + pad(randomInt(rng, 1, 12), 2) + pick(rng, ENTITY_TYPES) + pick(rng, OFFICE_KINDS);
    return withCheckDigit(prefix, randomInt(rng, 0, 99999), 5);
  },
};
