import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Messages } from './i18n';

// Every interface string exists in all seven languages, with the same {{placeholders}}, translated: the common
// messages (locales/<lang>.json) and each area's (locales/<area>/<lang>.json, under the key <area>).
const files = import.meta.glob<Messages>(['./locales/*.json', './locales/*/*.json'], { import: 'default', eager: true });
const areas = [...new Set(Object.keys(files).filter((f) => f.split('/').length === 4).map((f) => f.split('/')[2]))].sort();
const locales: Record<string, Messages> = {};
for (const [file, messages] of Object.entries(files)) {
  const parts = file.replace(/\.json$/, '').split('/');
  const lang = parts[parts.length - 1];
  locales[lang] ??= {};
  if (parts.length === 3) Object.assign(locales[lang], messages);
  else locales[lang][parts[2]] = messages;
}
const en = locales.en;

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
const LATIN_ALLOWED = /\b(?:Ortak|OpenAPI|API|PDF|QR|CSV|JSON|SVG|X-Road|SMS|URL|ID|HTTPS?|TLS|PEM|IP|CIDR|p12|pfx|RSA|ECDSA|AES|NCALayer)\b/g;

describe('interface messages', () => {
  it('exist for exactly the seven languages', () => {
    expect(Object.keys(locales).sort()).toEqual([...LANGUAGES].sort());
    for (const area of ['', ...areas.map((a) => `${a}/`)]) {
      const langs = Object.keys(files).filter((f) => f.startsWith(`./locales/${area}`) && f.split('/').length === (area ? 4 : 3));
      expect(langs.map((f) => f.replace(/^.*\/(\w+)\.json$/, '$1')).sort(), `locales/${area}`).toEqual([...LANGUAGES].sort());
    }
  });

  it('keep each area under its own key', () => {
    const common = Object.keys(files['./locales/en.json']);
    expect(areas.filter((a) => common.includes(a))).toEqual([]);
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
