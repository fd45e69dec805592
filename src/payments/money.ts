import { LANGUAGES } from '../i18n/index.js';

/** An amount in minor units, written for each language ("3 450,00 ₸", "₸3,450.00"…), for messages. */
export function formatMoney(amount: number, currency: string): Record<string, string> {
  return Object.fromEntries(
    LANGUAGES.map((language) => [language, new Intl.NumberFormat(language, { style: 'currency', currency }).format(amount / 100)]),
  );
}
