import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { repoRoot } from '../platform/paths.js';

/** The languages of the member states, plus Russian and English. Kazakh and Kyrgyz in Cyrillic, the rest Latin. */
export const LANGUAGES = ['kk', 'ru', 'en', 'tr', 'az', 'ky', 'uz'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const localesDir = join(repoRoot, 'src', 'i18n', 'locales');

export function loadMessages(language: Language): Record<string, unknown> {
  return JSON.parse(readFileSync(join(localesDir, `${language}.json`), 'utf8'));
}

const instance = i18next.createInstance();
await instance.init({
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: loadMessages(l) }])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false },
  returnNull: false,
  initImmediate: false,
  showSupportNotice: false,
});

export function translator(language: Language): TFunction {
  return instance.getFixedT(language);
}

// Straight to t() with the language: a fixed-language function copies all of i18next's options on every call, which
// was half of the cost of a submission's message.
export function translate(language: Language, key: string, params?: Record<string, unknown>): string {
  return instance.t(key, { ...params, lng: language }) as string;
}

/**
 * Picks the caller's language: an explicit `?lang=` wins, then the Accept-Language list in order of preference
 * (region subtags ignored: kk-KZ is kk, uz-Latn-UZ is uz), then the node's default.
 */
export function negotiateLanguage(explicit: unknown, acceptLanguage: string | undefined, fallback: Language): Language {
  if (isLanguage(explicit)) return explicit;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part, index) => {
        const [tag, ...params] = part.trim().split(';');
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
      })
      .filter((r) => r.q > 0 && !Number.isNaN(r.q))
      .sort((a, b) => b.q - a.q || a.index - b.index);
    for (const r of ranked) if (isLanguage(r.base)) return r.base;
  }
  return fallback;
}

/** A text in several languages: the caller's, else English, else the given fallbacks in order, else any. */
export function pickText(texts: Partial<Record<string, string>> | undefined, language: string, ...fallbacks: string[]): string {
  if (!texts) return '';
  // English before any other: a reader is never shown another state's language while English is there
  for (const l of [language, 'en', ...fallbacks, 'ru']) {
    const text = texts[l];
    if (text) return text;
  }
  return Object.values(texts).find(Boolean) ?? '';
}
