import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.js';
import { LANGUAGES } from '../i18n/index.js';
import { paths } from '../platform/paths.js';
import { particulars } from './particulars.js';

const catalog = loadCatalog(paths.services, ['KZ', 'AZ', 'KG', 'TR', 'UZ']);
const service = (code: string) => catalog.get(code)!;

describe('the particulars of a document', () => {
  it('never print "[object Object]": every service\'s example, in every language', () => {
    for (const def of catalog.services.map((s) => s.definition)) {
      for (const language of LANGUAGES) {
        const text = particulars(def, def.form.example, language).flat().join('\n');
        expect(text, `${def.code} ${language}`).not.toContain('[object');
        expect(text, `${def.code} ${language}`).not.toMatch(/\bundefined\b|\bnull\b/);
      }
    }
  });

  it('print each co-founder on a line of its own, with the form\'s labels in the document\'s language', () => {
    const def = service('kz-legal-entity-registration');
    const data = { ...def.form.example, coFounders: [{ identifier: '921113400560', sharePercent: 25 }, { identifier: '880101300123', sharePercent: 15.5 }] };
    const ru = new Map(particulars(def, data, 'ru'));
    expect(ru.get('Другие учредители (физические лица)')).toBe(
      '1. ИИН учредителя: 921113400560 — Доля в уставном капитале, %: 25\n2. ИИН учредителя: 880101300123 — Доля в уставном капитале, %: 15,5',
    );
    const en = new Map(particulars(def, def.form.example, 'en'));
    expect(en.get('Other founders (individuals)')).toBe("Founder's IIN: 921113400560 — Share of the charter capital, %: 40");
    // numbers and enums the way a reader expects them
    expect(en.get('Charter capital, KZT')).toBe('100,000');
    expect(en.get('Business size category')).toBe('Small business (including micro)');
  });

  it('print dates in the document\'s language, groups under their label, lists of names on one line', () => {
    const birth = service('kg-birth-registration');
    const date = Object.entries(birth.form.schema.properties as Record<string, { format?: string }>).find(([, p]) => p.format === 'date')![0];
    const data = { ...birth.form.example, [date]: '2026-02-27' };
    expect(particulars(birth, data, 'ru').flat()).toContain('27 февраля 2026 г.');
    expect(particulars(birth, data, 'en').flat()).toContain('February 27, 2026');

    const permit = service('tr-building-permit');
    const rows = particulars(permit, permit.form.example, 'tr');
    expect(rows.some(([label]) => label.includes(' · '))).toBe(true);

    const tr = service('tr-birth-registration');
    const names = new Map(particulars(tr, { ...tr.form.example, childGivenNames: ['Ali', 'Kerem'] }, 'tr'));
    expect(names.get('Çocuğun adı (en fazla üç ad)')).toBe('Ali, Kerem');
  });

  it('print only what the definition says the document states, in its order, under its own label where it gives one', () => {
    const marriage = service('kz-marriage-registration');
    const rows = particulars(marriage, marriage.form.example, 'en');
    expect(rows.map(([label]) => label)).toEqual(["Applicant's surname after the marriage", "Spouse's surname after the marriage", 'Registry office (civil registry department or wedding palace)']);
    expect(rows.map(([, value]) => value)).toEqual([marriage.form.example.applicantSurnameAfter, marriage.form.example.spouseSurnameAfter, marriage.form.example.registryOffice]);
    // what belongs to the application only (the planned income, whether a bank account is to be opened) is not stated
    const entity = service('kz-legal-entity-registration');
    const labels = particulars(entity, entity.form.example, 'ru').map(([label]) => label);
    expect(labels).not.toContain('Планируемый среднегодовой доход, тенге');
    expect(labels.some((l) => l.includes('банковск'))).toBe(false);
    expect(particulars(service('kz-criminal-record-certificate'), service('kz-criminal-record-certificate').form.example, 'kk')).toEqual([]);
  });
});
