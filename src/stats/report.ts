import type { Db } from '../platform/db/index.js';
import { badRequest } from '../platform/errors.js';

export interface StatsQuery {
  state?: string;
  /** months, `YYYY-MM`; by default the twelve months up to this one */
  from?: string;
  to?: string;
}

export interface Figures {
  provided: number;
  approved: number;
  rejected: number;
  onTime: number;
  /** 0..1, null when nothing was decided */
  onTimeShare: number | null;
  /** mean calendar days from submission to decision, one decimal; null when nothing was decided */
  averageDays: number | null;
}

/** One row of the open data: a month, state, agency and service. */
export interface StatsRow {
  month: string;
  state: string;
  agency: string;
  service: string;
  approved: number;
  rejected: number;
  onTime: number;
  decisionSeconds: number;
}

/** a month, `YYYY-MM` (the route's schema checks the format) */
export const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';
const MAX_MONTHS = 120;

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/** The period asked for: by default the twelve months up to this one; in order; at most ten years. */
export function period(query: StatsQuery, now: Date): { from: string; to: string; months: string[] } {
  const current = monthIndex(now.toISOString().slice(0, 7));
  const to = query.to ? monthIndex(query.to) : query.from ? Math.max(monthIndex(query.from), current) : current;
  const from = query.from ? monthIndex(query.from) : to - 11;
  if (from > to || to - from >= MAX_MONTHS) throw badRequest('errors.stats_period', { max: MAX_MONTHS });
  const months = Array.from({ length: to - from + 1 }, (_, i) => monthOf(from + i));
  return { from: monthOf(from), to: monthOf(to), months };
}

/** The rows of the period (and state), from the table the decisions keep. */
export async function statsRows(db: Db, query: StatsQuery, now: Date): Promise<{ from: string; to: string; months: string[]; rows: StatsRow[] }> {
  const p = period(query, now);
  let q = db
    .selectFrom('stats_decisions')
    .select(['month', 'state', 'agency_code', 'service_code', 'approved', 'rejected', 'on_time', 'decision_seconds'])
    .where('month', '>=', `${p.from}-01`)
    .where('month', '<=', `${p.to}-01`);
  if (query.state) q = q.where('state', '=', query.state);
  const rows = await q.orderBy('month').orderBy('state').orderBy('agency_code').orderBy('service_code').execute();
  return {
    ...p,
    rows: rows.map((r) => ({
      month: String(r.month).slice(0, 7),
      state: r.state,
      agency: r.agency_code,
      service: r.service_code,
      approved: Number(r.approved),
      rejected: Number(r.rejected),
      onTime: Number(r.on_time),
      decisionSeconds: Number(r.decision_seconds),
    })),
  };
}

export function figures(rows: StatsRow[]): Figures {
  let approved = 0;
  let rejected = 0;
  let onTime = 0;
  let seconds = 0;
  for (const r of rows) {
    approved += r.approved;
    rejected += r.rejected;
    onTime += r.onTime;
    seconds += r.decisionSeconds;
  }
  const provided = approved + rejected;
  return {
    provided,
    approved,
    rejected,
    onTime,
    onTimeShare: provided ? onTime / provided : null,
    averageDays: provided ? Math.round((seconds / provided / 86_400) * 10) / 10 : null,
  };
}

/** Rows grouped by a key, each group's figures, in the order of `order` (or by most provided first). */
export function groupFigures<K extends string>(rows: StatsRow[], keyOf: (r: StatsRow) => K, order?: K[]): { key: K; rows: StatsRow[]; figures: Figures }[] {
  const groups = new Map<K, StatsRow[]>();
  for (const k of order ?? []) groups.set(k, []);
  for (const r of rows) {
    const k = keyOf(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const out = [...groups].map(([key, rs]) => ({ key, rows: rs, figures: figures(rs) }));
  return order ? out : out.sort((a, b) => b.figures.provided - a.figures.provided || (a.key < b.key ? -1 : 1));
}

const CSV_COLUMNS = ['month', 'state', 'agency', 'service', 'provided', 'approved', 'rejected', 'decided_on_time', 'average_days_to_decision'] as const;

/** The open data's rows with their published column names. */
export function openDataRecords(rows: StatsRow[]): Record<(typeof CSV_COLUMNS)[number], string | number | null>[] {
  return rows.map((r) => {
    const f = figures([r]);
    return {
      month: r.month,
      state: r.state,
      agency: r.agency,
      service: r.service,
      provided: f.provided,
      approved: f.approved,
      rejected: f.rejected,
      decided_on_time: f.onTime,
      average_days_to_decision: f.averageDays,
    };
  });
}

/** RFC 4180 CSV with a header row (CRLF line ends; fields quoted when they need it). */
export function toCsv(records: Record<string, string | number | null>[]): string {
  const cell = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [CSV_COLUMNS.join(','), ...records.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
