// Business days in the shop's time zone: weekends (shop setting) and holidays
// (the shop's own list plus a preset such as Japanese public holidays) are not
// counted. Dates are calendar dates "YYYY-MM-DD" in the shop's zone.
import { japaneseHolidays } from "./japanese-holidays.ts";

export interface BusinessCalendar {
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekendDays: ReadonlySet<number>;
  /** The shop's own holidays. */
  holidays: ReadonlySet<string>;
  preset: "jp" | null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      formatter = new Intl.DateTimeFormat("en-CA", {
        timeZone: "UTC",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const QUARTER_HOUR = 15 * 60 * 1000;
const localDates = new Map<string, string>();

/**
 * The calendar date of `instant` in `timeZone`. Every zone's offset is a whole
 * number of quarter hours, so the answer is cached per quarter hour: a scan of
 * a million orders formats only a few thousand dates.
 */
export function localDate(instant: Date, timeZone: string): string {
  const key = `${timeZone}|${Math.floor(instant.getTime() / QUARTER_HOUR)}`;
  let date = localDates.get(key);
  if (date === undefined) {
    date = formatterOf(timeZone).format(instant);
    if (localDates.size > 200_000) localDates.clear();
    localDates.set(key, date);
  }
  return date;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function dayOfWeek(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const presetDays = new Map<number, Set<string>>();
function isPresetHoliday(date: string, preset: BusinessCalendar["preset"]): boolean {
  if (preset !== "jp") return false;
  const year = Number(date.slice(0, 4));
  let days = presetDays.get(year);
  if (!days) {
    days = new Set(japaneseHolidays(year).map((holiday) => holiday.date));
    presetDays.set(year, days);
  }
  return days.has(date);
}

export function isBusinessDay(date: string, calendar: BusinessCalendar): boolean {
  return (
    !calendar.weekendDays.has(dayOfWeek(date)) &&
    !calendar.holidays.has(date) &&
    !isPresetHoliday(date, calendar.preset)
  );
}

/** The `days`-th business day after `date` (the day itself is not counted). */
export function addBusinessDays(date: string, days: number, calendar: BusinessCalendar): string {
  let current = date;
  let counted = 0;
  // A calendar with every day off would loop forever: give up after a year.
  for (let guard = 0; counted < days && guard < 366; guard++) {
    current = addDays(current, 1);
    if (isBusinessDay(current, calendar)) counted++;
  }
  return current;
}

/** Business days strictly after `from` up to and including `to`. */
export function businessDaysBetween(from: string, to: string, calendar: BusinessCalendar): number {
  let count = 0;
  for (let current = addDays(from, 1), guard = 0; current <= to && guard < 3660; current = addDays(current, 1), guard++)
    if (isBusinessDay(current, calendar)) count++;
  return count;
}
