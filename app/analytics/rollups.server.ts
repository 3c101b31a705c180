// The shop's daily figures, recomputed from the raw rows for a set of shop-local
// days (ADR 0016). Recomputing a day replaces it whole, so running it again, a
// late event or a redaction only ever corrects it. Rollups hold counts, sums and
// codes (channels, tags, kinds, reasons, carriers, regions, product ids), never
// a customer's name, address or words.
import type { Db } from "../db.server.ts";
import { addDays, dayOfWeek, localDate } from "../delays/calendar.ts";
import { regionOf } from "../delays/transit.server.ts";
import { holidayPresetOf } from "../settings/holiday-preset.ts";
import { localParts, safeTimeZone, zonedTimeToUtc } from "../notices/shop-time.ts";
import { sumDecimals, isDecimal } from "../money/decimal.ts";
import { bucketOf } from "./buckets.ts";
import { businessMinutesBetween, type BusinessHours } from "./business-time.ts";

/** Days a customer has to write about a delayed order to count as "contacted" (ADR 0016). */
export const CONTACT_WINDOW_DAYS = 7;
/** A resolved conversation "within 5" took at most this many exchanges. */
export const EXCHANGES_TARGET = 5;
const DAY_MS = 86_400_000;
/** IN lists are cut to this size (SQLite's bound-parameter limit). */
const CHUNK = 500;

export interface AnalyticsContext {
  timeZone: string;
  hours: BusinessHours;
  currency: string;
}

const isWeekday = (value: unknown): value is number =>
  Number.isInteger(value) && Number(value) >= 0 && Number(value) <= 6;
const isDateText = (value: unknown): value is string => typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);

function jsonList<T>(text: string | null | undefined, keep: (value: unknown) => value is T, fallback: T[]): T[] {
  if (!text) return fallback;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter(keep) : fallback;
  } catch {
    return fallback;
  }
}

/** The shop's time zone, business hours and currency, as the figures use them. */
export async function analyticsContext(db: Db, shop: string): Promise<AnalyticsContext> {
  const [settings, shopRow] = await Promise.all([
    db.shopSettings.findUnique({ where: { shop } }),
    db.shop.findUnique({ where: { domain: shop }, select: { timezone: true, currency: true } }),
  ]);
  const timeZone = safeTimeZone(shopRow?.timezone);
  return {
    timeZone,
    currency: shopRow?.currency ?? "",
    hours: {
      timeZone,
      weekendDays: new Set(jsonList(settings?.weekendDays, isWeekday, [0, 6])),
      holidays: new Set(jsonList(settings?.holidays, isDateText, [])),
      preset: holidayPresetOf(settings?.holidayPreset, shopRow),
      start: settings?.businessStart ?? "09:00",
      end: settings?.businessEnd ?? "18:00",
    },
  };
}

/** The instant a shop-local day begins. */
export function dayStart(day: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return zonedTimeToUtc({ year, month, day: date, hour: 0, minute: 0 }, timeZone);
}

/** Every day from `from` to `to`, both included (YYYY-MM-DD). */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to && days.length < 4000; day = addDays(day, 1)) days.push(day);
  return days;
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

type DailyKey = string;
interface DailyCell {
  metric: string;
  dimension: string;
  currency: string;
  count: number;
  sum: number;
  amounts: string[];
}

/** What one recompute writes for its days, gathered in memory before one replace per day. */
class DayFigures {
  readonly daily = new Map<string, Map<DailyKey, DailyCell>>();
  readonly durations = new Map<string, Map<string, number>>();
  readonly hourly = new Map<string, Map<string, number>>();
  constructor(readonly days: ReadonlySet<string>) {}

  add(
    day: string,
    metric: string,
    dimension: string,
    count = 1,
    sum = 0,
    amount?: { value: string; currency: string },
  ) {
    if (!this.days.has(day)) return;
    let cells = this.daily.get(day);
    if (!cells) this.daily.set(day, (cells = new Map()));
    const currency = amount?.currency ?? "";
    const key = `${metric}\u0000${dimension}\u0000${currency}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { metric, dimension, currency, count: 0, sum: 0, amounts: [] }));
    cell.count += count;
    cell.sum += sum;
    if (amount && isDecimal(amount.value)) cell.amounts.push(amount.value);
  }

  duration(day: string, metric: string, minutes: number) {
    if (!this.days.has(day)) return;
    let cells = this.durations.get(day);
    if (!cells) this.durations.set(day, (cells = new Map()));
    const key = `${metric}\u0000${bucketOf(minutes)}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }

  hour(day: string, hour: number, kind: "messages" | "orders") {
    if (!this.days.has(day)) return;
    let cells = this.hourly.get(day);
    if (!cells) this.hourly.set(day, (cells = new Map()));
    const key = `${hour}\u0000${kind}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
}

interface Window {
  lo: Date;
  hi: Date;
  timeZone: string;
  dayOf: (instant: Date) => string;
}

/** A customer's own words (not an auto-reply, bounce or list mail). */
const CUSTOMER_MESSAGE = { direction: "incoming", kind: "message" } as const;

function isHumanReply(message: { direction: string; kind: string; author: string | null; status: string | null }) {
  return (
    message.direction === "outgoing" &&
    message.kind === "message" &&
    message.author !== "kizuna" &&
    message.status !== "failed" &&
    message.status !== "to_send"
  );
}

function tagsOf(text: string): string[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return [...new Set(parsed.filter((tag): tag is string => typeof tag === "string" && tag.length > 0))].map((tag) =>
      tag.slice(0, 100),
    );
  } catch {
    return [];
  }
}

/** Conversations whose customer's first message fell on one of the days: contacts, response and resolution times, exchanges. */
async function conversations(db: Db, shop: string, w: Window, out: DayFigures, ctx: AnalyticsContext) {
  const inWindow = await db.message.findMany({
    where: { shop, ...CUSTOMER_MESSAGE, createdAt: { gte: w.lo, lt: w.hi } },
    select: { conversationId: true, createdAt: true, channel: true },
  });
  for (const message of inWindow) {
    const local = localParts(message.createdAt, ctx.timeZone);
    out.add(w.dayOf(message.createdAt), "messages_in", message.channel);
    out.hour(w.dayOf(message.createdAt), local.hour, "messages");
  }
  const ids = [...new Set(inWindow.map((message) => message.conversationId))];
  for (const part of chunks(ids)) {
    const [rows, messages] = await Promise.all([
      db.conversation.findMany({
        where: { shop, id: { in: part } },
        select: { id: true, channel: true, tags: true, status: true, resolvedAt: true },
      }),
      db.message.findMany({
        where: { shop, conversationId: { in: part }, direction: { in: ["incoming", "outgoing"] } },
        select: {
          conversationId: true,
          direction: true,
          kind: true,
          author: true,
          status: true,
          createdAt: true,
          sentAt: true,
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    ]);
    const byConversation = new Map<number, typeof messages>();
    for (const message of messages) {
      let list = byConversation.get(message.conversationId);
      if (!list) byConversation.set(message.conversationId, (list = []));
      list.push(message);
    }
    for (const conversation of rows) {
      const thread = byConversation.get(conversation.id) ?? [];
      const first = thread.find((message) => message.direction === "incoming" && message.kind === "message");
      if (!first) continue;
      const day = w.dayOf(first.createdAt);
      if (!out.days.has(day)) continue; // its first message was before these days
      out.add(day, "contacts", conversation.channel);
      const tags = tagsOf(conversation.tags);
      for (const tag of tags.length ? tags : [""]) out.add(day, "contacts_topic", tag);
      // Exchanges: a customer's message answered by a human reply, as the inbox counts them.
      let exchanges = 0;
      let waiting = false;
      let firstReply: Date | null = null;
      for (const message of thread) {
        if (message.createdAt < first.createdAt) continue;
        if (message.direction === "incoming" && message.kind === "message") waiting = true;
        else if (isHumanReply(message)) {
          const repliedAt = message.sentAt ?? message.createdAt;
          firstReply ??= repliedAt;
          if (waiting) exchanges++;
          waiting = false;
        }
      }
      if (firstReply) {
        const calendar = (firstReply.getTime() - first.createdAt.getTime()) / 60_000;
        out.add(day, "first_response", "", 1, Math.round(calendar));
        out.duration(day, "first_response_calendar", calendar);
        out.duration(day, "first_response_business", businessMinutesBetween(first.createdAt, firstReply, ctx.hours));
      } else out.add(day, "unanswered", "");
      if (conversation.status === "resolved" && conversation.resolvedAt) {
        const calendar = (conversation.resolvedAt.getTime() - first.createdAt.getTime()) / 60_000;
        out.add(day, "resolved", "", 1, exchanges);
        if (exchanges <= EXCHANGES_TARGET) out.add(day, "resolved_within_target", "");
        out.duration(day, "resolution_calendar", Math.max(0, calendar));
        out.duration(
          day,
          "resolution_business",
          businessMinutesBetween(first.createdAt, conversation.resolvedAt, ctx.hours),
        );
      }
    }
  }
}

async function surveys(db: Db, shop: string, w: Window, out: DayFigures) {
  const [sent, answered] = await Promise.all([
    db.satisfactionSurvey.findMany({ where: { shop, sentAt: { gte: w.lo, lt: w.hi } }, select: { sentAt: true } }),
    db.satisfactionSurvey.findMany({
      where: { shop, answeredAt: { gte: w.lo, lt: w.hi }, rating: { not: null } },
      select: { answeredAt: true, rating: true, comment: true },
    }),
  ]);
  for (const row of sent) out.add(w.dayOf(row.sentAt!), "surveys_sent", "");
  for (const row of answered) {
    const day = w.dayOf(row.answeredAt!);
    out.add(day, "survey_rating", String(row.rating));
    // The comment itself stays in SatisfactionSurvey (redacted with the customer); only that one exists is counted.
    if (row.comment && row.comment.trim()) out.add(day, "survey_comments", "");
  }
}

async function notices(db: Db, shop: string, w: Window, out: DayFigures) {
  const [sent, failed, unsubscribed] = await Promise.all([
    db.notice.findMany({
      where: { shop, status: "sent", sentAt: { gte: w.lo, lt: w.hi } },
      select: { kind: true, channel: true, sentAt: true },
    }),
    db.notice.findMany({
      where: { shop, status: { in: ["failed", "dead"] }, createdAt: { gte: w.lo, lt: w.hi } },
      select: { kind: true, channel: true, createdAt: true },
    }),
    db.suppression.findMany({
      where: { shop, createdAt: { gte: w.lo, lt: w.hi } },
      select: { channel: true, reason: true, createdAt: true },
    }),
  ]);
  for (const row of sent) out.add(w.dayOf(row.sentAt!), "notices_sent", `${row.kind}|${row.channel}`);
  for (const row of failed) out.add(w.dayOf(row.createdAt), "notices_failed", `${row.kind}|${row.channel}`);
  for (const row of unsubscribed) out.add(w.dayOf(row.createdAt), "unsubscribes", `${row.channel}|${row.reason}`);
}

/** The case's group for the contacts-prevented estimate (ADR 0016). */
export type DelayGroup = "told" | "held_out" | "untold";

async function delays(db: Db, shop: string, w: Window, out: DayFigures) {
  const cases = await db.delayCase.findMany({
    where: { shop, openedAt: { gte: w.lo, lt: w.hi } },
    select: { id: true, orderId: true, subject: true, rule: true, reason: true, openedAt: true, notifiedAt: true },
  });
  for (const part of chunks(cases)) {
    const orderIds = [...new Set(part.map((row) => row.orderId))];
    const [orders, parcels, holdouts, threads] = await Promise.all([
      db.order.findMany({ where: { shop, id: { in: orderIds } }, select: { id: true, shippingAddress: true } }),
      db.fulfillment.findMany({
        where: { shop, orderId: { in: orderIds } },
        select: { id: true, orderId: true, trackingCompany: true },
      }),
      db.delayHoldout.findMany({
        where: { shop, caseId: { in: part.map((row) => row.id) } },
        select: { caseId: true },
      }),
      db.conversation.findMany({ where: { shop, orderId: { in: orderIds } }, select: { id: true, orderId: true } }),
    ]);
    const written = threads.length
      ? await db.message.findMany({
          where: {
            shop,
            ...CUSTOMER_MESSAGE,
            conversationId: { in: threads.map((row) => row.id) },
            createdAt: { gte: w.lo, lt: new Date(w.hi.getTime() + CONTACT_WINDOW_DAYS * DAY_MS) },
          },
          select: { conversationId: true, createdAt: true },
        })
      : [];
    const orderOfThread = new Map(threads.map((row) => [row.id, row.orderId]));
    const writtenAt = new Map<string, Date[]>();
    for (const message of written) {
      const orderId = orderOfThread.get(message.conversationId);
      if (!orderId) continue;
      const list = writtenAt.get(orderId) ?? [];
      list.push(message.createdAt);
      writtenAt.set(orderId, list);
    }
    const addressOf = new Map(orders.map((row) => [row.id, row.shippingAddress]));
    const parcelById = new Map(parcels.map((row) => [row.id, row]));
    const heldOut = new Set(holdouts.map((row) => row.caseId));
    for (const row of part) {
      const day = w.dayOf(row.openedAt);
      out.add(day, "delay_cases", row.rule);
      out.add(day, "delay_reason", `${row.rule}|${row.reason}`);
      const parcel =
        parcelById.get(row.subject) ?? parcels.find((candidate) => candidate.orderId === row.orderId) ?? null;
      out.add(day, "delay_carrier", parcel?.trackingCompany?.slice(0, 100) ?? "");
      out.add(day, "delay_region", regionOf(addressOf.get(row.orderId) ?? null)?.slice(0, 100) ?? "");
      const group: DelayGroup = heldOut.has(row.id) ? "held_out" : row.notifiedAt ? "told" : "untold";
      const end = row.openedAt.getTime() + CONTACT_WINDOW_DAYS * DAY_MS;
      const contacted = (writtenAt.get(row.orderId) ?? []).some(
        (at) => at.getTime() >= row.openedAt.getTime() && at.getTime() < end,
      );
      // count = cases, sum = cases whose customer wrote about the order within the window.
      out.add(day, "delay_outcome", group, 1, contacted ? 1 : 0);
    }
  }
}

async function restock(db: Db, shop: string, w: Window, out: DayFigures, ctx: AnalyticsContext) {
  const [signups, alerts] = await Promise.all([
    db.restockSubscription.findMany({
      where: { shop, createdAt: { gte: w.lo, lt: w.hi } },
      select: { createdAt: true },
    }),
    db.restockAlert.findMany({
      where: { shop, sentAt: { gte: w.lo, lt: w.hi } },
      select: { sentAt: true, orderId: true, revenue: true },
    }),
  ]);
  for (const row of signups) out.add(w.dayOf(row.createdAt), "restock_signups", "");
  for (const row of alerts) {
    const day = w.dayOf(row.sentAt);
    out.add(day, "restock_alerts", "");
    if (row.orderId) out.add(day, "restock_sales", "", 1, 0, { value: row.revenue ?? "0", currency: ctx.currency });
  }
}

interface ReturnLine {
  lineItemId: string | null;
  quantity: number;
  reason: string;
}

function idTail(value: unknown): string | null {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string" || !value) return null;
  return value.startsWith("gid://") ? value.slice(value.lastIndexOf("/") + 1) : value;
}

/** A return's lines, written by Kizuna (line_item_id, return_reason_handle) or by a webhook (Shopify's REST shape). */
function returnLines(text: string): ReturnLine[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((raw: unknown) => {
    if (!raw || typeof raw !== "object") return [];
    const line = raw as Record<string, unknown>;
    const nested = (line.fulfillment_line_item as { line_item?: { id?: unknown } } | undefined)?.line_item;
    const definition = line.return_reason_definition as { handle?: unknown } | undefined;
    const reason =
      (typeof line.return_reason_handle === "string" && line.return_reason_handle) ||
      (typeof definition?.handle === "string" && definition.handle) ||
      (typeof line.return_reason === "string" && line.return_reason) ||
      "";
    const quantity = typeof line.quantity === "number" && line.quantity > 0 ? Math.floor(line.quantity) : 0;
    return [{ lineItemId: idTail(line.line_item_id) ?? idTail(nested?.id), quantity, reason: reason.slice(0, 100) }];
  });
}

async function ordersAndReturns(db: Db, shop: string, w: Window, out: DayFigures) {
  const [orders, returns, refunds] = await Promise.all([
    db.order.findMany({
      where: { shop, shopifyCreatedAt: { gte: w.lo, lt: w.hi } },
      select: { id: true, shopifyCreatedAt: true, source: true },
    }),
    db.return.findMany({
      where: { shop, requestedAt: { gte: w.lo, lt: w.hi }, replacedBy: null },
      select: { requestedAt: true, lineItems: true, resolution: true, status: true },
    }),
    db.refund.findMany({
      where: { shop, shopifyCreatedAt: { gte: w.lo, lt: w.hi } },
      select: { shopifyCreatedAt: true, amount: true, currency: true },
    }),
  ]);
  const dayOfOrder = new Map<string, string>();
  for (const order of orders) {
    const day = w.dayOf(order.shopifyCreatedAt);
    dayOfOrder.set(order.id, day);
    out.add(day, "orders", order.source);
    out.hour(day, localParts(order.shopifyCreatedAt, w.timeZone).hour, "orders");
  }
  for (const part of chunks(orders.map((order) => order.id))) {
    const items = await db.lineItem.findMany({
      where: { shop, orderId: { in: part } },
      select: { orderId: true, productId: true, quantity: true },
    });
    for (const item of items) out.add(dayOfOrder.get(item.orderId)!, "units_sold", item.productId ?? "", item.quantity);
  }
  const lines = returns.map((row) => ({ row, lines: returnLines(row.lineItems) }));
  const lineIds = [
    ...new Set(lines.flatMap((entry) => entry.lines.map((line) => line.lineItemId)).filter((id): id is string => !!id)),
  ];
  const productOf = new Map<string, string | null>();
  for (const part of chunks(lineIds)) {
    const items = await db.lineItem.findMany({
      where: { shop, id: { in: part } },
      select: { id: true, productId: true },
    });
    for (const item of items) productOf.set(item.id, item.productId);
  }
  for (const { row, lines: returnedLines } of lines) {
    const day = w.dayOf(row.requestedAt!);
    out.add(day, "returns", row.status);
    if (row.resolution) out.add(day, "return_resolution", row.resolution);
    for (const line of returnedLines) {
      out.add(day, "return_reason", line.reason, line.quantity);
      out.add(day, "units_returned", (line.lineItemId && productOf.get(line.lineItemId)) || "", line.quantity);
    }
  }
  for (const refund of refunds)
    out.add(w.dayOf(refund.shopifyCreatedAt!), "refunded", "", 1, 0, {
      value: refund.amount ?? "0",
      currency: refund.currency ?? "",
    });
}

export interface RecomputeSummary {
  days: number;
  rows: number;
}

/**
 * Recomputes `days` (shop-local YYYY-MM-DD) of `shop` from the raw rows and
 * replaces what the rollup tables held for them. Safe to run any number of
 * times, in any order: a day's rows are the raw rows' figures, nothing added up.
 */
export async function recomputeDays(db: Db, shop: string, days: readonly string[]): Promise<RecomputeSummary> {
  const wanted = [...new Set(days.filter((day) => isDateText(day)))].sort();
  if (wanted.length === 0) return { days: 0, rows: 0 };
  const ctx = await analyticsContext(db, shop);
  let rows = 0;
  // Contiguous runs of days are read in one pass each.
  const runs: string[][] = [];
  for (const day of wanted) {
    const run = runs.at(-1);
    if (run && addDays(run.at(-1)!, 1) === day && run.length < 31) run.push(day);
    else runs.push([day]);
  }
  for (const run of runs) {
    const out = new DayFigures(new Set(run));
    const w: Window = {
      lo: dayStart(run[0]!, ctx.timeZone),
      hi: dayStart(addDays(run.at(-1)!, 1), ctx.timeZone),
      dayOf: (instant) => localDate(instant, ctx.timeZone),
      timeZone: ctx.timeZone,
    };
    await conversations(db, shop, w, out, ctx);
    await surveys(db, shop, w, out);
    await notices(db, shop, w, out);
    await delays(db, shop, w, out);
    await restock(db, shop, w, out, ctx);
    await ordersAndReturns(db, shop, w, out);
    rows += await replaceDays(db, shop, run, out);
  }
  return { days: wanted.length, rows };
}

async function replaceDays(db: Db, shop: string, days: string[], out: DayFigures): Promise<number> {
  const daily = days.flatMap((day) =>
    [...(out.daily.get(day)?.values() ?? [])].map((cell) => ({
      shop,
      day,
      metric: cell.metric,
      dimension: cell.dimension,
      currency: cell.currency,
      count: cell.count,
      sum: cell.sum,
      amount: cell.amounts.length ? sumDecimals(cell.amounts) : "0",
    })),
  );
  const durations = days.flatMap((day) =>
    [...(out.durations.get(day)?.entries() ?? [])].map(([key, count]) => {
      const [metric, bucket] = key.split("\u0000") as [string, string];
      return { shop, day, metric, bucket: Number(bucket), count };
    }),
  );
  const hourly = days.flatMap((day) =>
    [...(out.hourly.get(day)?.entries() ?? [])].map(([key, count]) => {
      const [hour, kind] = key.split("\u0000") as [string, string];
      return { shop, day, hour: Number(hour), weekday: dayOfWeek(day), kind, count };
    }),
  );
  await db.$transaction(async (tx) => {
    // A shop deleted meanwhile (shop/redact) gets no rows back.
    if (!(await tx.shop.findUnique({ where: { domain: shop }, select: { domain: true } }))) return;
    const where = { shop, day: { in: days } };
    await tx.analyticsDaily.deleteMany({ where });
    await tx.analyticsDuration.deleteMany({ where });
    await tx.analyticsHourly.deleteMany({ where });
    if (daily.length) await tx.analyticsDaily.createMany({ data: daily });
    if (durations.length) await tx.analyticsDuration.createMany({ data: durations });
    if (hourly.length) await tx.analyticsHourly.createMany({ data: hourly });
  });
  return daily.length + durations.length + hourly.length;
}

/** The shop-local day of an instant (a hook's "touched day"). */
export async function shopDayOf(db: Db, shop: string, instant: Date): Promise<string> {
  const ctx = await analyticsContext(db, shop);
  return localDate(instant, ctx.timeZone);
}

/**
 * The days the scheduled refresh recomputes: the last CONTACT_WINDOW_DAYS + 1
 * days (a delay case's outcome can change for a week; a reply lands on its
 * conversation's first day) and the first days of conversations touched since
 * `since` (a late reply or resolve on an older conversation).
 */
export async function daysToRefresh(db: Db, shop: string, now: Date, since: Date): Promise<string[]> {
  const ctx = await analyticsContext(db, shop);
  const today = localDate(now, ctx.timeZone);
  const days = new Set(daysFrom(addDays(today, -(CONTACT_WINDOW_DAYS + 1)), today));
  const touched = await db.conversation.findMany({
    where: { shop, updatedAt: { gte: since }, firstMessageAt: { not: null } },
    select: { firstMessageAt: true },
    take: 5_000,
  });
  for (const row of touched) days.add(localDate(row.firstMessageAt!, ctx.timeZone));
  const returns = await db.return.findMany({
    where: { shop, updatedAt: { gte: since }, requestedAt: { not: null } },
    select: { requestedAt: true },
    take: 5_000,
  });
  for (const row of returns) days.add(localDate(row.requestedAt!, ctx.timeZone));
  return [...days].sort();
}

/** Every shop-local day from the shop's first order or message to today (a first fill or `ops`). */
export async function allDays(db: Db, shop: string, now: Date): Promise<string[]> {
  const ctx = await analyticsContext(db, shop);
  const [order, message] = await Promise.all([
    db.order.findFirst({ where: { shop }, orderBy: { shopifyCreatedAt: "asc" }, select: { shopifyCreatedAt: true } }),
    db.message.findFirst({ where: { shop }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
  ]);
  const first = [order?.shopifyCreatedAt, message?.createdAt]
    .filter((value): value is Date => value instanceof Date)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  const today = localDate(now, ctx.timeZone);
  return first ? daysFrom(localDate(first, ctx.timeZone), today) : [today];
}
