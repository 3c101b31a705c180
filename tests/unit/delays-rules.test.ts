import { describe, expect, it } from "vitest";
import {
  DEFAULT_RULES,
  evaluateFacts,
  parseRuleSettings,
  transitKey,
  type OrderFacts,
  type ParcelFacts,
  type RuleContext,
} from "../../app/delays/rules.server.ts";
import { percentile } from "../../app/delays/transit.server.ts";
import { DelayRulesInput, mergeRuleSettings } from "../../app/settings/shop-settings.server.ts";

const NOW = new Date("2026-11-18T03:00:00Z"); // Wednesday noon in Tokyo
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

function context(overrides: Partial<RuleContext> = {}): RuleContext {
  return {
    now: NOW,
    handlingDays: 2,
    calendar: { timeZone: "Asia/Tokyo", weekendDays: new Set([0, 6]), holidays: new Set(), preset: "jp" },
    rules: structuredClone(DEFAULT_RULES),
    transit: new Map(),
    ...overrides,
  };
}

function order(overrides: Partial<OrderFacts> = {}): OrderFacts {
  return {
    orderId: "1",
    createdAt: ago(1),
    cancelled: false,
    fulfillmentStatus: "FULFILLED",
    region: "JP / Tokyo",
    fulfillmentOrders: [],
    parcels: [],
    ...overrides,
  };
}

function parcel(latest: string | null, at: Date, overrides: Partial<ParcelFacts> = {}): ParcelFacts {
  return {
    id: "f1",
    status: "SUCCESS",
    shipmentStatus: latest,
    carrier: "Yamato",
    createdAt: ago(2),
    latest: latest ? { status: latest, at, message: null } : null,
    estimatedDeliveryAt: null,
    ...overrides,
  };
}

const rules = (facts: OrderFacts, ctx = context()) => evaluateFacts(facts, ctx).map((c) => `${c.rule}:${c.reason}`);

describe("delay rules", () => {
  it("handling time: business days in the shop's zone", () => {
    // Placed Thu 12 Nov (Tokyo): due Mon 16 → late on Wed 18.
    expect(rules(order({ fulfillmentStatus: "UNFULFILLED", createdAt: new Date("2026-11-12T01:00:00Z") }))).toEqual([
      "handling_time:NOT_SHIPPED",
    ]);
    // Placed Tue 17: due Thu 19.
    expect(rules(order({ fulfillmentStatus: "UNFULFILLED", createdAt: new Date("2026-11-17T01:00:00Z") }))).toEqual([]);
    // Placed Fri 20 Nov: Mon 23 is 勤労感謝の日, so due Wed 25 — not late on Wed 25.
    const friday = order({ fulfillmentStatus: "UNFULFILLED", createdAt: new Date("2026-11-20T01:00:00Z") });
    expect(rules(friday, context({ now: new Date("2026-11-25T10:00:00Z") }))).toEqual([]);
    expect(rules(friday, context({ now: new Date("2026-11-25T15:30:00Z") }))).toEqual(["handling_time:NOT_SHIPPED"]);
    expect(rules(order({ fulfillmentStatus: "UNFULFILLED", createdAt: ago(10), cancelled: true }))).toEqual([]);
  });

  it("on hold: the three customer-facing reasons, the address one asks the customer", () => {
    const held = (reason: string) =>
      order({
        fulfillmentStatus: "UNFULFILLED",
        createdAt: ago(10),
        fulfillmentOrders: [{ id: "fo1", status: "ON_HOLD", holds: [{ reason, reasonNotes: "zip" }] }],
      });
    const found = evaluateFacts(held("INCORRECT_ADDRESS"), context());
    expect(found).toEqual([
      { rule: "on_hold", subject: "fo1", reason: "INCORRECT_ADDRESS", details: { notes: "zip", asksCustomer: true } },
    ]);
    expect(rules(held("INVENTORY_OUT_OF_STOCK"))).toEqual(["on_hold:INVENTORY_OUT_OF_STOCK"]);
    expect(rules(held("UNKNOWN_DELIVERY_DATE"))).toEqual(["on_hold:UNKNOWN_DELIVERY_DATE"]);
    expect(rules(held("HIGH_RISK_OF_FRAUD"))).toEqual([]);
  });

  it("carrier exception: DELAYED, FAILURE, ATTEMPTED_DELIVERY as the latest event only", () => {
    for (const status of ["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"])
      expect(rules(order({ parcels: [parcel(status, ago(0.5))] }))).toEqual([`carrier_exception:${status}`]);
    expect(rules(order({ parcels: [parcel("IN_TRANSIT", ago(0.5))] }))).toEqual([]);
    expect(rules(order({ parcels: [parcel("DELIVERED", ago(0.5))] }))).toEqual([]);
  });

  it("estimate passed without delivery", () => {
    expect(rules(order({ parcels: [parcel("IN_TRANSIT", ago(1), { estimatedDeliveryAt: ago(0.5) })] }))).toEqual([
      "eta_passed:ESTIMATE_PASSED",
    ]);
    expect(rules(order({ parcels: [parcel("IN_TRANSIT", ago(1), { estimatedDeliveryAt: ago(-1) })] }))).toEqual([]);
    expect(rules(order({ parcels: [parcel("DELIVERED", ago(0.2), { estimatedDeliveryAt: ago(0.5) })] }))).toEqual([]);
  });

  it("stalled: no carrier scan for N days while in transit (tunable)", () => {
    const silent = order({ parcels: [parcel("IN_TRANSIT", ago(5))] });
    expect(rules(silent)).toEqual(["stalled:NO_CARRIER_SCAN"]);
    expect(rules(order({ parcels: [parcel("IN_TRANSIT", ago(3))] }))).toEqual([]);
    expect(rules(order({ parcels: [parcel("READY_FOR_PICKUP", ago(5))] }))).toEqual([]);
    const tuned = context({ rules: parseRuleSettings('{"stalled":{"days":7}}') });
    expect(rules(silent, tuned)).toEqual([]);
    const off = context({ rules: parseRuleSettings('{"stalled":{"enabled":false}}') });
    expect(rules(silent, off)).toEqual([]);
  });

  it("likely late: past the group's p90, only with enough samples", () => {
    const moving = order({ parcels: [parcel("IN_TRANSIT", ago(0.5), { createdAt: ago(3) })] });
    const group = (samples: number) =>
      context({ transit: new Map([[transitKey("Yamato", "JP / Tokyo"), { samples, thresholdMinutes: 2 * 1440 }]]) });
    expect(rules(moving, group(20))).toEqual(["likely_late:P90_EXCEEDED"]);
    expect(rules(moving, group(19))).toEqual([]);
    const early = order({ parcels: [parcel("IN_TRANSIT", ago(0.5), { createdAt: ago(1) })] });
    expect(rules(early, group(50))).toEqual([]);
  });

  it("one case per parcel, the most specific", () => {
    const both = order({ parcels: [parcel("DELAYED", ago(5), { estimatedDeliveryAt: ago(2) })] });
    expect(rules(both)).toEqual(["carrier_exception:DELAYED"]);
  });

  it("nearest-rank percentile and settings parsing", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 90)).toBe(5);
    expect(parseRuleSettings("not json")).toEqual(DEFAULT_RULES);
    expect(parseRuleSettings('{"likely_late":{"minSamples":"x","percentile":95}}').likely_late).toEqual({
      enabled: true,
      percentile: 95,
      minSamples: 20,
    });
  });

  it("saved settings are brought into the form's ranges and known values", () => {
    const parsed = parseRuleSettings(
      JSON.stringify({
        stalled: { days: 0 },
        eta_passed: { graceHours: 500 },
        likely_late: { percentile: 100, minSamples: 2.4 },
        on_hold: { reasons: ["AWAITING_PAYMENT", "INCORRECT_ADDRESS", "INCORRECT_ADDRESS", 3] },
        carrier_exception: { statuses: ["FAILURE", "DELAYED"] },
      }),
    );
    expect(parsed.stalled.days).toBe(1);
    expect(parsed.eta_passed.graceHours).toBe(168);
    expect(parsed.likely_late).toEqual({ enabled: true, percentile: 99, minSamples: 5 });
    expect(parsed.on_hold.reasons).toEqual(["INCORRECT_ADDRESS"]);
    expect(parsed.carrier_exception.statuses).toEqual(["DELAYED", "FAILURE"]);
    // Whatever was saved, the Settings page can save it back unchanged.
    expect(DelayRulesInput.safeParse(parsed)).toEqual({ success: true, data: parsed });
  });

  it("the settings form: numbers typed as text, clear messages, changes over what is saved", () => {
    const messages = (input: unknown) => {
      const result = DelayRulesInput.safeParse(input);
      return result.success ? [] : result.error.issues.map((issue) => issue.message);
    };
    expect(messages({ stalled: { days: "" } })).toEqual(["Stalled parcels: enter a number."]);
    expect(messages({ stalled: { days: "2.5" } })).toEqual(["Stalled parcels: a whole number."]);
    expect(messages({ stalled: { days: "31" } })).toEqual(["Stalled parcels: 1 to 30 days."]);
    expect(messages({ eta_passed: { graceHours: -1 } })).toEqual(["Estimate passed: 0 to 168 hours of grace."]);
    expect(messages({ likely_late: { percentile: "49", minSamples: "4" } })).toEqual([
      "Likely late: a percentile from 50 to 99.",
      "Likely late: 5 to 1000 delivered parcels before the rule applies.",
    ]);
    expect(messages({ carrier_exception: { statuses: ["IN_TRANSIT"] } })).toEqual([
      "Carrier problem: “IN_TRANSIT” is not a carrier status Kizuna knows.",
    ]);
    expect(messages({ on_hold: { enabled: true, reasons: [] } })).toEqual([
      "On hold: tick at least one reason, or switch the rule off.",
    ]);
    expect(messages({ on_hold: { enabled: false, reasons: [] } })).toEqual([]);
    expect(messages({ handling_time: { enabled: "yes" } })).toEqual(["Delay rules: each rule is either on or off."]);

    const parsed = DelayRulesInput.parse({
      stalled: { days: "7" },
      on_hold: { reasons: ["INCORRECT_ADDRESS", "INVENTORY_OUT_OF_STOCK", "INCORRECT_ADDRESS"] },
      likely_late: { enabled: false },
    });
    const saved = parseRuleSettings('{"eta_passed":{"graceHours":12}}');
    expect(mergeRuleSettings(saved, parsed!)).toEqual({
      ...DEFAULT_RULES,
      on_hold: { enabled: true, reasons: ["INVENTORY_OUT_OF_STOCK", "INCORRECT_ADDRESS"] },
      eta_passed: { enabled: true, graceHours: 12 },
      stalled: { enabled: true, days: 7 },
      likely_late: { ...DEFAULT_RULES.likely_late, enabled: false },
    });
    expect(saved.stalled.days).toBe(4);
  });
});
