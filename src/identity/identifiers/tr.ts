// Türkiye: T.C. Kimlik No (persons, 11 digits, two check digits) and VKN (organizations' tax number,
// 10 digits, one check digit). Neither encodes a birth date or sex.
import { digitsOf, invalid, randomDigits, randomInt, shapeError, type IdentifierCheck, type StateRules } from './common.js';

/** The 10th and 11th digits of a TCKN, from its first nine. */
export function tcknCheckDigits(first9: string): string {
  const d = digitsOf(first9, 9);
  const odd = d[0]! + d[2]! + d[4]! + d[6]! + d[8]!;
  const even = d[1]! + d[3]! + d[5]! + d[7]!;
  // 7·odd − even can be negative; JS % keeps the sign, so fold it back into 0..9.
  const d10 = (((7 * odd - even) % 10) + 10) % 10;
  const d11 = (odd + even + d10) % 10;
  return `${d10}${d11}`;
}

/**
 * VKN check digit (Gelir İdaresi algorithm). Each digit maps through a bijection of 0..9
 * (0 stays 0, a multiple-of-9 result becomes 9), so every single-digit error changes the sum mod 10.
 */
export function vknCheckDigit(first9: string): number {
  const d = digitsOf(first9, 9);
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const tmp = (d[i]! + 9 - i) % 10;
    let v = (tmp * 2 ** (9 - i)) % 9;
    if (tmp !== 0 && v === 0) v = 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

function validateTckn(value: string): IdentifierCheck {
  const shape = shapeError(value, 11);
  if (shape) return invalid(shape);
  if (value[0] === '0') return invalid('leading_zero');
  if (value.slice(9) !== tcknCheckDigits(value.slice(0, 9))) return invalid('checksum');
  return { valid: true };
}

function validateVkn(value: string): IdentifierCheck {
  const shape = shapeError(value, 10);
  if (shape) return invalid(shape);
  if (Number(value[9]) !== vknCheckDigit(value.slice(0, 9))) return invalid('checksum');
  return { valid: true };
}

export const tr: StateRules = {
  person: validateTckn,
  organization: validateVkn,
  // Birth date and sex hints are ignored: a TCKN does not carry them.
  generatePerson(rng) {
    const first9 = String(randomInt(rng, 1, 9)) + randomDigits(rng, 8);
    return first9 + tcknCheckDigits(first9);
  },
  generateOrganization(rng) {
    const first9 = randomDigits(rng, 9);
    return first9 + vknCheckDigit(first9);
  },
};
