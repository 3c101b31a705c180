// The worker's one entry into the mirror: a stored webhook event becomes rows.
// Each topic has exactly one projector (the map below is checked complete by
// the compiler); each event is projected in one transaction, so a payload that
// turns out to be unusable half-way leaves nothing behind.
import type { Db } from "../db.server.ts";
import { isObject, type Json, type JsonObject } from "../webhooks/payload.server.ts";
import { isCompliance, type Topic } from "../webhooks/topics.ts";
import { exportCustomerData } from "../compliance/export-customer-data.server.ts";
import { redactCustomer } from "../compliance/redact-customer.server.ts";
import { redactShop } from "../compliance/redact-shop.server.ts";
import { uninstallShop } from "../compliance/uninstall-shop.server.ts";
import { acceptsTopic, installStateOf } from "../compliance/installed-shops.server.ts";
import { projectCustomer } from "./customers.server.ts";
import { projectFulfillment, projectFulfillmentEvent, projectFulfillmentOrderHold } from "./fulfillments.server.ts";
import { projectInventoryLevel } from "./inventory.server.ts";
import { projectOrder } from "./orders.server.ts";
import { projectProduct } from "./products.server.ts";
import { ProjectionError } from "./read-payload.server.ts";
import { projectRefund } from "./refunds.server.ts";
import { projectReturn, projectReturnChange } from "./returns.server.ts";
import { projectScopes } from "./shop.server.ts";
import { inTransaction, type Tx } from "./write.server.ts";

export { ProjectionError };

/** What the event was about; stored on the WebhookEvent row so customers/redact can find its payload. */
export interface ProjectionResult {
  customerId?: string | null;
  orderId?: string | null;
  /** Set when nothing was projected because the shop is not installed (the event's payload should go). */
  refused?: "shop_not_installed";
}

export interface WebhookEventToProject {
  /** The myshopify domain from the verified X-Shopify-Shop-Domain header, never from the payload. */
  shop: string;
  topic: Topic;
  payload: Json;
  /** X-Shopify-Triggered-At: versions the records whose payloads carry no updated_at. */
  triggeredAt?: Date | null;
}

/** What a projector receives: the payload already known to be an object. */
export interface ProjectableEvent {
  shop: string;
  topic: Topic;
  payload: JsonObject;
  triggeredAt: Date | null;
}

export type Projector = (tx: Tx, event: ProjectableEvent) => Promise<ProjectionResult>;

const PROJECTORS: Record<Topic, Projector> = {
  "orders/create": projectOrder,
  "orders/updated": projectOrder,
  "orders/cancelled": projectOrder,
  "orders/fulfilled": projectOrder,
  "orders/partially_fulfilled": projectOrder,
  "fulfillments/create": projectFulfillment,
  "fulfillments/update": projectFulfillment,
  "fulfillment_events/create": projectFulfillmentEvent,
  "fulfillment_orders/placed_on_hold": projectFulfillmentOrderHold,
  "fulfillment_orders/hold_released": projectFulfillmentOrderHold,
  "inventory_levels/update": projectInventoryLevel,
  "products/update": projectProduct,
  "customers/create": projectCustomer,
  "customers/update": projectCustomer,
  "returns/request": projectReturn,
  "returns/approve": projectReturn,
  "returns/decline": projectReturn,
  "returns/close": projectReturn,
  "returns/cancel": projectReturn,
  "returns/reopen": projectReturn,
  "returns/process": projectReturnChange,
  "returns/update": projectReturnChange,
  "reverse_deliveries/attach_deliverable": projectReturnChange,
  "reverse_fulfillment_orders/dispose": projectReturnChange,
  "refunds/create": projectRefund,
  "app/uninstalled": uninstallShop,
  "app/scopes_update": projectScopes,
  "customers/data_request": exportCustomerData,
  "customers/redact": redactCustomer,
  "shop/redact": redactShop,
};

/** Compliance work may touch every row of a shop; ordinary events touch a handful. */
const TIMEOUT_MS = { ordinary: 15_000, compliance: 120_000 };

/**
 * Projects one webhook event into the mirror. Throws ProjectionError (nothing
 * written) when the payload lacks what the topic requires; processing the same
 * event twice leaves the same rows; an older event never overwrites a newer one.
 */
export async function projectEvent(db: Db, event: WebhookEventToProject): Promise<ProjectionResult> {
  const projector = PROJECTORS[event.topic];
  if (!projector) throw new ProjectionError(`no projection for topic ${String(event.topic)}`);
  if (!isObject(event.payload)) throw new ProjectionError(`${event.topic} payload is not a JSON object`);
  if (event.shop === "") throw new ProjectionError("event has no shop");
  const projectable: ProjectableEvent = {
    shop: event.shop,
    topic: event.topic,
    payload: event.payload,
    triggeredAt: event.triggeredAt ?? null,
  };
  const timeoutMs = isCompliance(event.topic) ? TIMEOUT_MS.compliance : TIMEOUT_MS.ordinary;
  return inTransaction(
    db,
    async (tx): Promise<ProjectionResult> => {
      // The receiver already refuses events of shops that are not installed; this
      // covers one stored just before app/uninstalled or shop/redact was processed.
      if (!acceptsTopic(await installStateOf(tx, event.shop), event.topic)) return { refused: "shop_not_installed" };
      return projector(tx, projectable);
    },
    { timeoutMs },
  );
}
