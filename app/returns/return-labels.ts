// A return's codes and how its status looks in the admin: client-safe, so the
// pages and the server share one list.
import type { BadgeProps } from "@shopify/polaris";

export const RETURN_STATUSES = ["REQUESTED", "OPEN", "CLOSED", "DECLINED", "CANCELED"] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/** Shopify's ReturnDeclineReason values. */
export const DECLINE_REASONS = ["FINAL_SALE", "RETURN_PERIOD_ENDED", "OTHER"] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

const TONES: Record<string, BadgeProps["tone"]> = {
  REQUESTED: "attention",
  OPEN: "info",
  CLOSED: "success",
  DECLINED: "critical",
  CANCELED: undefined,
};

export function returnStatusTone(status: string): BadgeProps["tone"] {
  return TONES[status];
}
