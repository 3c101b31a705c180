// Names shared by the server code and the Delays and Settings pages (no server imports here).
export const RULES = ["handling_time", "on_hold", "carrier_exception", "eta_passed", "stalled", "likely_late"] as const;
export type RuleName = (typeof RULES)[number];

export const CASE_STATUSES = ["open", "snoozed", "resolved"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Shopify hold reasons the customer should hear about (the on_hold rule's choices). */
export const HOLD_REASONS = ["INVENTORY_OUT_OF_STOCK", "UNKNOWN_DELIVERY_DATE", "INCORRECT_ADDRESS"] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** Carrier statuses that mean a problem with the parcel (the carrier_exception rule's choices). */
export const CARRIER_EXCEPTIONS = ["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"] as const;
export type CarrierException = (typeof CARRIER_EXCEPTIONS)[number];

/** Each rule's switch and tunables, as saved in ShopSettings.delayRules. */
export interface RuleSettings {
  handling_time: { enabled: boolean };
  on_hold: { enabled: boolean; reasons: string[] };
  carrier_exception: { enabled: boolean; statuses: string[] };
  eta_passed: { enabled: boolean; graceHours: number };
  stalled: { enabled: boolean; days: number };
  likely_late: { enabled: boolean; percentile: number; minSamples: number };
}

export interface Range {
  min: number;
  max: number;
}

/** The tunables' ranges (whole numbers): the settings form, its validation and the parser all use these. */
export const RULE_LIMITS = {
  eta_passed: { graceHours: { min: 0, max: 168 } },
  stalled: { days: { min: 1, max: 30 } },
  likely_late: { percentile: { min: 50, max: 99 }, minSamples: { min: 5, max: 1000 } },
} as const satisfies { [R in RuleName]?: { [K in keyof RuleSettings[R]]?: Range } };
