// Wall-clock arithmetic in the shop's time zone with Intl only (no Node-only
// APIs): the end of quiet hours, the start of the shop's day.

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Zones already checked (a formatter per check costs ~0.2 ms; pages ask on every request). */
const checkedZones = new Map<string, string>();

export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  const known = checkedZones.get(timeZone);
  if (known) return known;
  let safe = "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    safe = timeZone;
  } catch {
    // not a zone Intl knows
  }
  if (checkedZones.size < 1_000) checkedZones.set(timeZone, safe);
  return safe;
}

/** One formatter per time zone: building one costs ~0.2 ms, more than formatting (a batch of notices asks per notice). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    if (formatters.size >= 500) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localParts(date: Date, timeZone: string): LocalParts {
  const parts = formatterFor(timeZone).formatToParts(date);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour") % 24, minute: get("minute") };
}

/** The instant at which the shop's clock shows this local date and time. */
export function zonedTimeToUtc(local: LocalParts, timeZone: string): Date {
  const wanted = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  let guess = wanted;
  for (let i = 0; i < 3; i += 1) {
    const seen = localParts(new Date(guess), timeZone);
    const shown = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    if (shown === wanted) break;
    guess += wanted - shown;
  }
  return new Date(guess);
}

function minutesOf(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** When quiet hours end, if `now` falls inside them (start inclusive, end exclusive; may wrap midnight); else null. */
export function quietHoursEnd(now: Date, quietStart: string, quietEnd: string, timeZone: string): Date | null {
  const start = minutesOf(quietStart);
  const end = minutesOf(quietEnd);
  if (start === end) return null;
  const local = localParts(now, timeZone);
  const current = local.hour * 60 + local.minute;
  const inside = start < end ? current >= start && current < end : current >= start || current < end;
  if (!inside) return null;
  // The end is today (local) when we are before it, else tomorrow.
  const dayOffset = current < end ? 0 : 1;
  const base = new Date(Date.UTC(local.year, local.month - 1, local.day + dayOffset));
  return zonedTimeToUtc(
    {
      year: base.getUTCFullYear(),
      month: base.getUTCMonth() + 1,
      day: base.getUTCDate(),
      hour: Math.floor(end / 60),
      minute: end % 60,
    },
    timeZone,
  );
}

export function startOfShopDay(now: Date, timeZone: string): Date {
  const local = localParts(now, timeZone);
  return zonedTimeToUtc({ ...local, hour: 0, minute: 0 }, timeZone);
}
