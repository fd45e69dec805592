import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { validateIdentifier, type IdentifierType, type StateCode } from '../identity/index.js';
import { unrenderableCharacters } from '../documents/glyphs.js';
import type { FieldError } from '../platform/errors.js';
import { addFormats } from '../platform/json-schema.js';

/** One Ajv for every service form: strict, so a mistyped keyword in a definition fails at load, not at submit. */
export function createFormAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
  addFormats(ajv);
  // Labels are annotations for people (the portal and error messages), not constraints.
  ajv.addKeyword({ keyword: 'x-labels', schemaType: 'object' });
  ajv.addKeyword({ keyword: 'x-enum-labels', schemaType: 'object' });
  // A national identifier in a form (a spouse, an owner, a child) is checked exactly, check digit included,
  // so a mistyped number is caught at submission rather than by an officer days later.
  ajv.addKeyword({
    keyword: 'x-identifier',
    type: 'string',
    schemaType: 'object',
    metaSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['state', 'type'],
      properties: { state: { enum: ['KZ', 'AZ', 'KG', 'TR', 'UZ'] }, type: { enum: ['person', 'organization'] } },
    },
    errors: true,
    validate: function checkIdentifier(schema: { state: StateCode; type: IdentifierType }, data: string) {
      const check = validateIdentifier(schema.state, schema.type, data);
      if (check.valid) return true;
      (checkIdentifier as unknown as { errors: unknown[] }).errors = [
        { keyword: 'x-identifier', message: `is not a valid ${schema.state} identifier (${check.reason})`, params: { reason: check.reason } },
      ];
      return false;
    },
  });
  return ajv;
}

export type FormValidator = ValidateFunction;

/**
 * Turns Ajv's errors into field errors: a JSON Pointer into the request body (prefixed, e.g. /data), an i18n
 * code per keyword and the parameters its message needs. The field's label is resolved later, per language.
 */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, prefix: string): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    const params: Record<string, unknown> = {};
    switch (e.keyword) {
      case 'required':
        pointer += `/${escapePointer(String(e.params.missingProperty))}`;
        break;
      case 'additionalProperties':
        pointer += `/${escapePointer(String(e.params.additionalProperty))}`;
        break;
      case 'enum':
        params.allowed = (e.params.allowedValues as unknown[]).join(', ');
        break;
      case 'const':
        params.allowed = String(e.params.allowedValue);
        break;
      case 'type':
        params.type = String(e.params.type);
        break;
      case 'format':
        params.format = String(e.params.format);
        break;
      case 'pattern':
        params.pattern = String(e.params.pattern);
        break;
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
      case 'maxProperties':
        params.limit = e.params.limit;
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        params.limit = e.params.limit;
        break;
      case 'multipleOf':
        params.limit = e.params.multipleOf;
        break;
      case 'x-identifier':
        params.reason = e.params.reason;
        break;
      case 'if':
      case 'anyOf':
      case 'oneOf':
        // The branch errors that follow say what is wrong; the summary adds nothing for a person.
        continue;
      default:
        break;
    }
    const field = `${prefix}${pointer}`;
    const code = e.keyword === 'x-identifier' ? 'validation.identifier' : `validation.${KEYWORDS.has(e.keyword) ? e.keyword : 'invalid'}`;
    const dedupe = `${field} ${code}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push({ field, code, params });
  }
  return out;
}

const KEYWORDS = new Set([
  'required', 'additionalProperties', 'enum', 'const', 'type', 'format', 'pattern', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'uniqueItems',
]);

/**
 * A field error for each string in form data with characters that no font of the result document has: refused at
 * submission, with the characters named, rather than printed as a replacement mark on the document.
 */
export function unprintableFields(value: unknown, prefix: string): FieldError[] {
  if (typeof value === 'string') {
    const missing = unrenderableCharacters(value);
    const characters = missing.map((ch) => `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
    return missing.length ? [{ field: prefix, code: 'validation.characters', params: { characters } }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unprintableFields(v, `${prefix}/${i}`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => unprintableFields(v, `${prefix}/${escapePointer(k)}`));
  return [];
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The x-labels of the schema node a JSON Pointer (relative to the form data) leads to, if any. */
export function labelsAt(schema: Record<string, unknown>, pointer: string): Record<string, string> | undefined {
  let node: Record<string, unknown> | undefined = schema;
  const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const segment of segments) {
    if (!node) return undefined;
    const props = node.properties as Record<string, Record<string, unknown>> | undefined;
    if (props && segment in props) node = props[segment];
    else if (/^\d+$/.test(segment) && node.items && typeof node.items === 'object') node = node.items as Record<string, unknown>;
    else return undefined;
  }
  return node?.['x-labels'] as Record<string, string> | undefined;
}
