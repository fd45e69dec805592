import { LANGUAGE_OF_STATE, type ServiceDefinition } from '../catalog/index.js';
import { type Language, pickText, translate } from '../i18n/index.js';

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/**
 * What the document states of the form's data (the definition's `result.states`), as label → value pairs in the
 * document's language, in the definition's order. A group of fields
 * adds its label to theirs ("Parcel · District"); a list of groups prints one line per item with the item's own
 * labels ("Founder's IIN: 921113400560 — Share of the charter capital, %: 40"); a field the form does not describe
 * prints under its name. Nothing prints as "[object Object]".
 */
export function particulars(def: ServiceDefinition, data: Record<string, unknown>, language: Language): [string, string][] {
  const stateLanguage = LANGUAGE_OF_STATE[def.state];
  const text = (texts: unknown) => pickText(texts as Record<string, string> | undefined, language, stateLanguage);
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 20, useGrouping: 'min2' });
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

  /** The fields of an object with their schemas and labels: the form's order first, then any it does not list. */
  const fields = (schema: Schema | undefined, values: Record<string, unknown>) => {
    const props = (schema?.properties ?? {}) as Record<string, Schema>;
    const extra = isObject(schema?.additionalProperties) ? schema.additionalProperties : undefined;
    const names = [...Object.keys(props), ...Object.keys(values).filter((n) => !(n in props))];
    return names
      .filter((name) => !isEmpty(values[name]))
      .map((name) => ({ schema: props[name] ?? extra, label: text(props[name]?.['x-labels']) || name, value: values[name] }));
  };

  /** A value on one line; a group's fields as "label: value" separated by dashes, a group within it in brackets. */
  const show = (schema: Schema | undefined, value: unknown): string => {
    if (Array.isArray(value)) return value.map((v) => show(schema?.items as Schema | undefined, v)).join(', ');
    if (isObject(value)) {
      return fields(schema, value)
        .map((f) => `${f.label}: ${isObject(f.value) ? `(${show(f.schema, f.value)})` : show(f.schema, f.value)}`)
        .join(' — ');
    }
    const enumLabel = text((schema?.['x-enum-labels'] as Record<string, unknown> | undefined)?.[String(value)]);
    if (enumLabel) return enumLabel;
    if (typeof value === 'boolean') return translate(language, value ? 'document.yes' : 'document.no');
    if (typeof value === 'number') return Number.isFinite(value) ? number.format(value) : String(value);
    if (typeof value === 'string' && schema?.format === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return date.format(new Date(`${value}T00:00:00Z`));
    if (typeof value === 'string' && schema?.format === 'date-time' && !Number.isNaN(Date.parse(value))) return dateTime.format(new Date(value));
    return isEmpty(value) ? '' : String(value);
  };

  const out: [string, string][] = [];
  /** One field as lines: a group's fields each under its label, a list of groups one item a line. */
  const emit = (label: string, schema: Schema | undefined, value: unknown) => {
    if (isObject(value)) walk(schema, value, `${label} · `);
    else if (Array.isArray(value) && value.some(isObject)) {
      // one item a line, numbered when there are several
      const items = value.map((item) => show(schema?.items as Schema | undefined, item));
      out.push([label, items.map((item, i) => (items.length > 1 ? `${i + 1}. ${item}` : item)).join('\n')]);
    } else out.push([label, show(schema, value)]);
  };
  const walk = (schema: Schema | undefined, values: Record<string, unknown>, prefix: string) => {
    for (const f of fields(schema, values)) emit(`${prefix}${f.label}`, f.schema, f.value);
  };
  // The fields the definition says the document states, in its order (a field within a group under the group's label)
  for (const stated of def.result.states) {
    let schema: Schema | undefined = def.form.schema;
    let value: unknown = data ?? {};
    const labels: string[] = [];
    for (const name of stated.field.split('.')) {
      schema = (schema?.properties as Record<string, Schema> | undefined)?.[name];
      value = isObject(value) ? value[name] : undefined;
      labels.push(text(schema?.['x-labels']) || name);
    }
    if (isEmpty(value) || (Array.isArray(value) && value.length === 0)) continue;
    emit(stated.label ? text(stated.label) : labels.join(' · '), schema, value);
  }
  return out;
}
