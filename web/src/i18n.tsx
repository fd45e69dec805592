import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from './api';

export const LANGUAGES = ['kk', 'ru', 'en', 'tr', 'az', 'ky', 'uz'] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language named in itself, for the switcher. */
export const ENDONYMS: Record<Lang, string> = {
  kk: 'Қазақша',
  ru: 'Русский',
  en: 'English',
  tr: 'Türkçe',
  az: 'Azərbaycanca',
  ky: 'Кыргызча',
  uz: 'Oʻzbekcha',
};

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

export type Messages = { [key: string]: string | Messages };

const STORAGE_KEY = 'ortak.lang';
// The common messages are in locales/<lang>.json; each area of the portal (citizen, officer, operator, stats) keeps
// its own in locales/<area>/<lang>.json, read as the messages under the key <area> (`t('officer.queue.title')`).
const loaders = import.meta.glob<Messages>(['./locales/*.json', './locales/*/*.json'], { import: 'default' });

export async function loadMessages(lang: Lang): Promise<Messages> {
  const base = loaders[`./locales/${lang}.json`];
  if (!base) throw new Error(`no messages for ${lang}`);
  const areas = Object.keys(loaders).filter((f) => f.endsWith(`/${lang}.json`) && f.split('/').length === 4);
  const [messages, ...parts] = await Promise.all([base(), ...areas.map((f) => loaders[f]())]);
  const merged: Messages = { ...messages };
  areas.forEach((f, i) => (merged[f.split('/')[2]] = parts[i]));
  return merged;
}

function stored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** `?lang=` in the address, else the user's earlier choice, else the browser's languages in order, else English. */
export function initialLanguage(): Lang {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLang(fromUrl)) return fromUrl;
  const chosen = stored();
  if (isLang(chosen)) return chosen;
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    const base = tag?.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

/** `{{name}}` placeholders, filled from params. */
export function interpolate(text: string, params: Record<string, unknown> = {}): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function lookup(messages: Messages, key: string): string | Messages | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return node;
}

export type T = (key: string, params?: Record<string, unknown>) => string;

export interface Formatters {
  number(n: number): string;
  money(minorUnits: number, currency: string): string;
  /** a calendar day (`YYYY-MM-DD`), the same everywhere */
  day(isoDate: string): string;
  /** a moment, in the reader's time zone */
  dateTime(iso: string): string;
  region(code: string): string;
}

// Browsers do not all carry CLDR data for every language here (Chromium's own ICU data has no Kazakh, Azerbaijani,
// Kyrgyz or Uzbek dates: it writes "2026 M12 2"). Where Intl does not know the language's month names, dates use the
// names and pattern from the messages, and numbers the conventions of a language that writes them the same way.
const NUMBER_CONVENTIONS: Partial<Record<Lang, string>> = { kk: 'ru', ky: 'ru', uz: 'ru', az: 'de' };

/** Does this browser's Intl really know the language (its December, as the messages write it)? */
function intlKnows(lang: Lang, months: string[]): boolean {
  try {
    const december = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 11, 2));
    return months.length === 12 && december.toLocaleLowerCase(lang).includes(months[11].toLocaleLowerCase(lang));
  } catch {
    return false;
  }
}

export function formatters(lang: Lang, t: T): Formatters {
  const months = t('format.months').split(',');
  const native = intlKnows(lang, months);
  const numbersIn = native ? lang : (NUMBER_CONVENTIONS[lang] ?? lang);
  const number = new Intl.NumberFormat(numbersIn);
  const clock = new Intl.DateTimeFormat(native ? lang : numbersIn, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const longDay = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  const mediumMoment = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const own = (year: number, month: number, day: number) => t('format.date', { year, month: months[month], day });
  let regions: Intl.DisplayNames | null = null;
  try {
    regions = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
  } catch {
    regions = null;
  }
  return {
    number: (n) => number.format(n),
    money(minor, currency) {
      const f = new Intl.NumberFormat(numbersIn, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
      const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
      return f.format(minor / 10 ** digits);
    },
    day(iso) {
      const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
      return native ? longDay.format(d) : own(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    },
    dateTime(iso) {
      const d = new Date(iso);
      return native ? mediumMoment.format(d) : `${own(d.getFullYear(), d.getMonth(), d.getDate())}, ${clock.format(d)}`;
    },
    region(code) {
      const name = t(`region.${code}`);
      return name === `region.${code}` ? (regions?.of(code) ?? code) : name;
    },
  };
}

export function makeT(lang: Lang, messages: Messages): T {
  const plural = new Intl.PluralRules(lang);
  return (key, params) => {
    let value = lookup(messages, key);
    if (value !== undefined && typeof value !== 'string' && typeof params?.count === 'number') {
      value = value[plural.select(params.count)] ?? value.other;
    }
    return typeof value === 'string' ? interpolate(value, params) : key;
  };
}

interface I18n {
  lang: Lang;
  t: T;
  fmt: Formatters;
  setLang(lang: Lang): Promise<void>;
  /** the text of a record of translations in the interface language, else English, else any */
  pick(texts: Record<string, string> | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

function apply(lang: Lang): void {
  document.documentElement.lang = lang;
  setApiLanguage(lang);
}

export function I18nProvider({ initial, children }: { initial: { lang: Lang; messages: Messages }; children: ReactNode }) {
  const [current, setCurrent] = useState(initial);
  apply(current.lang);

  const setLang = useCallback(async (lang: Lang) => {
    const messages = await loadMessages(lang);
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
    apply(lang);
    setCurrent({ lang, messages });
  }, []);

  const value = useMemo<I18n>(() => {
    const { lang, messages } = current;
    const t = makeT(lang, messages);
    return {
      lang,
      t,
      fmt: formatters(lang, t),
      setLang,
      pick: (texts) => (texts ? (texts[lang] ?? texts.en ?? Object.values(texts)[0] ?? '') : ''),
    };
  }, [current, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
