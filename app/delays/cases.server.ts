// The seller's side of delay cases: the list for the Delays page, counts for
// the home page, and the actions (notify now, snooze, resolve). Every query is
// scoped by shop; another shop's case id answers "not found".
import type { TFunction } from "i18next";
import { customerName } from "../customers/names.ts";
import type { Db } from "../db.server.ts";
import type { DelayNotify } from "./notify.server.ts";
import { CASE_STATUSES, RULES, type CaseStatus } from "./names.ts";
import { customerReason, RULE_LABELS, sellerReason } from "./reasons.ts";
import { detailsOf, type DelayCaseRow } from "./sync-cases.server.ts";

export { CASE_STATUSES, type CaseStatus };
export const CASES_PER_PAGE = 50;

export class DelayCaseNotFound extends Error {
  constructor() {
    super("Delay case not found");
  }
}

export interface CaseListItem {
  id: number;
  orderId: string;
  orderName: string | null;
  customer: string | null;
  rule: string;
  ruleLabel: string;
  reason: string;
  explanation: string;
  /** What the customer is told (editable before "notify now"). */
  customerMessage: string;
  status: string;
  openedAt: string;
  resolvedAt: string | null;
  snoozedUntil: string | null;
  notifiedAt: string | null;
}

export async function listCases(
  db: Db,
  shop: string,
  filter: { status?: CaseStatus; rule?: string; page?: number } = {},
): Promise<{ cases: CaseListItem[]; hasNext: boolean; page: number }> {
  const page = Math.max(1, Math.floor(filter.page ?? 1));
  const rows = await db.delayCase.findMany({
    where: {
      shop,
      status: filter.status ?? "open",
      ...(filter.rule && (RULES as readonly string[]).includes(filter.rule) ? { rule: filter.rule } : {}),
    },
    orderBy: [{ openedAt: "asc" }, { id: "asc" }],
    skip: (page - 1) * CASES_PER_PAGE,
    take: CASES_PER_PAGE + 1,
  });
  const shown = rows.slice(0, CASES_PER_PAGE);
  const orders = await db.order.findMany({
    where: { shop, id: { in: [...new Set(shown.map((row) => row.orderId))] } },
    select: { id: true, name: true, customerId: true, email: true },
  });
  const orderOf = new Map(orders.map((order) => [order.id, order]));
  const customerIds = [...new Set(orders.map((order) => order.customerId).filter((id): id is string => id !== null))];
  const customers = await db.customer.findMany({
    where: { shop, id: { in: customerIds } },
    select: { id: true, firstName: true, lastName: true, email: true, locale: true },
  });
  const customerOf = new Map(customers.map((customer) => [customer.id, customer]));
  return {
    page,
    hasNext: rows.length > CASES_PER_PAGE,
    cases: shown.map((row) => {
      const order = orderOf.get(row.orderId);
      const customer = order?.customerId ? customerOf.get(order.customerId) : undefined;
      const name = customer ? customerName(customer.firstName, customer.lastName, customer.locale) : null;
      return {
        id: row.id,
        orderId: row.orderId,
        orderName: order?.name ?? null,
        customer: name || customer?.email || order?.email || null,
        rule: row.rule,
        ruleLabel: RULE_LABELS[row.rule] ?? row.rule,
        reason: row.reason,
        explanation: sellerReason(row.rule, row.reason, detailsOf(row)),
        customerMessage: customerReason(row.rule, row.reason),
        status: row.status,
        openedAt: row.openedAt.toISOString(),
        resolvedAt: row.resolvedAt?.toISOString() ?? null,
        snoozedUntil: row.snoozedUntil?.toISOString() ?? null,
        notifiedAt: row.notifiedAt?.toISOString() ?? null,
      };
    }),
  };
}

export interface DelayCounts {
  open: number;
  snoozed: number;
  notNotified: number;
  byRule: Record<string, number>;
}

/** For the home page: open cases, by rule, and how many customers have not been told yet. */
export async function delayCounts(db: Db, shop: string): Promise<DelayCounts> {
  const [groups, notNotified] = await Promise.all([
    db.delayCase.groupBy({
      by: ["status", "rule"],
      where: { shop, status: { in: ["open", "snoozed"] } },
      _count: { _all: true },
    }),
    db.delayCase.count({ where: { shop, status: "open", notifiedAt: null } }),
  ]);
  const counts: DelayCounts = { open: 0, snoozed: 0, notNotified, byRule: {} };
  for (const group of groups) {
    const n = group._count._all;
    if (group.status === "open") {
      counts.open += n;
      counts.byRule[group.rule] = (counts.byRule[group.rule] ?? 0) + n;
    } else counts.snoozed += n;
  }
  return counts;
}

async function requireCase(db: Db, shop: string, id: number): Promise<DelayCaseRow> {
  const row = await db.delayCase.findFirst({ where: { id, shop } });
  if (!row) throw new DelayCaseNotFound();
  return row;
}

export async function snoozeCase(db: Db, shop: string, id: number, until: Date): Promise<void> {
  await requireCase(db, shop, id);
  await db.delayCase.updateMany({
    where: { id, shop, status: { in: ["open", "snoozed"] } },
    data: { status: "snoozed", snoozedUntil: until },
  });
}

/** The seller resolves a case; it stays resolved while the same problem persists. */
export async function resolveCase(db: Db, shop: string, id: number, now: Date = new Date()): Promise<void> {
  const row = await requireCase(db, shop, id);
  await db.delayCase.updateMany({
    where: { id, shop, status: { in: ["open", "snoozed"] } },
    data: {
      status: "resolved",
      resolvedAt: now,
      details: JSON.stringify({ ...detailsOf(row), resolvedBy: "seller" }),
    },
  });
}

/** "Notify now", with the seller's own words when given. False when the notice cannot reach the customer. */
export async function notifyCaseNow(
  db: Db,
  shop: string,
  id: number,
  notify: DelayNotify,
  message?: string,
  now: Date = new Date(),
): Promise<boolean> {
  return (await notifyCaseNowOutcome(db, shop, id, notify, message, now)) !== "unreachable";
}

/** What the Delays page says after "Notify now". */
export function notifyMessage(t: TFunction, outcome: "told" | "prepared_on_etsy" | "unreachable"): string {
  if (outcome === "prepared_on_etsy") return t("standalone.delays.etsyPrepared");
  return outcome === "told" ? t("delays.actions.told") : t("delays.actions.unreachable");
}

/**
 * "Notify now" with what actually happened: the customer was told, or (an Etsy order, whose
 * buyer Kizuna never writes to) a message waits to be sent on Etsy, or nobody could be reached.
 */
export async function notifyCaseNowOutcome(
  db: Db,
  shop: string,
  id: number,
  notify: DelayNotify,
  message?: string,
  now: Date = new Date(),
): Promise<"told" | "prepared_on_etsy" | "unreachable"> {
  const row = await requireCase(db, shop, id);
  const result = await notify(row, "delay", message?.trim() || undefined);
  if (result?.told === false) return "unreachable";
  await db.delayCase.update({
    where: { id: row.id },
    data: { notifiedAt: now, ...(result?.noticeId != null ? { noticeId: result.noticeId } : {}) },
  });
  return result?.preparedOnEtsy ? "prepared_on_etsy" : "told";
}
