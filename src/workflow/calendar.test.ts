import { describe, expect, it } from 'vitest';
import { paths } from '../platform/paths.js';
import { addDays, loadCalendars } from './calendar.js';

const calendars = loadCalendars(paths.calendars, ['KZ', 'AZ', 'KG', 'TR', 'UZ']);
const kz = calendars.get('KZ')!;

describe('working-day calendars', () => {
  it('covers 2025 to 2027 for every state', () => {
    for (const c of calendars.values()) expect(c.years).toEqual([2025, 2027]);
  });

  it('knows weekends, holidays, carry-overs and weekend days made working', () => {
    expect(kz.isWorkingDay('2026-03-20')).toBe(true); // Friday before Nauryz
    expect(kz.isWorkingDay('2026-03-21')).toBe(false); // Saturday, Nauryz
    expect(kz.isWorkingDay('2026-03-23')).toBe(false); // Monday, Nauryz
    expect(kz.isWorkingDay('2026-03-25')).toBe(false); // Nauryz carried over from the weekend
    expect(kz.isWorkingDay('2026-03-26')).toBe(true);
    expect(kz.isWorkingDay('2025-01-05')).toBe(true); // Sunday made a working day in exchange for 3 January
    expect(kz.isWorkingDay('2025-01-03')).toBe(false);
    expect(calendars.get('AZ')!.isWorkingDay('2026-03-24')).toBe(false); // Novruz
    expect(calendars.get('TR')!.isWorkingDay('2026-10-29')).toBe(false); // Republic Day
  });

  it('knows the local date on either side of local midnight, asked in any order', () => {
    // Almaty is UTC+5 (2026): its 21 March begins at 19:00 UTC on the 20th
    const asked = ['2026-03-20T18:59:59.999Z', '2026-03-20T19:00:00.000Z', '2026-03-20T12:00:00Z', '2026-03-21T18:59:59.999Z', '2026-03-21T19:00:00Z', '2026-03-20T19:00:00.000Z'];
    expect(asked.map((at) => kz.localDate(new Date(at)))).toEqual(['2026-03-20', '2026-03-21', '2026-03-20', '2026-03-21', '2026-03-22', '2026-03-21']);
    expect(asked.map((at) => kz.deadline(new Date(at), 1, 'working'))).toEqual(['2026-03-26', '2026-03-26', '2026-03-26', '2026-03-26', '2026-03-26', '2026-03-26']);
    expect(kz.deadline(new Date('2026-03-26T05:00:00Z'), 1, 'working')).toBe('2026-03-27');
    // the start of a local day, asked again after a caller changed the Date it was given
    kz.startOfDay('2026-03-21').setUTCFullYear(1999);
    expect(kz.startOfDay('2026-03-21').toISOString()).toBe('2026-03-20T19:00:00.000Z');
    expect(calendars.get('TR')!.startOfDay('2026-10-29').toISOString()).toBe('2026-10-28T21:00:00.000Z');
  });

  it('does not count the day of submission and skips days off for working-day terms', () => {
    // Friday 20 March 2026, 10:00 in Almaty; then five days off (21–25 March)
    expect(kz.deadline(new Date('2026-03-20T05:00:00Z'), 5, 'working')).toBe('2026-04-01');
    expect(kz.deadline(new Date('2026-03-20T05:00:00Z'), 1, 'working')).toBe('2026-03-26');
    expect(kz.deadline(new Date('2026-03-20T05:00:00Z'), 0, 'working')).toBe('2026-03-20');
  });

  it('counts from the local date of the state, not UTC', () => {
    // 20:30 UTC on Thursday 19 March is already Friday 20 March in Almaty (UTC+5)
    expect(kz.localDate(new Date('2026-03-19T20:30:00Z'))).toBe('2026-03-20');
    expect(kz.deadline(new Date('2026-03-19T20:30:00Z'), 1, 'working')).toBe('2026-03-26');
    expect(kz.deadline(new Date('2026-03-19T18:30:00Z'), 1, 'working')).toBe('2026-03-20');
  });

  it('moves a calendar-day term that ends on a day off to the next working day', () => {
    // 30 calendar days from 19 February 2026 is Saturday 21 March, Nauryz: the term ends on Thursday 26 March
    expect(kz.deadline(new Date('2026-02-19T05:00:00Z'), 30, 'calendar')).toBe('2026-03-26');
    expect(kz.deadline(new Date('2026-02-02T05:00:00Z'), 10, 'calendar')).toBe('2026-02-12');
  });

  it('knows when a local day begins and how many working days are left', () => {
    expect(kz.startOfDay('2026-03-26').toISOString()).toBe('2026-03-25T19:00:00.000Z'); // Almaty is UTC+5
    expect(calendars.get('TR')!.startOfDay('2026-10-30').toISOString()).toBe('2026-10-29T21:00:00.000Z');
    expect(kz.workingDaysLeft(new Date('2026-03-20T05:00:00Z'), '2026-04-01')).toBe(5);
    expect(kz.workingDaysLeft(new Date('2026-04-01T05:00:00Z'), '2026-04-01')).toBe(0);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});
