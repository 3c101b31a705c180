// Time for the sandbox store: the seed places records relative to "now" and
// tests pin or advance it. Shopify keeps timestamps at whole seconds.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ManualClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

/** A clock that moves only when told to. */
export function manualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => void (current = at.getTime()),
    advance: (ms) => void (current += ms),
  };
}

export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export function hoursBefore(date: Date, hours: number): Date {
  return new Date(date.getTime() - hours * HOUR);
}

export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * DAY);
}

export function daysAfter(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY);
}

/** The weekday (0 = Sunday) of `date` in `timeZone`. */
function weekdayIn(date: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short" }).format(date);
  return ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(name);
}

/** `days` working days (Monday to Friday in `timeZone`) before `date`, at the same time of day. */
export function businessDaysBefore(date: Date, days: number, timeZone: string): Date {
  let at = date;
  let left = days;
  while (left > 0) {
    at = daysBefore(at, 1);
    const weekday = weekdayIn(at, timeZone);
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return at;
}
