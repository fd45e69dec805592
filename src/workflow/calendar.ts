import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface CalendarFile {
  state: string;
  timezone: string;
  weekend: string[];
  nonWorkingDays: { date: string }[];
  workingDays?: { date: string }[];
}

/**
 * A state's working-day calendar: weekends, public holidays with their carry-overs, and the weekend days a decree
 * made working. Data lives in calendars/<STATE>.yaml so an operator can correct it when a decree moves a day.
 */
export class WorkingCalendar {
  private readonly off: Set<string>;
  private readonly on: Set<string>;
  private readonly weekend: Set<number>;
  /** first and last year the file covers; outside them only weekends count */
  readonly years: [number, number];

  constructor(readonly state: string, readonly timezone: string, file: CalendarFile) {
    this.off = new Set(file.nonWorkingDays.map((d) => d.date));
    this.on = new Set((file.workingDays ?? []).map((d) => d.date));
    this.weekend = new Set(file.weekend.map((d) => WEEKDAYS.indexOf(d)));
    const years = file.nonWorkingDays.map((d) => Number(d.date.slice(0, 4)));
    this.years = [Math.min(...years), Math.max(...years)];
  }

  isWorkingDay(date: string): boolean {
    if (this.on.has(date)) return true;
    if (this.off.has(date)) return false;
    return !this.weekend.has(new Date(`${date}T00:00:00Z`).getUTCDay());
  }

  // The local day last asked about and the instants it spans: most calls fall on today, and formatting a date in a
  // time zone (Intl) was a twentieth of a submission's CPU.
  private today = { date: '', from: 0, to: 0 };
  private readonly deadlines = new Map<string, string>();
  // every new application's deadline timers ask for the start of its last day and of the day after
  private readonly midnights = new Map<string, number>();

  /** The calendar date in the state's time zone at an instant. */
  localDate(at: Date): string {
    const t = at.getTime();
    if (t >= this.today.from && t < this.today.to) return this.today.date;
    const date = formatter(this.timezone, 'date').format(at);
    this.today = { date, from: this.startOfDay(date).getTime(), to: this.startOfDay(addDays(date, 1)).getTime() };
    return date;
  }

  /** The instant a local calendar day begins in the state's time zone (midnight there). */
  startOfDay(date: string): Date {
    return new Date(remembered(this.midnights, date, () => this.findStartOfDay(date).getTime()));
  }

  private findStartOfDay(date: string): Date {
    const guess = new Date(`${date}T00:00:00Z`);
    // The zone's offset at that moment, read back through Intl; a second pass settles days when the offset changes.
    let instant = guess;
    for (let i = 0; i < 2; i++) {
      const offsetMs = zoneOffsetMs(instant, this.timezone);
      instant = new Date(guess.getTime() - offsetMs);
    }
    return instant;
  }

  /** Working days left from the day after `at` (local) up to and including `deadline`. */
  workingDaysLeft(at: Date, deadline: string): number {
    let date = this.localDate(at);
    let left = 0;
    while (date < deadline) {
      date = addDays(date, 1);
      if (this.isWorkingDay(date)) left += 1;
    }
    return left;
  }

  /**
   * The last day of a legal term that starts at `at`. The day of submission is not counted. Working days count
   * only working days; a calendar-day term that ends on a day off ends on the next working day instead.
   */
  deadline(at: Date, days: number, type: 'working' | 'calendar'): string {
    const start = this.localDate(at);
    return remembered(this.deadlines, `${start} ${days} ${type}`, () => this.countDeadline(start, days, type));
  }

  private countDeadline(start: string, days: number, type: 'working' | 'calendar'): string {
    let date = start;
    if (type === 'calendar') {
      date = addDays(date, days);
      while (!this.isWorkingDay(date)) date = addDays(date, 1);
      return date;
    }
    let left = days;
    while (left > 0) {
      date = addDays(date, 1);
      if (this.isWorkingDay(date)) left -= 1;
    }
    return date;
  }
}

/** A value computed once per key (at most 10,000 keys are kept, then all are computed again). */
function remembered<V>(map: Map<string, V>, key: string, compute: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = compute();
    if (map.size >= 10_000) map.clear();
    map.set(key, value);
  }
  return value;
}

// Building an Intl.DateTimeFormat costs far more than using one (it was a tenth of a submission's CPU): one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, kind: 'date' | 'parts'): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = kind === 'date'
      ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      : new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(key, f);
  }
  return f;
}

function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone, 'parts').formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function loadCalendars(folder: string, states: string[]): Map<string, WorkingCalendar> {
  const calendars = new Map<string, WorkingCalendar>();
  for (const state of states) {
    const file = join(folder, `${state}.yaml`);
    if (!existsSync(file)) throw new Error(`${file}: no working-day calendar for ${state}`);
    const data = parse(readFileSync(file, 'utf8')) as CalendarFile;
    if (data.state !== state || !data.timezone || !Array.isArray(data.nonWorkingDays) || !Array.isArray(data.weekend)) {
      throw new Error(`${file}: needs state ${state}, timezone, weekend and nonWorkingDays`);
    }
    calendars.set(state, new WorkingCalendar(state, data.timezone, data));
  }
  return calendars;
}
