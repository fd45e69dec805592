// Figures and months in the interface language. Month names come from the messages (Chromium's Intl has no month
// names for kk, az, ky or uz); the stats area keeps its own standalone names: the common `format.months` are the
// forms used inside a date, which in Russian are genitive ("января"), wrong alone on an axis or in a table.
import { useMemo } from 'react';
import { useI18n } from '../../i18n';
import type { Month } from './api';

export interface StatsFormat {
  /** a whole number or a figure, in the language's conventions */
  number(n: number): string;
  /** a share 0..1 as a percentage with one decimal at most; null → null */
  percent(share: number | null): string | null;
  /** a number of days with one decimal at most; null → null */
  daysNumber(days: number | null): string | null;
  /** "January 2026" */
  month(month: Month): string;
  /** "Jan" */
  monthShort(month: Month): string;
  /** "2026" */
  year(month: Month): string;
  region(code: string): string;
}

export const roundShare = (share: number) => Math.round(share * 1000) / 10;
export const roundDays = (days: number) => Math.round(days * 10) / 10;

export function useStatsFormat(): StatsFormat {
  const { t, fmt } = useI18n();
  return useMemo(() => {
    const full = t('stats.months').split(',');
    const short = t('stats.monthsShort').split(',');
    const index = (m: Month) => Number(m.slice(5, 7)) - 1;
    return {
      number: (n) => fmt.number(n),
      percent: (share) => (share === null ? null : t('stats.percent', { value: fmt.number(roundShare(share)) })),
      daysNumber: (days) => (days === null ? null : fmt.number(roundDays(days))),
      month: (m) => t('stats.monthYear', { month: full[index(m)] ?? m, year: m.slice(0, 4) }),
      monthShort: (m) => short[index(m)] ?? m,
      year: (m) => m.slice(0, 4),
      region: (code) => fmt.region(code),
    };
  }, [t, fmt]);
}

/** `YYYY-MM` of a date, in the reader's calendar */
export const monthOf = (d: Date): Month => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;

/** the month `n` months after (or before, when negative) `m` */
export function addMonths(m: Month, n: number): Month {
  const total = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}
