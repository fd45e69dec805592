import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/index.js';
import { type CertifiedStatement, certifiedLines, publicStatements } from './certified.js';

const catalog = { agencies: [{ member: 'KZ/GOV/LEGALSTAT', state: 'KZ', name: { kk: 'Құқықтық статистика комитеті', ru: 'Комитет по правовой статистике', en: 'Committee on Legal Statistics' } }] } as never;
const answer = { evidence: 'criminal-record', asOf: '2026-12-03T09:00:00Z', source: 'KZ/GOV/LEGALSTAT/REGISTRIES/criminal-records', label: null };
const record = (status: CertifiedStatement['status'], records: { article: string; court: string; sentencedOn: string }[] = []): CertifiedStatement => ({ kind: 'criminal-record', ...answer, status, records });

describe('what a document certifies', () => {
  it('states the register\'s answer as it was: no record, no entry, or no answer — never "no record" for the last two', () => {
    const first = (s: CertifiedStatement) => certifiedLines([s], 'ru', catalog)[0][1];
    expect(first(record('received'))).toBe(translate('ru', 'document.criminalRecord.none'));
    expect(first(record('not_found'))).toBe(translate('ru', 'document.criminalRecord.notFound'));
    expect(first(record('unavailable'))).toBe(translate('ru', 'document.criminalRecord.unavailable'));
  });

  it('lists each conviction, then the register by its name and the date of its answer', () => {
    const lines = certifiedLines([record('received', [{ article: '190 ч.1', court: 'Алмалинский районный суд', sentencedOn: '2019-04-11' }])], 'ru', catalog);
    expect(lines).toEqual([
      ['Сведения о судимости', 'Имеется судимость (количество: 1)'],
      ['Судимость 1', 'статья: 190 ч.1, Алмалинский районный суд, дата приговора: 11 апреля 2019 г.'],
      ['По данным', 'Комитет по правовой статистике, ответ реестра от 3 декабря 2026 г.'],
    ]);
  });

  it('names a person in full on the document, by initials on the public verification', () => {
    const spouse: CertifiedStatement = { kind: 'person', ...answer, status: 'received', label: { ru: 'Супруг(а)', en: 'Spouse' }, person: { name: 'Сапарова Айгерім Нұрланқызы', identifier: 'KZ 900412473208', birthDate: '1990-04-12' } };
    expect(certifiedLines([spouse], 'ru', catalog)).toEqual([['Супруг(а)', 'Сапарова Айгерім Нұрланқызы, дата рождения: 12 апреля 1990 г., KZ 900412473208']]);
    const shown = publicStatements([spouse]);
    expect(certifiedLines(shown, 'en', catalog, { masked: true })).toEqual([['Spouse', 'С*** А*** Н***']]);
    expect(JSON.stringify(shown)).not.toContain('900412473208');
  });
});
