import { describe, expect, it } from 'vitest';
import { digitsOf, draftOf, fieldId, formData, objectRules, pointersInOrder, schemaAt, validate, type Check, type DraftObject, type FieldSchema } from './form';

// The form generated from a service's JSON Schema, with the kinds of fields services/*/*.yaml use.
const schema: FieldSchema = {
  type: 'object',
  required: ['usage', 'paperCopy', 'capital', 'founders', 'card'],
  properties: {
    usage: { type: 'string', enum: ['domestic', 'abroad'] },
    destinationCountry: { type: 'string', pattern: '^[A-Z]{2}$' },
    paperCopy: { type: 'boolean' },
    pickupOffice: { type: 'string', minLength: 3, maxLength: 200 },
    capital: { type: 'integer', minimum: 0 },
    share: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
    email: { type: 'string', format: 'email' },
    date: { type: 'string', format: 'date' },
    founders: {
      type: 'array',
      maxItems: 2,
      items: { type: 'object', required: ['identifier'], properties: { identifier: { type: 'string', pattern: '^[0-9]{12}$' }, share: { type: 'number' } } },
    },
    names: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    card: { type: 'object', required: ['series'], properties: { series: { type: 'string', enum: ['AZE', 'AA'] }, issued: { type: 'string', format: 'date' } } },
  },
  allOf: [
    { if: { properties: { usage: { const: 'abroad' } }, required: ['usage'] }, then: { required: ['destinationCountry'] } },
    { if: { properties: { paperCopy: { const: true } }, required: ['paperCopy'] }, then: { required: ['pickupOffice'] }, else: { not: { required: ['pickupOffice'] } } },
  ],
};

const problems = (draft: DraftObject) => {
  const out = new Map<string, Check>();
  validate(schema, formData(schema, draft), '/data', true, out);
  return Object.fromEntries(out);
};

describe('the application form from a JSON Schema', () => {
  it('starts from the registers’ values and keeps text as typed', () => {
    const draft = draftOf(schema, { usage: 'abroad', capital: 1000, card: { series: 'AA' } }) as DraftObject;
    expect(draft).toMatchObject({ usage: 'abroad', capital: '1000', paperCopy: false, founders: [], names: [], card: { series: 'AA', issued: '' }, email: '' });
  });

  it('shows a field its condition asks for, and hides it otherwise', () => {
    expect([...objectRules(schema, { usage: 'domestic', paperCopy: false }).hidden].sort()).toEqual(['destinationCountry', 'pickupOffice']);
    const abroad = objectRules(schema, { usage: 'abroad', paperCopy: true });
    expect(abroad.hidden.size).toBe(0);
    expect([...abroad.required]).toEqual(expect.arrayContaining(['destinationCountry', 'pickupOffice']));
  });

  it('builds the data to sign: numbers parsed, text trimmed, empty and hidden optional fields left out', () => {
    const draft = draftOf(schema, {}) as DraftObject;
    Object.assign(draft, { usage: 'domestic', destinationCountry: 'DE', capital: ' 1 000 ', share: '12,5', email: '  ', founders: [{ identifier: '921113400560', share: '' }], card: { series: 'AZE', issued: '' } });
    expect(formData(schema, draft)).toEqual({ usage: 'domestic', paperCopy: false, capital: 1000, share: 12.5, founders: [{ identifier: '921113400560' }], card: { series: 'AZE' } });
  });

  it('checks the data as the node will, by JSON Pointer', () => {
    const draft = draftOf(schema, {}) as DraftObject;
    Object.assign(draft, { usage: 'abroad', destinationCountry: 'de', paperCopy: true, pickupOffice: 'ab', capital: '1.5', share: '0', email: 'x', date: '2026-02-30', founders: [{ identifier: '123', share: '' }], names: [''], card: { series: '', issued: '' } });
    expect(problems(draft)).toEqual({
      '/data/destinationCountry': { code: 'pattern' },
      '/data/pickupOffice': { code: 'minLength', count: 3 },
      '/data/capital': { code: 'integer' },
      '/data/share': { code: 'exclusiveMinimum', limit: 0 },
      '/data/email': { code: 'email' },
      '/data/date': { code: 'date' },
      '/data/founders/0/identifier': { code: 'digits', count: 12 },
      '/data/names/0': { code: 'required' },
      '/data/card/series': { code: 'choose' },
    });
    expect(problems(draftOf(schema, {}) as DraftObject)).toEqual({ '/data/usage': { code: 'choose' }, '/data/capital': { code: 'required' }, '/data/card/series': { code: 'choose' } });
  });

  it('names fields for the error summary and the node’s pointers', () => {
    expect(fieldId('/data/founders/0/identifier')).toBe('field-founders-0-identifier');
    expect(schemaAt(schema, '/data/founders/1/identifier')).toEqual(schema.properties!.founders.items!.properties!.identifier);
    expect(schemaAt(schema, '/data/nothing')).toBeNull();
    expect(pointersInOrder(schema, { founders: [{}] }).slice(0, 4)).toEqual(['/data', '/data/usage', '/data/destinationCountry', '/data/paperCopy']);
    expect(digitsOf('^[0-9]{12}$')).toBe(12);
    expect(digitsOf('^[A-Z]{2}$')).toBeNull();
  });
});
