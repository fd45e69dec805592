// Kyrgyzstan: personal PIN and organization INN, both 14 digits with a full DDMMYYYY date and no
// check digit, so both are format-and-date only.
//   PIN: S DDMMYYYY NNNNN  (S = sex: 1 female, 2 male)
//   INN: F DDMMYYYY NNNNN  (F = 0 or 1, date = registration)
import {
  invalid,
  isoDate,
  isRealDate,
  pad,
  pick,
  randomDate,
  randomDigits,
  resolvePerson,
  shapeError,
  type IdentifierCheck,
  type Sex,
  type StateRules,
  type YMD,
} from './common.js';

const SEX_DIGIT: Record<string, Sex> = { '1': 'female', '2': 'male' };

const readDate = (value: string): YMD => ({
  day: Number(value.slice(1, 3)),
  month: Number(value.slice(3, 5)),
  year: Number(value.slice(5, 9)),
});

const dateDigits = (d: YMD): string => pad(d.day, 2) + pad(d.month, 2) + pad(d.year, 4);

function validatePin(value: string): IdentifierCheck {
  const shape = shapeError(value, 14);
  if (shape) return invalid(shape);
  // The leading digit sits where KZ/UZ put century+sex; InvalidReason has no 'sex', so a bad one is 'century'.
  const sex = Object.hasOwn(SEX_DIGIT, value[0]!) ? SEX_DIGIT[value[0]!] : undefined;
  if (!sex) return invalid('century');
  const d = readDate(value);
  if (!isRealDate(d.year, d.month, d.day)) return invalid('date');
  return { valid: true, birthDate: isoDate(d.year, d.month, d.day), sex };
}

function validateOrgInn(value: string): IdentifierCheck {
  const shape = shapeError(value, 14);
  if (shape) return invalid(shape);
  if (value[0] !== '0' && value[0] !== '1') return invalid('entity_type');
  const d = readDate(value);
  if (!isRealDate(d.year, d.month, d.day)) return invalid('date');
  return { valid: true };
}

export const kg: StateRules = {
  person: validatePin,
  organization: validateOrgInn,
  generatePerson(rng, person) {
    const p = resolvePerson(rng, person, 0, 9999); // a four-digit year holds any YYYY-MM-DD
    return (p.sex === 'male' ? '2' : '1') + dateDigits(p) + randomDigits(rng, 5);
  },
  generateOrganization(rng) {
    // Registration dates from independence (1991) onward.
    const d = randomDate(rng, { year: 1991, month: 1, day: 1 }, { year: 2024, month: 12, day: 31 });
    return pick(rng, ['0', '1']) + dateDigits(d) + randomDigits(rng, 5);
  },
};
