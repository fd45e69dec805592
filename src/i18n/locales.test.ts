import { describe, expect, it } from 'vitest';
import { LANGUAGES, loadMessages, negotiateLanguage } from './index.js';

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function leaf(tree: Record<string, unknown>, key: string): string {
  return key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], tree) as string;
}
const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();

describe('API messages', () => {
  const english = loadMessages('en');
  const englishKeys = keys(english).sort();

  for (const language of LANGUAGES) {
    it(`${language} has every message, with the same placeholders`, () => {
      const messages = loadMessages(language);
      expect(keys(messages).sort()).toEqual(englishKeys);
      for (const key of englishKeys) {
        const text = leaf(messages, key);
        expect(text.trim(), `${language}: ${key}`).not.toBe('');
        expect(placeholders(text), `${language}: ${key}`).toEqual(placeholders(leaf(english, key)));
      }
    });
  }

  it('Kazakh and Kyrgyz are in Cyrillic, Azerbaijani, Turkish and Uzbek in Latin', () => {
    const sample = (l: (typeof LANGUAGES)[number]) => leaf(loadMessages(l), 'errors.application_not_found');
    for (const l of ['kk', 'ky', 'ru'] as const) expect(sample(l)).toMatch(/[\u0400-\u04FF]/);
    for (const l of ['az', 'tr', 'uz'] as const) expect(sample(l)).not.toMatch(/[\u0400-\u04FF]/);
  });
});

describe('choosing the caller\'s language', () => {
  it('prefers ?lang=, then Accept-Language by weight, then the default', () => {
    expect(negotiateLanguage('kk', 'ru', 'en')).toBe('kk');
    expect(negotiateLanguage(undefined, 'de;q=1, uz-Latn-UZ;q=0.7, ru;q=0.8', 'en')).toBe('ru');
    expect(negotiateLanguage(undefined, 'ky-KG', 'en')).toBe('ky');
    expect(negotiateLanguage('xx', 'fr', 'tr')).toBe('tr');
    expect(negotiateLanguage(undefined, undefined, 'az')).toBe('az');
    expect(negotiateLanguage(undefined, 'ru;q=0, en', 'kk')).toBe('en');
  });
});
