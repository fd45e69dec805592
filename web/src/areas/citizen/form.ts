// The application form, generated from a service's JSON Schema (draft 2020-12, as services/*/*.yaml write it):
// strings (formats date and email, patterns, lengths, enums), integers and numbers (minimum, maximum,
// exclusiveMinimum), booleans, nested objects, arrays of objects or strings (minItems, maxItems), `required`, and
// conditions of the form `allOf: [{if: {properties: {f: {const: v}}, required: [f]}, then: {required: [...]},
// else: {not: {required: [...]}}}]`. The form keeps a draft (text as typed); the data signed is built from it.

export interface FieldSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, FieldSchema>;
  required?: string[];
  items?: FieldSchema;
  allOf?: Conditional[];
  'x-labels'?: Record<string, string>;
  'x-enum-labels'?: Record<string, Record<string, string>>;
  'x-identifier'?: { state: string; type: string };
}

interface Conditional {
  if?: { properties?: Record<string, { const?: unknown }>; required?: string[] };
  then?: { required?: string[] };
  else?: { not?: { required?: string[] } };
}

export type Draft = string | boolean | undefined | Draft[] | { [key: string]: Draft };
export type DraftObject = { [key: string]: Draft };

/** A field error: a JSON Pointer into the request (`/data/coFounders/0/identifier`), and the message to show. */
export interface FieldError {
  pointer: string;
  message: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The element id of a field, from its pointer: `/data/coFounders/0/identifier` → `field-coFounders-0-identifier`. */
export const fieldId = (pointer: string): string =>
  `field${pointer
    .replace(/^\/data/, '')
    .split('/')
    .map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_'))
    .join('-')}`;

export const child = (pointer: string, key: string | number): string => `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** A draft from a value (a prefilled value from the registers, or data already entered). */
export function draftOf(schema: FieldSchema, value: unknown): Draft {
  switch (schema.type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : false;
    case 'integer':
    case 'number':
      return typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    case 'object': {
      const out: DraftObject = {};
      const source = isObject(value) ? value : {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) out[k] = draftOf(s, source[k]);
      return out;
    }
    case 'array': {
      const items = Array.isArray(value) ? value : [];
      return items.map((v) => draftOf(schema.items ?? {}, v));
    }
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/** A blank item for an array field. */
export const blankItem = (schema: FieldSchema): Draft => draftOf(schema.items ?? {}, undefined);

const holds = (cond: Conditional['if'], data: Record<string, unknown>): boolean => {
  if (!cond) return false;
  if ((cond.required ?? []).some((k) => data[k] === undefined)) return false;
  return Object.entries(cond.properties ?? {}).every(([k, c]) => !('const' in c) || data[k] === c.const);
};

/**
 * Which fields of an object are required now, and which are hidden: a field named only by a condition's `then`
 * (not required otherwise) is shown only when one of its conditions holds.
 */
export function objectRules(schema: FieldSchema, data: Record<string, unknown>): { required: Set<string>; hidden: Set<string> } {
  const required = new Set(schema.required ?? []);
  const conditional = new Map<string, boolean>();
  for (const c of schema.allOf ?? []) {
    const on = holds(c.if, data);
    for (const k of c.then?.required ?? []) {
      if (on) required.add(k);
      conditional.set(k, (conditional.get(k) ?? false) || on);
    }
    for (const k of c.else?.not?.required ?? []) if (!conditional.has(k)) conditional.set(k, on);
  }
  const hidden = new Set<string>();
  for (const [k, shown] of conditional) if (!shown && !(schema.required ?? []).includes(k)) hidden.add(k);
  return { required, hidden };
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const numberText = (s: string) => s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');

/** The data to sign, from the draft: text trimmed, numbers parsed, empty optional values left out. */
export function dataOf(schema: FieldSchema, draft: Draft): unknown {
  switch (schema.type) {
    case 'boolean':
      return typeof draft === 'boolean' ? draft : undefined;
    case 'integer':
    case 'number': {
      const text = typeof draft === 'string' ? numberText(draft) : '';
      if (!text) return undefined;
      return (schema.type === 'integer' ? INTEGER : NUMBER).test(text) ? Number(text) : text;
    }
    case 'object': {
      const source = isObject(draft) ? (draft as DraftObject) : {};
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        const v = dataOf(s, source[k]);
        if (v !== undefined) out[k] = v;
      }
      const { hidden } = objectRules(schema, out);
      for (const k of hidden) delete out[k];
      return out;
    }
    case 'array': {
      const items = Array.isArray(draft) ? draft : [];
      return items.map((d) => dataOf(schema.items ?? {}, d) ?? (schema.items?.type === 'object' ? {} : ''));
    }
    default: {
      const text = typeof draft === 'string' ? draft.trim() : '';
      return text === '' ? undefined : text;
    }
  }
}

/** The form's data: the top-level object without empty optional objects and arrays. */
export function formData(schema: FieldSchema, draft: DraftObject): Record<string, unknown> {
  const data = dataOf(schema, draft) as Record<string, unknown>;
  const required = objectRules(schema, data).required;
  for (const [k, s] of Object.entries(schema.properties ?? {})) {
    if (required.has(k)) continue;
    const v = data[k];
    if (s.type === 'object' && isObject(v) && Object.keys(v).length === 0) delete data[k];
    if (s.type === 'array' && Array.isArray(v) && v.length === 0) delete data[k];
  }
  return data;
}

export type Check =
  | { code: 'required' | 'choose' | 'pattern' | 'integer' | 'number' | 'date' | 'email' }
  | { code: 'digits' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems'; count: number }
  | { code: 'minimum' | 'maximum' | 'exclusiveMinimum' | 'exclusiveMaximum'; limit: number };

/** `^[0-9]{12}$`: a number of digits, for a hint and a plain error message. */
export const digitsOf = (pattern: string | undefined): number | null => {
  const m = pattern ? /^\^\[0-9\]\{(\d+)\}\$$/.exec(pattern) : null;
  return m ? Number(m[1]) : null;
};

function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function patternTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true; // a pattern the browser cannot compile: the node checks it
  }
}

/** Checks data against the schema the way the node will (the node has the last word): problems by pointer. */
export function validate(schema: FieldSchema, value: unknown, pointer: string, required: boolean, out: Map<string, Check>): void {
  if (value === undefined) {
    if (required) out.set(pointer, { code: schema.enum ? 'choose' : 'required' });
    return;
  }
  switch (schema.type) {
    case 'object': {
      if (!isObject(value)) return;
      const rules = objectRules(schema, value);
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        if (rules.hidden.has(k)) continue;
        validate(s, value[k], child(pointer, k), rules.required.has(k), out);
      }
      return;
    }
    case 'array': {
      if (!Array.isArray(value)) return;
      if (schema.minItems !== undefined && value.length < schema.minItems) out.set(pointer, { code: 'minItems', count: schema.minItems });
      if (schema.maxItems !== undefined && value.length > schema.maxItems) out.set(pointer, { code: 'maxItems', count: schema.maxItems });
      value.forEach((v, i) => validate(schema.items ?? {}, v === '' ? undefined : v, child(pointer, i), true, out));
      return;
    }
    case 'integer':
    case 'number': {
      if (typeof value !== 'number') {
        out.set(pointer, { code: schema.type });
        return;
      }
      if (schema.minimum !== undefined && value < schema.minimum) out.set(pointer, { code: 'minimum', limit: schema.minimum });
      else if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) out.set(pointer, { code: 'exclusiveMinimum', limit: schema.exclusiveMinimum });
      else if (schema.maximum !== undefined && value > schema.maximum) out.set(pointer, { code: 'maximum', limit: schema.maximum });
      else if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) out.set(pointer, { code: 'exclusiveMaximum', limit: schema.exclusiveMaximum });
      return;
    }
    case 'boolean':
      return;
    default: {
      const s = String(value);
      if (schema.enum) {
        if (!schema.enum.includes(s)) out.set(pointer, { code: 'choose' });
        return;
      }
      if (schema.format === 'date' && !validDate(s)) out.set(pointer, { code: 'date' });
      else if (schema.format === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) out.set(pointer, { code: 'email' });
      else if (schema.minLength !== undefined && [...s].length < schema.minLength) out.set(pointer, { code: 'minLength', count: schema.minLength });
      else if (schema.maxLength !== undefined && [...s].length > schema.maxLength) out.set(pointer, { code: 'maxLength', count: schema.maxLength });
      else if (schema.pattern && !patternTest(schema.pattern, s)) {
        const digits = digitsOf(schema.pattern);
        out.set(pointer, digits ? { code: 'digits', count: digits } : { code: 'pattern' });
      }
    }
  }
}

/** Every field's pointer in the order the form shows them (for the error summary's order). */
export function pointersInOrder(schema: FieldSchema, value: unknown, pointer = '/data'): string[] {
  const out = [pointer];
  if (schema.type === 'object') {
    const v = isObject(value) ? value : {};
    for (const [k, s] of Object.entries(schema.properties ?? {})) out.push(...pointersInOrder(s, v[k], child(pointer, k)));
  } else if (schema.type === 'array' && Array.isArray(value)) {
    value.forEach((item, i) => out.push(...pointersInOrder(schema.items ?? {}, item, child(pointer, i))));
  }
  return out;
}

/** The schema of the field a pointer names, if the form has one. */
export function schemaAt(schema: FieldSchema, pointer: string): FieldSchema | null {
  const parts = pointer.replace(/^\/data\/?/, '').split('/').filter(Boolean);
  let s: FieldSchema | undefined = schema;
  for (const p of parts) {
    if (!s) return null;
    if (s.type === 'array') s = s.items;
    else s = s.properties?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return s ?? null;
}
