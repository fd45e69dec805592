// The public statistics of the node's services (GET /api/v1/stats) and the same figures as open data
// (GET /api/v1/stats/open-data.csv and .json): anyone may read them, signed in or not.
import { api } from '../../api';

export const STATES = ['KZ', 'AZ', 'KG', 'TR', 'UZ'] as const;
export type StateCode = (typeof STATES)[number];
export const isState = (value: unknown): value is StateCode => typeof value === 'string' && (STATES as readonly string[]).includes(value);

/** a month, `YYYY-MM` */
export type Month = string;
export const isMonth = (value: unknown): value is Month => typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);

/** The figures of a group of decided applications. */
export interface Figures {
  /** applications decided in the period: approved + rejected */
  provided: number;
  approved: number;
  rejected: number;
  /** decided by the legal deadline */
  onTime: number;
  /** onTime / provided (0..1); null when nothing was decided */
  onTimeShare: number | null;
  /** mean calendar days from submission to decision; null when nothing was decided */
  averageDays: number | null;
}

export interface MonthFigures extends Figures {
  month: Month;
}
export interface StateFigures extends Figures {
  state: string;
}
export interface AgencyFigures extends Figures {
  agency: string;
  state: string;
  /** in the requested language */
  name: string;
}
export interface ServiceFigures extends Figures {
  service: string;
  state: string;
  agency: string;
  /** in the requested language */
  title: string;
}

export interface Stats {
  generatedAt: string;
  from: Month;
  to: Month;
  state: string | null;
  totals: Figures;
  /** every month of the range, zeros included */
  byMonth: MonthFigures[];
  byState: StateFigures[];
  byAgency: AgencyFigures[];
  byService: ServiceFigures[];
}

export interface StatsQuery {
  state?: StateCode;
  from?: Month;
  to?: Month;
}

const params = (q: StatsQuery) => ({ state: q.state, from: q.from, to: q.to });

export function fetchStats(q: StatsQuery, signal?: AbortSignal): Promise<Stats> {
  return api<Stats>('/api/v1/stats', { lang: true, query: params(q), signal });
}

/** The open data for the same filters: `csv` or `json`, one row per month × state × agency × service (codes, no texts). */
export function openDataUrl(format: 'csv' | 'json', q: StatsQuery): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params(q))) if (v) search.set(k, v);
  return `/api/v1/stats/open-data.${format}?${search.toString()}`;
}

/** The columns of the open data, in order. */
export const OPEN_DATA_COLUMNS = ['month', 'state', 'agency', 'service', 'provided', 'approved', 'rejected', 'decided_on_time', 'average_days_to_decision'] as const;
