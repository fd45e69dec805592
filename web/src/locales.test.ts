import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Messages } from './i18n';
import az from './locales/az.json';
import en from './locales/en.json';
import kk from './locales/kk.json';
import ky from './locales/ky.json';
import ru from './locales/ru.json';
import tr from './locales/tr.json';
import uz from './locales/uz.json';

// Every interface string exists in all seven languages, with the same {{placeholders}}, translated.
const locales: Record<string, Messages> = { kk, ru, en, tr, az, ky, uz };

function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const reference = flatten(en);
const CYRILLIC_ONLY = ['kk', 'ru', 'ky'];
// Names and abbreviations that stay in Latin letters in every language.
const LATIN_ALLOWED = /\b(?:Ortak|API|PDF|QR)\b/g;

describe('interface messages', () => {
  it('exist for exactly the seven languages', () => {
    expect(Object.keys(locales).sort()).toEqual([...LANGUAGES].sort());
    const files = Object.keys(import.meta.glob('./locales/*.json')).map((f) => f.replace(/^.*\/(\w+)\.json$/, '$1'));
    expect(files.sort()).toEqual([...LANGUAGES].sort());
  });

  for (const [lang, messages] of Object.entries(locales)) {
    describe(lang, () => {
      const flat = flatten(messages);

      it('has every key of English and no other', () => {
        expect([...reference.keys()].filter((k) => !flat.has(k)), 'missing').toEqual([]);
        expect([...flat.keys()].filter((k) => !reference.has(k)), 'unknown').toEqual([]);
      });

      it('has the same {{placeholders}} in every message, and no empty message', () => {
        const wrong = [...reference].filter(([k, text]) => flat.has(k) && placeholders(flat.get(k)!).join() !== placeholders(text).join());
        expect(wrong.map(([k]) => k)).toEqual([]);
        expect([...flat].filter(([, v]) => !v.trim()).map(([k]) => k)).toEqual([]);
      });

      if (lang !== 'en') {
        it('is a translation, not a copy of English', () => {
          const same = [...flat].filter(([k, v]) => v === reference.get(k) && !/^(?:\W|\{\{\w+\}\})*$/.test(v));
          expect(same.length, same.map(([k]) => k).join(', ')).toBeLessThanOrEqual(Math.floor(reference.size * 0.05));
        });
      }

      if (CYRILLIC_ONLY.includes(lang)) {
        it('is written in Cyrillic', () => {
          const latin = [...flat].filter(([, v]) => /[A-Za-z]/.test(v.replace(/\{\{\s*\w+\s*\}\}/g, '').replace(LATIN_ALLOWED, '')));
          expect(latin.map(([k]) => k)).toEqual([]);
        });
      }
    });
  }
});
