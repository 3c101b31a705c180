// Names shared by the server code and the Delays page (no server imports here).
export const RULES = ["handling_time", "on_hold", "carrier_exception", "eta_passed", "stalled", "likely_late"] as const;
export type RuleName = (typeof RULES)[number];

export const CASE_STATUSES = ["open", "snoozed", "resolved"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
