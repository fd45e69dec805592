import { describe, expect, it } from 'vitest';
import { parseSmsConsent } from './offers.js';

describe('an SMS reply to a birth offer', () => {
  it('is understood with the yes-word of each member state\'s language, the child\'s name and an IBAN', () => {
    for (const yes of ['ИӘ', 'иә', 'ДА', 'YES', 'EVET', 'BƏLİ', 'Bəli', 'ООБА', 'HA']) {
      expect(parseSmsConsent(`${yes} Әлихан KZ86125KZT5004100100`), yes).toEqual({ childGivenName: 'Әлихан', iban: 'KZ86125KZT5004100100' });
    }
    expect(parseSmsConsent('ИӘ Анна-Мария Әлиқызы kz86125kzt5004100100')).toEqual({ childGivenName: 'Анна-Мария Әлиқызы', iban: 'KZ86125KZT5004100100' });
  });

  it('is not understood without consent, a name or an IBAN', () => {
    for (const text of ['рахмет', 'ЖОҚ Әлихан KZ86125KZT5004100100', 'ИӘ KZ86125KZT5004100100', 'ИӘ Әлихан', 'ИӘ Әлихан 12345']) {
      expect(parseSmsConsent(text), text).toBeUndefined();
    }
  });
});
