import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { paths } from '../platform/paths.js';
import { loadCatalogFiles } from './loader.js';
import { loadCatalog } from './catalog.js';

const ALL = ['KZ', 'AZ', 'KG', 'TR', 'UZ'];

describe('the service catalog shipped with Ortak', () => {
  const result = loadCatalogFiles(paths.services, ALL);

  it('loads without a single error', () => {
    expect(result.errors).toEqual([]);
  });

  it('has at least 8 real services over at least three states, each with agency, form and example', () => {
    expect(result.services.length).toBeGreaterThanOrEqual(8);
    expect(new Set(result.services.map((s) => s.definition.state)).size).toBeGreaterThanOrEqual(3);
    for (const { definition: d } of result.services) {
      expect(result.agencies.some((a) => a.code === d.agency)).toBe(true);
      expect(Object.keys(d.form.schema.properties as object).length).toBeGreaterThan(0);
    }
  });

  it('finds services by words in any language, ignoring case and diacritics', () => {
    const catalog = loadCatalog(paths.services, ALL);
    const kz = catalog.search({ state: 'KZ' });
    expect(kz.length).toBeGreaterThan(0);
    expect(kz.every((d) => d.state === 'KZ')).toBe(true);
    const first = kz[0];
    const word = first.title.en.split(/\s+/).find((w) => w.length > 5)!;
    expect(catalog.search({ q: word.toUpperCase() }).map((d) => d.code)).toContain(first.code);
    expect(catalog.search({ q: 'zzzz-no-such-word' })).toEqual([]);
  });

  it('finds a service in each of the seven languages, whatever the case and the diacritics', () => {
    const catalog = loadCatalog(paths.services, ALL);
    // marriage, as a reader of each language types it
    for (const q of ['неке', 'брак', 'marriage', 'evlilik', 'Evlilik', 'EVLİLİK', 'nikah', 'nikoh']) {
      expect(catalog.search({ q }).map((d) => d.code), q).toContain('kz-marriage-registration');
    }
  });

  it('has every text in all seven languages: a missing one leaves the file out of the catalog', () => {
    const errors = loadEdited((d) => {
      delete d.title.uz;
      delete d.form.schema.properties[Object.keys(d.form.schema.properties)[0]]['x-labels'].tr;
    });
    expect(errors.some((e) => e.includes('/title lacks the language(s) uz'))).toBe(true);
    expect(errors.some((e) => /x-labels lacks the language\(s\) tr/.test(e))).toBe(true);
  });

  it('refuses form text the result document could not print, naming the characters, and takes what it can', () => {
    const catalog = loadCatalog(paths.services, ['KG']);
    const code = 'kg-criminal-record-certificate';
    const example = catalog.get(code)!.form.example as { previousNames: Record<string, string>[] };
    const printable = { ...example, previousNames: [{ ...example.previousNames[0], surname: 'Асанова 𝐀𝐁𝐂 ⟦1⟧' }] };
    expect(catalog.validateForm(code, printable)).toEqual([]);
    const unprintable = { ...example, previousNames: [{ ...example.previousNames[0], surname: 'Асанова 漢字 🦄' }] };
    expect(catalog.validateForm(code, unprintable)).toEqual([
      {
        field: '/data/previousNames/0/surname',
        code: 'validation.characters',
        params: { characters: '漢 (U+6F22), 字 (U+5B57), 🦄 (U+1F984)' },
        labels: { kk: 'Тегі', ru: 'Фамилия', en: 'Surname', tr: 'Soyadı', az: 'Soyadı', ky: 'Фамилиясы', uz: 'Familiyasi' },
      },
    ]);
  });
});

/** A copy of one real definition in a scratch catalog, changed by `edit`, to see what the loader says. */
function loadEdited(edit: (doc: Record<string, any>) => void, fileName?: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ortak-catalog-'));
  mkdirSync(join(dir, 'KZ'));
  cpSync(join(paths.services, 'KZ', 'agencies.yaml'), join(dir, 'KZ', 'agencies.yaml'));
  const source = join(paths.services, 'KZ', 'kz-criminal-record-certificate.yaml');
  const doc = parse(readFileSync(source, 'utf8'));
  edit(doc);
  writeFileSync(join(dir, 'KZ', fileName ?? 'kz-criminal-record-certificate.yaml'), stringify(doc));
  return loadCatalogFiles(dir, ['KZ']).errors;
}

describe('loading a broken definition', () => {
  it('accepts the unchanged file', () => {
    expect(loadEdited(() => {})).toEqual([]);
  });

  it('names the file and the field for a wrong value', () => {
    const errors = loadEdited((d) => (d.deadline.days = -1));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/KZ\/kz-criminal-record-certificate\.yaml: \/deadline\/days must be >= 0$/);
  });

  it('reports a missing language, an unknown agency, a wrong currency and an invalid example together', () => {
    const errors = loadEdited((d) => {
      delete d.title.kk;
      d.agency = 'kz-no-such-agency';
      d.fee.currency = 'TRY';
      const [field] = Object.keys(d.form.schema.properties);
      d.form.example[field] = 12345;
    });
    expect(errors.some((e) => e.includes('/title lacks the language(s) kk'))).toBe(true);
    expect(errors.some((e) => e.includes('/agency kz-no-such-agency'))).toBe(true);
    expect(errors.some((e) => e.includes('/fee/currency must be KZT'))).toBe(true);
    expect(errors.some((e) => e.includes('/form/example/'))).toBe(true);
  });

  it('refuses a label that calls its field optional (the form says so itself), and a document stating evidence it lacks', () => {
    expect(loadEdited((d) => (d.form.schema.properties.pickupOffice['x-labels'].tr += ' (isteğe bağlı)'))).toEqual([
      expect.stringContaining('/form/schema/properties/pickupOffice/x-labels/tr says the field is optional'),
    ]);
    expect(loadEdited((d) => (d.result.certifies = [{ evidence: 'no-such-evidence' }]))).toEqual([expect.stringContaining('/result/certifies/0/evidence no-such-evidence is not a key of /evidence')]);
  });

  it('refuses a document that does not say what it states of the form, or states a field the form lacks', () => {
    expect(loadEdited((d) => delete d.result.states)).toEqual([expect.stringContaining("must have required property 'states'")]);
    expect(loadEdited((d) => (d.result.states = [{ field: 'pickupOffice' }, { field: 'noSuchField' }]))).toEqual([expect.stringContaining('/result/states/1/field noSuchField is not a field of the form')]);
  });

  it('refuses a misspelt schema keyword, an unknown field and a code that differs from the file name', () => {
    expect(loadEdited((d) => (d.form.schema.requried = []))).toEqual([expect.stringContaining('/form/schema does not compile')]);
    expect(loadEdited((d) => (d.colour = 'blue'))).toEqual([expect.stringContaining('must NOT have additional properties (colour)')]);
    expect(loadEdited(() => {}, 'kz-other-name.yaml')).toEqual([expect.stringContaining('/code must equal the file name')]);
  });

  it('reports YAML that does not parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortak-catalog-'));
    mkdirSync(join(dir, 'KZ'));
    cpSync(join(paths.services, 'KZ', 'agencies.yaml'), join(dir, 'KZ', 'agencies.yaml'));
    writeFileSync(join(dir, 'KZ', 'kz-bad.yaml'), 'code: [unclosed');
    expect(loadCatalogFiles(dir, ['KZ']).errors).toEqual([expect.stringMatching(/kz-bad\.yaml: not valid YAML/)]);
  });
});

describe('a node starting with a broken file', () => {
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ortak-catalog-'));
    mkdirSync(join(dir, 'KZ'));
    cpSync(join(paths.services, 'KZ'), join(dir, 'KZ'), { recursive: true });
    return dir;
  };

  it('serves the other services and keeps the broken one\'s problems for its operator', () => {
    const dir = scratch();
    const file = join(dir, 'KZ', 'kz-criminal-record-certificate.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^code: .*$/m, 'code: kz-criminal-record-certificate\ncolour: blue'));
    const catalog = loadCatalog(dir, ['KZ']);
    expect(catalog.get('kz-criminal-record-certificate')).toBeUndefined();
    expect(catalog.services.length).toBe(loadCatalog(paths.services, ['KZ']).services.length - 1);
    expect(catalog.loadErrors).toEqual([expect.stringMatching(/kz-criminal-record-certificate\.yaml: .*additional properties \(colour\)/)]);
  });

  it('does not start with a broken agencies file', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'KZ', 'agencies.yaml'), '- code: wrong\n');
    expect(() => loadCatalog(dir, ['KZ'])).toThrow(/agencies\.yaml/);
  });
});
