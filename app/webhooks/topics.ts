// The webhook topics Kizuna subscribes to (shopify.app.toml lists the same;
// tests/unit/app-config.test.ts keeps the two in step). Compliance topics are
// mandatory for every public app and are declared separately in the TOML.
import type { ApiVersion } from "@shopify/shopify-app-remix/server";

/**
 * The Shopify API version, the one constant for it: the Admin GraphQL client,
 * shopifyApp(), the vendored Admin schema, the sandbox and its webhooks all use
 * this; shopify.app.toml's api_version must say the same (app-config test).
 * `satisfies` keeps it a version the Shopify library knows.
 */
export const API_VERSION = "2026-07" satisfies `${ApiVersion}`;

export const SUBSCRIBED_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "fulfillments/create",
  "fulfillments/update",
  "fulfillment_events/create",
  "fulfillment_orders/placed_on_hold",
  "fulfillment_orders/hold_released",
  "inventory_levels/update",
  "products/update",
  "customers/create",
  "customers/update",
  "returns/request",
  "returns/approve",
  "returns/decline",
  "returns/close",
  "returns/cancel",
  "returns/reopen",
  "returns/process",
  "returns/update",
  "reverse_deliveries/attach_deliverable",
  "reverse_fulfillment_orders/dispose",
  "refunds/create",
  "app/uninstalled",
  "app/scopes_update",
] as const;

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type Topic = (typeof SUBSCRIBED_TOPICS)[number] | (typeof COMPLIANCE_TOPICS)[number];

export const ALL_TOPICS: readonly Topic[] = [...SUBSCRIBED_TOPICS, ...COMPLIANCE_TOPICS];

export function isTopic(value: string): value is Topic {
  return (ALL_TOPICS as readonly string[]).includes(value);
}

/** Compliance payloads hold personal data only to act on it: emptied once processed. */
export function isCompliance(topic: Topic): boolean {
  return (COMPLIANCE_TOPICS as readonly string[]).includes(topic);
}
