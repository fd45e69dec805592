// National identifiers of the Ortak member states: validation, generation and the cross-border form.
// The algorithms live in one small file per state; this file only dispatches.
import { az } from './az.js';
import type { IdentifierCheck, IdentifierType, StateCode, StateRules } from './common.js';
import { kg } from './kg.js';
import { kz } from './kz.js';
import { tr } from './tr.js';
import { uz } from './uz.js';

export type { IdentifierCheck, IdentifierType, InvalidReason, StateCode } from './common.js';

export const STATES: readonly StateCode[] = Object.freeze(['KZ', 'AZ', 'KG', 'TR', 'UZ'] as const);

const RULES: Readonly<Record<StateCode, StateRules>> = { KZ: kz, AZ: az, KG: kg, TR: tr, UZ: uz };

// Unknown states/types and non-string values are programming errors (callers are typed), so they throw
// rather than masquerading as an InvalidReason.
function rulesFor(state: StateCode): StateRules {
  if (typeof state !== 'string' || !Object.hasOwn(RULES, state)) {
    throw new RangeError(`unknown state ${JSON.stringify(state)}`);
  }
  return RULES[state];
}

function checkType(type: IdentifierType): void {
  if (type !== 'person' && type !== 'organization') throw new RangeError(`unknown identifier type ${JSON.stringify(type)}`);
}

/**
 * Validates a national identifier exactly as given (no trimming or normalising).
 * Reasons are reported in the order: length, characters, leading_zero/century/entity_type, date, checksum.
 * birthDate and sex are present only on valid person numbers that encode them (KZ, UZ, KG).
 */
export function validateIdentifier(state: StateCode, type: IdentifierType, value: string): IdentifierCheck {
  const rules = rulesFor(state);
  checkType(type);
  if (typeof value !== 'string') throw new TypeError('identifier value must be a string');
  return type === 'person' ? rules.person(value) : rules.organization(value);
}

export function isValidIdentifier(state: StateCode, type: IdentifierType, value: string): boolean {
  return validateIdentifier(state, type, value).valid;
}

/**
 * Builds a valid identifier (for seeds and tests). rng returns floats in [0,1). Person numbers take an
 * optional birth date and sex; they are used where the number encodes them (KZ, UZ, KG) and ignored
 * elsewhere. Missing ones are drawn from rng (birth dates 1940–2019). Throws RangeError for a birth date
 * the number cannot hold (KZ/UZ: years 1800–2099) or an rng value outside [0,1).
 */
export function generateIdentifier(
  state: StateCode,
  type: IdentifierType,
  rng: () => number,
  person?: { birthDate?: string; sex?: 'male' | 'female' },
): string {
  const rules = rulesFor(state);
  checkType(type);
  return type === 'person' ? rules.generatePerson(rng, person) : rules.generateOrganization(rng);
}

const isValidForState = (state: StateCode, value: string): boolean =>
  isValidIdentifier(state, 'person', value) || isValidIdentifier(state, 'organization', value);

/**
 * Cross-border form: country code + identifier, e.g. KZ870412300416, as X-Road's user id.
 * Throws RangeError unless value is a valid person or organization identifier of that state,
 * so an unusable id never leaves the node.
 */
export function qualifiedIdentifier(state: StateCode, value: string): string {
  rulesFor(state);
  if (typeof value !== 'string' || !isValidForState(state, value)) {
    throw new RangeError(`not a valid ${state} identifier: ${JSON.stringify(value)}`);
  }
  return state + value;
}

/**
 * Inverse of qualifiedIdentifier: undefined unless the string is an upper-case state code followed by a
 * valid person or organization identifier of that state (no trimming or case folding).
 */
export function parseQualifiedIdentifier(qualified: string): { state: StateCode; value: string } | undefined {
  if (typeof qualified !== 'string') return undefined;
  const state = qualified.slice(0, 2);
  if (!Object.hasOwn(RULES, state)) return undefined;
  const value = qualified.slice(2);
  return isValidForState(state as StateCode, value) ? { state: state as StateCode, value } : undefined;
}
