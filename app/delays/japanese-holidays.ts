// Japanese public holidays (国民の祝日) for any year from 1980 to 2099, computed
// rather than listed: fixed dates, "Happy Monday" holidays, the equinoxes (by
// the usual astronomical approximation), 振替休日 (a holiday on a Sunday moves
// to the next weekday that is not a holiday) and 国民の休日 (a weekday between
// two holidays). Pure, no time zone: dates are calendar dates "YYYY-MM-DD".

export interface Holiday {
  date: string;
  name: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const iso = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`;
const weekday = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day)).getUTCDay();

/** The nth Monday of a month (n from 1). */
function nthMonday(year: number, month: number, n: number): number {
  const first = weekday(year, month, 1);
  return 1 + ((8 - first) % 7) + (n - 1) * 7;
}

/** 春分日 / 秋分日 (valid 1980–2099). */
export function vernalEquinoxDay(year: number): number {
  return Math.floor(20.8431 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4));
}
export function autumnalEquinoxDay(year: number): number {
  return Math.floor(23.2488 + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4));
}

function baseHolidays(year: number): Holiday[] {
  const list: Holiday[] = [];
  const add = (month: number, day: number, name: string) => list.push({ date: iso(year, month, day), name });
  add(1, 1, "元日");
  if (year >= 2000) add(1, nthMonday(year, 1, 2), "成人の日");
  else add(1, 15, "成人の日");
  add(2, 11, "建国記念の日");
  if (year >= 2020) add(2, 23, "天皇誕生日");
  add(3, vernalEquinoxDay(year), "春分の日");
  add(4, 29, year >= 2007 ? "昭和の日" : "みどりの日");
  add(5, 3, "憲法記念日");
  if (year >= 2007) add(5, 4, "みどりの日");
  add(5, 5, "こどもの日");
  // The Tokyo Olympics moved 海の日, スポーツの日 and 山の日 in 2020 and 2021.
  if (year === 2020) {
    add(7, 23, "海の日");
    add(7, 24, "スポーツの日");
    add(8, 10, "山の日");
  } else if (year === 2021) {
    add(7, 22, "海の日");
    add(7, 23, "スポーツの日");
    add(8, 8, "山の日");
  } else {
    if (year >= 2003) add(7, nthMonday(year, 7, 3), "海の日");
    else if (year >= 1996) add(7, 20, "海の日");
    if (year >= 2016) add(8, 11, "山の日");
    if (year >= 2000) add(10, nthMonday(year, 10, 2), year >= 2020 ? "スポーツの日" : "体育の日");
    else add(10, 10, "体育の日");
  }
  if (year >= 2003) add(9, nthMonday(year, 9, 3), "敬老の日");
  else add(9, 15, "敬老の日");
  add(9, autumnalEquinoxDay(year), "秋分の日");
  add(11, 3, "文化の日");
  add(11, 23, "勤労感謝の日");
  if (year >= 1989 && year <= 2018) add(12, 23, "天皇誕生日");
  return list;
}

const cache = new Map<number, Holiday[]>();

/** All public holidays of `year`, in date order. */
export function japaneseHolidays(year: number): Holiday[] {
  const cached = cache.get(year);
  if (cached) return cached;
  const byDate = new Map(baseHolidays(year).map((holiday) => [holiday.date, holiday.name]));
  const dayAfter = (date: string, days = 1) => {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + days));
    return iso(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
  };
  // 国民の休日: a day that is not a holiday, between two holidays (never a Sunday).
  for (const date of [...byDate.keys()]) {
    const middle = dayAfter(date);
    const [y, m, d] = middle.split("-").map(Number) as [number, number, number];
    if (!byDate.has(middle) && byDate.has(dayAfter(date, 2)) && weekday(y, m, d) !== 0 && y === year)
      byDate.set(middle, "国民の休日");
  }
  // 振替休日: a holiday on a Sunday gives the next non-holiday day off.
  for (const date of [...byDate.keys()].sort()) {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    if (weekday(y, m, d) !== 0) continue;
    let next = dayAfter(date);
    while (byDate.has(next)) next = dayAfter(next);
    if (next.startsWith(`${year}-`)) byDate.set(next, "振替休日");
  }
  const list = [...byDate].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date));
  cache.set(year, list);
  return list;
}

/** Is `date` ("YYYY-MM-DD") a Japanese public holiday? */
export function isJapaneseHoliday(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return japaneseHolidays(year).some((holiday) => holiday.date === date);
}
