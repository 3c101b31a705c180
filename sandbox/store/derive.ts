// What Shopify computes from the stored records: totals, financial and
// fulfillment statuses, a parcel's latest scan, what can still be returned or
// refunded. The Admin API emulator and the webhook payloads both read these, so
// a webhook and a GraphQL answer always describe the same order.
import { compareIds } from "./ids.ts";
import { compare, isZero, subtract, sum, times } from "./money.ts";
import type { ShopData } from "./shop-data.ts";
import type {
  Decimal,
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  Id,
  LineItem,
  Order,
  Refund,
  Return,
} from "./types.ts";

export function lineTotal(item: LineItem): Decimal {
  return times(item.price, item.quantity);
}

export function subtotal(order: Order): Decimal {
  return sum(order.lineItems.map(lineTotal));
}

/** What the customer was charged at checkout (taxes are included in JPY prices). */
export function orderTotal(order: Order): Decimal {
  const total = sum([subtotal(order), order.shippingPrice]);
  return order.taxesIncluded ? total : sum([total, order.totalTax]);
}

export function refundTotal(refund: Refund): Decimal {
  return sum(refund.transactions.filter((t) => t.status === "SUCCESS").map((t) => t.amount));
}

export function totalRefunded(data: ShopData, order: Order): Decimal {
  return sum(data.refundsOf(order.id).map(refundTotal));
}

export function currentTotal(data: ShopData, order: Order): Decimal {
  return subtract(orderTotal(order), totalRefunded(data, order));
}

/**
 * What can still be refunded: the money captured (sales and captures) less
 * what was refunded (to the card or as store credit). Never above what was paid.
 */
export function refundableAmount(data: ShopData, order: Order): Decimal {
  const paid = sum(
    order.transactions
      .filter((t) => (t.kind === "SALE" || t.kind === "CAPTURE") && t.status === "SUCCESS")
      .map((t) => t.amount),
  );
  const left = subtract(paid, totalRefunded(data, order));
  return compare(left, "0") > 0 ? left : "0";
}

export type FinancialStatus = Order["paymentStatus"] | "PARTIALLY_REFUNDED" | "REFUNDED";

export function financialStatus(data: ShopData, order: Order): FinancialStatus {
  const refunded = totalRefunded(data, order);
  if (isZero(refunded)) return order.paymentStatus;
  return compare(refunded, orderTotal(order)) >= 0 ? "REFUNDED" : "PARTIALLY_REFUNDED";
}

export function fulfilledQuantity(data: ShopData, lineItemId: Id): number {
  let quantity = 0;
  for (const fulfillment of data.fulfillments.values()) {
    if (fulfillment.status !== "SUCCESS") continue;
    for (const line of fulfillment.lines) if (line.lineItemId === lineItemId) quantity += line.quantity;
  }
  return quantity;
}

export function refundedQuantity(data: ShopData, order: Order, lineItemId: Id): number {
  let quantity = 0;
  for (const refund of data.refundsOf(order.id)) {
    for (const line of refund.lines) if (line.lineItemId === lineItemId) quantity += line.quantity;
  }
  return quantity;
}

export type DisplayFulfillmentStatus = "FULFILLED" | "PARTIALLY_FULFILLED" | "ON_HOLD" | "IN_PROGRESS" | "UNFULFILLED";

export function displayFulfillmentStatus(data: ShopData, order: Order): DisplayFulfillmentStatus {
  const ordered = order.lineItems.reduce((total, item) => total + item.quantity, 0);
  const fulfilled = order.lineItems.reduce((total, item) => total + fulfilledQuantity(data, item.id), 0);
  if (ordered > 0 && fulfilled >= ordered) return "FULFILLED";
  if (fulfilled > 0) return "PARTIALLY_FULFILLED";
  const statuses = data.fulfillmentOrdersOf(order.id).map((fo) => fo.status);
  if (statuses.includes("ON_HOLD")) return "ON_HOLD";
  if (statuses.includes("IN_PROGRESS")) return "IN_PROGRESS";
  return "UNFULFILLED";
}

/** REST's order-level `fulfillment_status`: null until something ships. */
export function restFulfillmentStatus(status: DisplayFulfillmentStatus): string | null {
  if (status === "FULFILLED") return "fulfilled";
  if (status === "PARTIALLY_FULFILLED") return "partial";
  return null;
}

function byHappenedAt(a: FulfillmentEvent, b: FulfillmentEvent): number {
  return a.happenedAt.getTime() - b.happenedAt.getTime() || compareIds(a.id, b.id);
}

/** Carrier scans, oldest first. */
export function eventsByTime(data: ShopData, fulfillmentId: Id): FulfillmentEvent[] {
  return data.eventsOf(fulfillmentId).sort(byHappenedAt);
}

export function latestEvent(data: ShopData, fulfillmentId: Id): FulfillmentEvent | undefined {
  return eventsByTime(data, fulfillmentId).at(-1);
}

export type FulfillmentDisplayStatus = FulfillmentEventStatus | "CANCELED" | "FULFILLED";

/** What the admin shows for a parcel: its latest scan, else just "fulfilled". */
export function fulfillmentDisplayStatus(data: ShopData, fulfillment: Fulfillment): FulfillmentDisplayStatus {
  if (fulfillment.status === "CANCELLED") return "CANCELED";
  return latestEvent(data, fulfillment.id)?.status ?? "FULFILLED";
}

/** REST's `shipment_status`: the latest scan in lower case, null before any scan. */
export function shipmentStatus(data: ShopData, fulfillment: Fulfillment): string | null {
  if (fulfillment.status === "CANCELLED") return null;
  return latestEvent(data, fulfillment.id)?.status.toLowerCase() ?? null;
}

export function inTransitAt(data: ShopData, fulfillmentId: Id): Date | null {
  return eventsByTime(data, fulfillmentId).find((event) => event.status === "IN_TRANSIT")?.happenedAt ?? null;
}

export function deliveredAt(data: ShopData, fulfillmentId: Id): Date | null {
  return eventsByTime(data, fulfillmentId).find((event) => event.status === "DELIVERED")?.happenedAt ?? null;
}

/** The carrier's latest estimate. */
export function estimatedDeliveryAt(data: ShopData, fulfillmentId: Id): Date | null {
  const estimates = eventsByTime(data, fulfillmentId).filter((event) => event.estimatedDeliveryAt !== null);
  return estimates.at(-1)?.estimatedDeliveryAt ?? null;
}

function isActiveReturn(ret: Return): boolean {
  return ret.status !== "DECLINED" && ret.status !== "CANCELED";
}

/** How many of a fulfillment line item are already in a return that was not declined or canceled. */
export function quantityInReturns(data: ShopData, fulfillmentLineItemId: Id): number {
  let quantity = 0;
  for (const ret of data.returns.values()) {
    if (!isActiveReturn(ret)) continue;
    for (const line of ret.lines) if (line.fulfillmentLineItemId === fulfillmentLineItemId) quantity += line.quantity;
  }
  return quantity;
}

export interface ReturnableLine {
  fulfillmentLineItemId: Id;
  lineItem: LineItem;
  quantity: number;
}

/** What the customer can still send back from one delivered (or shipped) parcel. */
export function returnableLines(data: ShopData, fulfillment: Fulfillment): ReturnableLine[] {
  if (fulfillment.status !== "SUCCESS") return [];
  const order = data.requireOrder(fulfillment.orderId);
  return fulfillment.lines.flatMap((line) => {
    const lineItem = order.lineItems.find((item) => item.id === line.lineItemId);
    const quantity = line.quantity - quantityInReturns(data, line.id);
    return lineItem && quantity > 0 ? [{ fulfillmentLineItemId: line.id, lineItem, quantity }] : [];
  });
}

export type OrderReturnStatus = "NO_RETURN" | "RETURN_REQUESTED" | "IN_PROGRESS" | "RETURNED";

export function orderReturnStatus(data: ShopData, order: Order): OrderReturnStatus {
  const returns = data.returnsOf(order.id);
  if (returns.some((ret) => ret.status === "REQUESTED")) return "RETURN_REQUESTED";
  if (returns.some((ret) => ret.status === "OPEN")) return "IN_PROGRESS";
  if (returns.some((ret) => ret.status === "CLOSED")) return "RETURNED";
  return "NO_RETURN";
}

export function inventoryQuantity(data: ShopData, inventoryItemId: Id): number {
  return data.levelsOfItem(inventoryItemId).reduce((total, level) => total + level.available, 0);
}

/** The order's line item a fulfillment line item ships. */
export function lineItemOfFulfillmentLine(data: ShopData, fulfillmentLineItemId: Id): LineItem | undefined {
  const line = data.fulfillmentOfLine(fulfillmentLineItemId)?.lines.find((l) => l.id === fulfillmentLineItemId);
  return line ? data.lineItems.get(line.lineItemId) : undefined;
}
