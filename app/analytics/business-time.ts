// Minutes between two instants counted only in the shop's business hours:
// business days (weekends and holidays of app/delays/calendar.ts) between the
// opening and closing time, in the shop's time zone. Client-safe.
import { addDays, isBusinessDay, localDate, type BusinessCalendar } from "../delays/calendar.ts";
import { zonedTimeToUtc } from "../notices/shop-time.ts";

export interface BusinessHours extends BusinessCalendar {
  /** "HH:MM" shop time. */
  start: string;
  end: string;
}

function hm(text: string): { hour: number; minute: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return { hour: 0, minute: 0 };
  return { hour: Math.min(24, Number(match[1])), minute: Math.min(59, Number(match[2])) };
}

/** The instant the shop's clock shows `time` on `date`. */
function at(date: string, time: { hour: number; minute: number }, timeZone: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  if (time.hour === 24) return zonedTimeToUtc({ year, month, day: day + 1, hour: 0, minute: 0 }, timeZone).getTime();
  return zonedTimeToUtc({ year, month, day, hour: time.hour, minute: time.minute }, timeZone).getTime();
}

export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours): number {
  if (to <= from) return 0;
  const open = hm(hours.start);
  const close = hm(hours.end);
  let total = 0;
  const last = localDate(to, hours.timeZone);
  // Bounded: a reply years later still ends (about 3,700 days at most).
  for (
    let date = localDate(from, hours.timeZone), guard = 0;
    date <= last && guard < 3700;
    date = addDays(date, 1), guard++
  ) {
    if (!isBusinessDay(date, hours)) continue;
    const dayOpen = at(date, open, hours.timeZone);
    const dayClose = at(date, close, hours.timeZone);
    const lo = Math.max(dayOpen, from.getTime());
    const hi = Math.min(dayClose, to.getTime());
    if (hi > lo) total += hi - lo;
  }
  return total / 60_000;
}
