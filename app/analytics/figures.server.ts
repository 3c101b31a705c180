// The Analytics page's figures for a period of shop-local days beside the
// period just before it, read from the rollups only (ADR 0016) — plus the
// few survey comments to read, which stay with the customer's own row.
import type { Db } from "../db.server.ts";
import { addDays, localDate } from "../delays/calendar.ts";
import { sumDecimals } from "../money/decimal.ts";
import { percentileOf } from "./buckets.ts";
import { analyticsContext, CONTACT_WINDOW_DAYS, dayStart } from "./rollups.server.ts";
import { estimatePrevented, type PreventedEstimate } from "./prevented.ts";

export interface Period {
  from: string;
  to: string;
}

/** One row of a table: a dimension's value now and in the previous period. */
export interface CompareRow {
  key: string;
  current: number;
  previous: number;
}

export interface DurationFigure {
  count: number;
  /** Minutes (a bucket's upper edge: "within"); null = no data; Infinity = over 30 days. */
  median: number | null;
  p90: number | null;
}

export interface MoneyRow {
  key: string;
  currency: string;
  current: string;
  previous: string;
}

export interface ProductReturnRow {
  productId: string;
  title: string | null;
  sold: number;
  returned: number;
  /** returned / sold, 0…1; null when nothing was sold in the period. */
  rate: number | null;
}

export interface AnalyticsFigures {
  period: Period;
  previous: Period;
  timeZone: string;
  contactsByChannel: CompareRow[];
  contactsByTopic: CompareRow[];
  /** [weekday 0=Sunday][hour] in shop time. */
  heatmap: { messages: number[][]; orders: number[][] };
  busiest: {
    messages: { weekday: number; hour: number; count: number } | null;
    orders: { weekday: number; hour: number; count: number } | null;
  };
  responseTimes: {
    key: "first_response_calendar" | "first_response_business" | "resolution_calendar" | "resolution_business";
    current: DurationFigure;
    previous: DurationFigure;
  }[];
  unanswered: { current: number; previous: number };
  exchanges: {
    current: { resolved: number; exchanges: number; withinTarget: number };
    previous: { resolved: number; exchanges: number; withinTarget: number };
  };
  satisfaction: {
    current: { answers: number; satisfied: number; sent: number; byRating: number[] };
    previous: { answers: number; satisfied: number; sent: number; byRating: number[] };
    comments: { rating: number | null; comment: string; answeredAt: string }[];
  };
  noticesSent: CompareRow[];
  noticesFailed: CompareRow[];
  unsubscribes: CompareRow[];
  delayReasons: CompareRow[];
  delayCarriers: CompareRow[];
  delayRegions: CompareRow[];
  restock: { signups: CompareRow; alerts: CompareRow; sales: CompareRow; revenue: MoneyRow[] };
  orders: { current: number; previous: number };
  returns: {
    count: { current: number; previous: number };
    reasons: CompareRow[];
    resolutions: CompareRow[];
    products: ProductReturnRow[];
    refunded: MoneyRow[];
  };
  prevented: PreventedEstimate;
}

export const MAX_PERIOD_DAYS = 366;

/** The period before: as many days, ending the day before `period.from`. */
export function previousPeriod(period: Period): Period {
  const length = daysBetween(period.from, period.to) + 1;
  return { from: addDays(period.from, -length), to: addDays(period.from, -1) };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The last `days` days up to today in the shop's time zone. */
export async function lastDays(db: Db, shop: string, days: number, now = new Date()): Promise<Period> {
  const { timeZone } = await analyticsContext(db, shop);
  const to = localDate(now, timeZone);
  return { from: addDays(to, -(Math.max(1, Math.min(MAX_PERIOD_DAYS, days)) - 1)), to };
}

type DailySums = Map<string, { count: number; sum: number; amounts: Map<string, string[]> }>;

async function dailySums(db: Db, shop: string, period: Period): Promise<Map<string, DailySums>> {
  const rows = await db.analyticsDaily.groupBy({
    by: ["metric", "dimension", "currency"],
    where: { shop, day: { gte: period.from, lte: period.to } },
    _sum: { count: true, sum: true },
  });
  const byMetric = new Map<string, DailySums>();
  for (const row of rows) {
    let metric = byMetric.get(row.metric);
    if (!metric) byMetric.set(row.metric, (metric = new Map()));
    let cell = metric.get(row.dimension);
    if (!cell) metric.set(row.dimension, (cell = { count: 0, sum: 0, amounts: new Map() }));
    cell.count += row._sum.count ?? 0;
    cell.sum += row._sum.sum ?? 0;
  }
  // Money is summed as decimal strings, never in the database's floating point.
  const money = await db.analyticsDaily.findMany({
    where: { shop, day: { gte: period.from, lte: period.to }, metric: { in: ["restock_sales", "refunded"] } },
    select: { metric: true, dimension: true, currency: true, amount: true },
  });
  for (const row of money) {
    const cell = byMetric.get(row.metric)?.get(row.dimension);
    if (!cell) continue;
    const list = cell.amounts.get(row.currency) ?? [];
    list.push(row.amount);
    cell.amounts.set(row.currency, list);
  }
  return byMetric;
}

const total = (sums: Map<string, DailySums>, metric: string, field: "count" | "sum" = "count") =>
  [...(sums.get(metric)?.values() ?? [])].reduce((acc, cell) => acc + cell[field], 0);

function compare(current: Map<string, DailySums>, previous: Map<string, DailySums>, metric: string): CompareRow[] {
  const keys = new Set([...(current.get(metric)?.keys() ?? []), ...(previous.get(metric)?.keys() ?? [])]);
  return [...keys]
    .map((key) => ({
      key,
      current: current.get(metric)?.get(key)?.count ?? 0,
      previous: previous.get(metric)?.get(key)?.count ?? 0,
    }))
    .sort((a, b) => b.current - a.current || b.previous - a.previous || a.key.localeCompare(b.key));
}

function moneyRows(current: Map<string, DailySums>, previous: Map<string, DailySums>, metric: string): MoneyRow[] {
  const rows = new Map<string, MoneyRow>();
  for (const [which, sums] of [
    ["current", current],
    ["previous", previous],
  ] as const) {
    for (const [key, cell] of sums.get(metric) ?? []) {
      for (const [currency, amounts] of cell.amounts) {
        const id = `${key}\u0000${currency}`;
        const row = rows.get(id) ?? { key, currency, current: "0", previous: "0" };
        row[which] = sumDecimals(amounts);
        rows.set(id, row);
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

async function durations(db: Db, shop: string, period: Period) {
  const rows = await db.analyticsDuration.groupBy({
    by: ["metric", "bucket"],
    where: { shop, day: { gte: period.from, lte: period.to } },
    _sum: { count: true },
  });
  const byMetric = new Map<string, Map<number, number>>();
  for (const row of rows) {
    let metric = byMetric.get(row.metric);
    if (!metric) byMetric.set(row.metric, (metric = new Map()));
    metric.set(row.bucket, (metric.get(row.bucket) ?? 0) + (row._sum.count ?? 0));
  }
  return byMetric;
}

function durationFigure(counts: Map<number, number> | undefined): DurationFigure {
  const histogram = counts ?? new Map<number, number>();
  return {
    count: [...histogram.values()].reduce((a, b) => a + b, 0),
    median: percentileOf(histogram, 0.5),
    p90: percentileOf(histogram, 0.9),
  };
}

async function heatmap(db: Db, shop: string, period: Period) {
  const rows = await db.analyticsHourly.groupBy({
    by: ["kind", "weekday", "hour"],
    where: { shop, day: { gte: period.from, lte: period.to } },
    _sum: { count: true },
  });
  const grid = () => Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  const maps = { messages: grid(), orders: grid() };
  for (const row of rows) {
    const target = row.kind === "orders" ? maps.orders : row.kind === "messages" ? maps.messages : null;
    if (target && row.weekday >= 0 && row.weekday < 7 && row.hour >= 0 && row.hour < 24)
      target[row.weekday]![row.hour]! += row._sum.count ?? 0;
  }
  return maps;
}

function busiestOf(grid: number[][]) {
  let best: { weekday: number; hour: number; count: number } | null = null;
  grid.forEach((hours, weekday) =>
    hours.forEach((count, hour) => {
      if (count > 0 && (!best || count > best.count)) best = { weekday, hour, count };
    }),
  );
  return best;
}

function satisfactionOf(sums: Map<string, DailySums>) {
  const byRating = [1, 2, 3, 4, 5].map((rating) => sums.get("survey_rating")?.get(String(rating))?.count ?? 0);
  return {
    answers: byRating.reduce((a, b) => a + b, 0),
    satisfied: byRating[3]! + byRating[4]!,
    sent: total(sums, "surveys_sent"),
    byRating,
  };
}

function exchangesOf(sums: Map<string, DailySums>) {
  return {
    resolved: total(sums, "resolved"),
    exchanges: total(sums, "resolved", "sum"),
    withinTarget: total(sums, "resolved_within_target"),
  };
}

function single(current: Map<string, DailySums>, previous: Map<string, DailySums>, metric: string): CompareRow {
  return { key: metric, current: total(current, metric), previous: total(previous, metric) };
}

export async function analyticsFigures(
  db: Db,
  shop: string,
  period: Period,
  now = new Date(),
): Promise<AnalyticsFigures> {
  const previous = previousPeriod(period);
  const ctx = await analyticsContext(db, shop);
  const [current, before, durationsNow, durationsBefore, hours, comments] = await Promise.all([
    dailySums(db, shop, period),
    dailySums(db, shop, previous),
    durations(db, shop, period),
    durations(db, shop, previous),
    heatmap(db, shop, period),
    db.satisfactionSurvey.findMany({
      where: {
        shop,
        comment: { not: null },
        answeredAt: { gte: dayStart(period.from, ctx.timeZone), lt: dayStart(addDays(period.to, 1), ctx.timeZone) },
      },
      orderBy: { answeredAt: "desc" },
      take: 20,
      select: { rating: true, comment: true, answeredAt: true },
    }),
  ]);

  // Products: returned units against units sold in the same period (by order day and request day).
  const sold = current.get("units_sold") ?? new Map();
  const returned = current.get("units_returned") ?? new Map();
  const productIds = [...new Set([...returned.keys()])].filter((id) => id);
  const titles = productIds.length
    ? await db.product.findMany({
        where: { shop, id: { in: productIds.slice(0, 500) } },
        select: { id: true, title: true },
      })
    : [];
  const titleOf = new Map(titles.map((row) => [row.id, row.title]));
  const products = [...returned.entries()]
    .map(([productId, cell]) => {
      const soldUnits = sold.get(productId)?.count ?? 0;
      return {
        productId,
        title: titleOf.get(productId) ?? null,
        sold: soldUnits,
        returned: cell.count,
        rate: soldUnits > 0 ? cell.count / soldUnits : null,
      };
    })
    .sort((a, b) => b.returned - a.returned)
    .slice(0, 50);

  // Contacts prevented: only cases whose 7 days to write are over.
  const today = localDate(now, ctx.timeZone);
  const lastComplete = addDays(today, -CONTACT_WINDOW_DAYS);
  const outcomePeriod = { from: period.from, to: period.to < lastComplete ? period.to : lastComplete };
  const outcomes =
    outcomePeriod.from <= outcomePeriod.to
      ? await db.analyticsDaily.groupBy({
          by: ["dimension"],
          where: { shop, metric: "delay_outcome", day: { gte: outcomePeriod.from, lte: outcomePeriod.to } },
          _sum: { count: true, sum: true },
        })
      : [];
  const group = (name: string) => {
    const row = outcomes.find((candidate) => candidate.dimension === name);
    return { cases: row?._sum.count ?? 0, contacted: row?._sum.sum ?? 0 };
  };

  return {
    period,
    previous,
    timeZone: ctx.timeZone,
    contactsByChannel: compare(current, before, "contacts"),
    contactsByTopic: compare(current, before, "contacts_topic"),
    heatmap: hours,
    busiest: { messages: busiestOf(hours.messages), orders: busiestOf(hours.orders) },
    responseTimes: (
      ["first_response_calendar", "first_response_business", "resolution_calendar", "resolution_business"] as const
    ).map((key) => ({
      key,
      current: durationFigure(durationsNow.get(key)),
      previous: durationFigure(durationsBefore.get(key)),
    })),
    unanswered: { current: total(current, "unanswered"), previous: total(before, "unanswered") },
    exchanges: { current: exchangesOf(current), previous: exchangesOf(before) },
    satisfaction: {
      current: satisfactionOf(current),
      previous: satisfactionOf(before),
      comments: comments.map((row) => ({
        rating: row.rating,
        comment: row.comment ?? "",
        answeredAt: row.answeredAt?.toISOString() ?? "",
      })),
    },
    noticesSent: compare(current, before, "notices_sent"),
    noticesFailed: compare(current, before, "notices_failed"),
    unsubscribes: compare(current, before, "unsubscribes"),
    delayReasons: compare(current, before, "delay_reason"),
    delayCarriers: compare(current, before, "delay_carrier"),
    delayRegions: compare(current, before, "delay_region"),
    restock: {
      signups: single(current, before, "restock_signups"),
      alerts: single(current, before, "restock_alerts"),
      sales: single(current, before, "restock_sales"),
      revenue: moneyRows(current, before, "restock_sales"),
    },
    orders: { current: total(current, "orders"), previous: total(before, "orders") },
    returns: {
      count: { current: total(current, "returns"), previous: total(before, "returns") },
      reasons: compare(current, before, "return_reason"),
      resolutions: compare(current, before, "return_resolution"),
      products,
      refunded: moneyRows(current, before, "refunded"),
    },
    prevented: estimatePrevented({
      told: group("told"),
      heldOut: group("held_out"),
      untold: group("untold"),
      through: outcomePeriod.from <= outcomePeriod.to ? outcomePeriod.to : null,
    }),
  };
}
