// The delay rules. Each one is a pure function over a small "order facts"
// object (what the mirror knows about one order) and the shop's settings, and
// returns the cases it finds: { rule, subject, reason, details }. No database,
// no clock: `now` comes in, so the scan can run them a million times a second
// and the tests can pin any situation.
import { addBusinessDays, businessDaysBetween, localDate, type BusinessCalendar } from "./calendar.ts";

import {
  CARRIER_EXCEPTIONS,
  HOLD_REASONS,
  RULE_LIMITS,
  RULES,
  type Range,
  type RuleName,
  type RuleSettings,
} from "./names.ts";

export { CARRIER_EXCEPTIONS, HOLD_REASONS, RULES, type RuleName, type RuleSettings };

/** Carrier statuses of a parcel on its way (silence then means something is wrong). */
export const MOVING = new Set([
  "LABEL_PRINTED",
  "LABEL_PURCHASED",
  "CONFIRMED",
  "CARRIER_PICKED_UP",
  "IN_TRANSIT",
  "OUT_FOR_DELIVERY",
]);

export interface HoldFacts {
  reason: string | null;
  reasonNotes: string | null;
}

export interface FulfillmentOrderFacts {
  id: string;
  status: string;
  holds: HoldFacts[];
}

export interface ParcelFacts {
  id: string;
  /** Fulfillment status (SUCCESS, CANCELLED…). */
  status: string | null;
  shipmentStatus: string | null;
  carrier: string | null;
  createdAt: Date | null;
  /** The latest carrier event (by happenedAt). */
  latest: { status: string; at: Date | null; message: string | null } | null;
  /** The estimate of the latest event that gave one. */
  estimatedDeliveryAt: Date | null;
}

export interface OrderFacts {
  orderId: string;
  createdAt: Date;
  cancelled: boolean;
  /** UNFULFILLED, PARTIALLY_FULFILLED, FULFILLED… */
  fulfillmentStatus: string | null;
  /** Destination region "JP-Tokyo" (country code + province), when known. */
  region: string | null;
  fulfillmentOrders: FulfillmentOrderFacts[];
  parcels: ParcelFacts[];
}

export type CaseDetails = Record<string, string | number | boolean | null>;

export interface CaseDraft {
  rule: RuleName;
  /** "order", a fulfillment order id or a fulfillment id. */
  subject: string;
  reason: string;
  details: CaseDetails;
}

export const DEFAULT_RULES: RuleSettings = {
  handling_time: { enabled: true },
  on_hold: { enabled: true, reasons: [...HOLD_REASONS] },
  carrier_exception: { enabled: true, statuses: [...CARRIER_EXCEPTIONS] },
  eta_passed: { enabled: true, graceHours: 0 },
  stalled: { enabled: true, days: 4 },
  likely_late: { enabled: true, percentile: 90, minSamples: 20 },
};

/** A carrier + region group's learned transit time. */
export interface TransitGroup {
  samples: number;
  /** The configured percentile (p90 by default), in minutes. */
  thresholdMinutes: number;
}

export interface RuleContext {
  now: Date;
  handlingDays: number;
  calendar: BusinessCalendar;
  rules: RuleSettings;
  /** Keyed by transitKey(carrier, region). */
  transit: ReadonlyMap<string, TransitGroup>;
}

export const transitKey = (carrier: string, region: string) => `${carrier}\u0000${region}`;

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const iso = (date: Date | null) => (date ? date.toISOString() : null);

// ── order-level rules ──────────────────────────────────────────────────────

const UNSHIPPED = new Set(["UNFULFILLED", "PARTIALLY_FULFILLED"]);
const dueDates = new Map<string, string>();

/** Not shipped within the handling time (business days in the shop's zone). */
export function handlingTimeRule(order: OrderFacts, context: RuleContext): CaseDraft | null {
  if (!context.rules.handling_time.enabled || order.cancelled) return null;
  if (!UNSHIPPED.has(order.fulfillmentStatus ?? "UNFULFILLED")) return null;
  // A hold is its own (more precise) case, or the seller's deliberate choice.
  if (order.fulfillmentOrders.some((fo) => fo.status === "ON_HOLD")) return null;
  const { calendar } = context;
  const ordered = localDate(order.createdAt, calendar.timeZone);
  const dueKey = `${calendar.timeZone}|${ordered}|${context.handlingDays}|${calendar.preset}|${[...calendar.weekendDays]}|${calendar.holidays.size}`;
  let due = dueDates.get(dueKey);
  if (due === undefined) {
    due = addBusinessDays(ordered, context.handlingDays, calendar);
    if (dueDates.size > 100_000) dueDates.clear();
    dueDates.set(dueKey, due);
  }
  const today = localDate(context.now, calendar.timeZone);
  if (today <= due) return null;
  return {
    rule: "handling_time",
    subject: "order",
    reason: order.fulfillmentStatus === "PARTIALLY_FULFILLED" ? "PARTLY_NOT_SHIPPED" : "NOT_SHIPPED",
    details: {
      orderedOn: ordered,
      shipBy: due,
      handlingDays: context.handlingDays,
      businessDaysLate: businessDaysBetween(due, today, calendar),
    },
  };
}

const HOLD_PRIORITY = ["INCORRECT_ADDRESS", "INVENTORY_OUT_OF_STOCK", "UNKNOWN_DELIVERY_DATE"];

/** A fulfillment order on hold for a reason the customer should hear about. */
export function onHoldRule(order: OrderFacts, context: RuleContext): CaseDraft[] {
  const settings = context.rules.on_hold;
  if (!settings.enabled || order.cancelled) return [];
  const cases: CaseDraft[] = [];
  for (const fo of order.fulfillmentOrders) {
    if (fo.status !== "ON_HOLD") continue;
    const held = fo.holds.filter((hold) => hold.reason !== null && settings.reasons.includes(hold.reason));
    if (held.length === 0) continue;
    const rank = (reason: string | null) => {
      const index = HOLD_PRIORITY.indexOf(reason ?? "");
      return index === -1 ? HOLD_PRIORITY.length : index;
    };
    const hold = held.sort((a, b) => rank(a.reason) - rank(b.reason))[0]!;
    cases.push({
      rule: "on_hold",
      subject: fo.id,
      reason: hold.reason!,
      details: { notes: hold.reasonNotes, asksCustomer: hold.reason === "INCORRECT_ADDRESS" },
    });
  }
  return cases;
}

// ── parcel rules (at most one case per parcel: the most specific) ───────────

export function isDelivered(parcel: ParcelFacts): boolean {
  return parcel.latest?.status === "DELIVERED" || parcel.shipmentStatus === "DELIVERED";
}

function isLiveParcel(parcel: ParcelFacts): boolean {
  return parcel.status !== "CANCELLED" && parcel.status !== "ERROR" && parcel.status !== "FAILURE";
}

export function carrierExceptionRule(parcel: ParcelFacts, context: RuleContext): CaseDraft | null {
  const settings = context.rules.carrier_exception;
  const latest = parcel.latest;
  if (!settings.enabled || !latest || !settings.statuses.includes(latest.status)) return null;
  return {
    rule: "carrier_exception",
    subject: parcel.id,
    reason: latest.status,
    details: {
      carrier: parcel.carrier,
      at: iso(latest.at),
      carrierMessage: latest.message,
      estimatedDeliveryAt: iso(parcel.estimatedDeliveryAt),
    },
  };
}

export function etaPassedRule(parcel: ParcelFacts, context: RuleContext): CaseDraft | null {
  const settings = context.rules.eta_passed;
  const eta = parcel.estimatedDeliveryAt;
  if (!settings.enabled || !eta) return null;
  if (eta.getTime() + settings.graceHours * 60 * MINUTE >= context.now.getTime()) return null;
  return {
    rule: "eta_passed",
    subject: parcel.id,
    reason: "ESTIMATE_PASSED",
    details: { carrier: parcel.carrier, estimatedDeliveryAt: iso(eta), lastStatus: parcel.latest?.status ?? null },
  };
}

export function stalledRule(parcel: ParcelFacts, context: RuleContext): CaseDraft | null {
  const settings = context.rules.stalled;
  const latest = parcel.latest;
  if (!settings.enabled || !latest?.at || !MOVING.has(latest.status)) return null;
  const silentDays = (context.now.getTime() - latest.at.getTime()) / DAY;
  if (silentDays < settings.days) return null;
  return {
    rule: "stalled",
    subject: parcel.id,
    reason: "NO_CARRIER_SCAN",
    details: {
      carrier: parcel.carrier,
      lastScanAt: iso(latest.at),
      lastStatus: latest.status,
      silentDays: Math.floor(silentDays),
      thresholdDays: settings.days,
    },
  };
}

export function likelyLateRule(parcel: ParcelFacts, region: string | null, context: RuleContext): CaseDraft | null {
  const settings = context.rules.likely_late;
  if (!settings.enabled || !parcel.carrier || !region || !parcel.createdAt) return null;
  if (parcel.latest && !MOVING.has(parcel.latest.status)) return null;
  const group = context.transit.get(transitKey(parcel.carrier, region));
  if (!group || group.samples < settings.minSamples) return null;
  const elapsed = Math.floor((context.now.getTime() - parcel.createdAt.getTime()) / MINUTE);
  if (elapsed <= group.thresholdMinutes) return null;
  return {
    rule: "likely_late",
    subject: parcel.id,
    reason: `P${settings.percentile}_EXCEEDED`,
    details: {
      carrier: parcel.carrier,
      region,
      elapsedMinutes: elapsed,
      thresholdMinutes: group.thresholdMinutes,
      percentile: settings.percentile,
      samples: group.samples,
    },
  };
}

/** Every case the rules find for one order, now. */
export function evaluateFacts(order: OrderFacts, context: RuleContext): CaseDraft[] {
  if (order.cancelled) return [];
  const cases: CaseDraft[] = onHoldRule(order, context);
  const handling = handlingTimeRule(order, context);
  if (handling) cases.push(handling);
  for (const parcel of order.parcels) {
    if (!isLiveParcel(parcel) || isDelivered(parcel)) continue;
    const found =
      carrierExceptionRule(parcel, context) ??
      etaPassedRule(parcel, context) ??
      stalledRule(parcel, context) ??
      likelyLateRule(parcel, order.region, context);
    if (found) cases.push(found);
  }
  return cases;
}

// ── settings ───────────────────────────────────────────────────────────────

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The values a list tunable may hold (on_hold.reasons, carrier_exception.statuses). */
const CHOICES: Record<string, readonly string[]> = { reasons: HOLD_REASONS, statuses: CARRIER_EXCEPTIONS };

/**
 * ShopSettings.delayRules (JSON text) over the defaults; unknown or malformed
 * entries are ignored, numbers are brought into RULE_LIMITS and lists keep only
 * the known values, so the result always passes the settings form's validation.
 */
export function parseRuleSettings(json: string | null | undefined): RuleSettings {
  const rules: RuleSettings = structuredClone(DEFAULT_RULES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json ?? "{}");
  } catch {
    return rules;
  }
  if (!isObject(parsed)) return rules;
  for (const name of RULES) {
    const given = parsed[name];
    if (!isObject(given)) continue;
    const target = rules[name] as unknown as Record<string, unknown>;
    const limits = (RULE_LIMITS as Partial<Record<RuleName, Record<string, Range>>>)[name];
    for (const [key, value] of Object.entries(given)) {
      const current = target[key];
      if (current === undefined) continue;
      if (typeof current === "boolean" && typeof value === "boolean") target[key] = value;
      else if (typeof current === "number" && typeof value === "number" && Number.isFinite(value) && value >= 0) {
        const range = limits?.[key];
        target[key] = range ? Math.min(range.max, Math.max(range.min, Math.round(value))) : value;
      } else if (Array.isArray(current) && Array.isArray(value)) {
        const allowed = CHOICES[key] ?? [];
        target[key] = allowed.filter((choice) => value.includes(choice));
      }
    }
  }
  return rules;
}
