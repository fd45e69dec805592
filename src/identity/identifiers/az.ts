// Azerbaijan: FIN (persons, the 7-character personal code on the ID card) and VÖEN (organizations'
// 10-digit tax number). Neither has a public check digit, so both are format-only.
import { invalid, pick, randomDigits, shapeError, type IdentifierCheck, type StateRules } from './common.js';

// The design rule is plain [0-9A-Z]. Issued FINs may skip look-alike letters in practice, but we do not
// exclude any: refusing a code someone actually holds is worse than accepting an unissued one.
const FIN_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function validateFin(value: string): IdentifierCheck {
  const shape = shapeError(value, 7, /^[0-9A-Z]*$/); // lower case is 'characters': no normalising
  return shape ? invalid(shape) : { valid: true };
}

function validateVoen(value: string): IdentifierCheck {
  const shape = shapeError(value, 10);
  return shape ? invalid(shape) : { valid: true };
}

export const az: StateRules = {
  person: validateFin,
  organization: validateVoen,
  // Birth date and sex hints are ignored: a FIN does not carry them.
  generatePerson(rng) {
    return Array.from({ length: 7 }, () => pick(rng, [...FIN_CHARS])).join('');
  },
  generateOrganization(rng) {
    return randomDigits(rng, 10);
  },
};
