// How a return's status looks in the admin (client-safe).
import type { BadgeProps } from "@shopify/polaris";

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
