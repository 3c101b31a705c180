// Orders: checkout creates the order, its sale transaction and one open
// fulfillment order at the shipping location; cancelling closes it.
import { createHash } from "node:crypto";
import { StoreError } from "./errors.ts";
import { compare } from "./money.ts";
import { orderTotal, refundableAmount, refundedQuantity } from "./derive.ts";
import { createRefund, creditStoreCredit, STORE_CREDIT_GATEWAY, type RefundResult } from "./refunds.ts";
import type { ShopData } from "./shop-data.ts";
import type { Address, CancelReason, Decimal, Id, LineItem, Order, PaymentStatus } from "./types.ts";

export interface NewOrder {
  /** Null for a guest checkout: then give locale, email and address. */
  customerId: Id | null;
  lineItems: { variantId: Id; quantity: number }[];
  createdAt: Date;
  customerLocale?: string;
  email?: string | null;
  phone?: string | null;
  /** Defaults to the customer's address. */
  shippingAddress?: Address | null;
  shippingTitle?: string;
  shippingPrice?: Decimal;
  paymentStatus?: PaymentStatus;
  /** Where it ships from; defaults to the first location. */
  locationId?: Id;
  note?: string | null;
  tags?: string[];
}

/** Japan's 10% consumption tax, included in the price: total × 10 / 110, rounded down. */
function includedTax(total: Decimal): Decimal {
  const [whole = "0", fraction = ""] = total.split(".");
  const units = BigInt(`${whole}${fraction}`);
  const tax = ((units * 10n) / 110n).toString().padStart(fraction.length + 1, "0");
  return fraction.length ? `${tax.slice(0, -fraction.length)}.${tax.slice(-fraction.length)}` : tax;
}

function lineItemFor(data: ShopData, orderId: Id, variantId: Id, quantity: number, index: number): LineItem {
  const variant = data.requireVariant(variantId, ["lineItems", String(index), "variantId"]);
  const product = data.requireProduct(variant.productId);
  if (quantity < 1)
    throw new StoreError("Quantity must be at least 1", ["lineItems", String(index), "quantity"], "INVALID");
  return {
    id: data.nextId("lineItem"),
    orderId,
    productId: product.id,
    variantId: variant.id,
    title: product.title,
    variantTitle: variant.title === "Default Title" ? null : variant.title,
    sku: variant.sku,
    vendor: product.vendor,
    quantity,
    price: variant.price,
    requiresShipping: true,
    grams: 500,
  };
}

export function createOrder(data: ShopData, input: NewOrder): Order {
  const customer = input.customerId ? data.requireCustomer(input.customerId, ["customerId"]) : null;
  const at = input.createdAt;
  const id = data.nextId("order");
  const lineItems = input.lineItems.map((line, index) => lineItemFor(data, id, line.variantId, line.quantity, index));
  const number = data.nextOrderNumber();
  const order: Order = {
    id,
    number,
    name: `#${number}`,
    customerId: customer?.id ?? null,
    email: input.email !== undefined ? input.email : (customer?.email ?? null),
    phone: input.phone !== undefined ? input.phone : (customer?.phone ?? null),
    customerLocale: input.customerLocale ?? customer?.locale ?? "en",
    currency: data.shop.currency,
    lineItems,
    shippingLineId: data.nextId("lineItem"),
    shippingTitle: input.shippingTitle ?? "Standard shipping",
    shippingPrice: input.shippingPrice ?? "0",
    taxesIncluded: true,
    totalTax: "0",
    paymentStatus: input.paymentStatus ?? "PAID",
    paymentGateway: "shopify_payments",
    transactions: [],
    shippingAddress: input.shippingAddress !== undefined ? input.shippingAddress : (customer?.address ?? null),
    billingAddress: input.shippingAddress ?? customer?.address ?? null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    token: createHash("sha256").update(`${data.domain}:${number}`).digest("hex").slice(0, 32),
    createdAt: at,
    processedAt: at,
    updatedAt: at,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
  };
  order.totalTax = includedTax(orderTotal(order));
  if (order.paymentStatus === "PAID") {
    order.transactions.push({
      id: data.nextId("transaction"),
      orderId: order.id,
      kind: "SALE",
      status: "SUCCESS",
      amount: orderTotal(order),
      gateway: order.paymentGateway,
      parentId: null,
      createdAt: at,
    });
  }
  data.orders.set(order.id, order);
  for (const item of lineItems) data.lineItems.set(item.id, item);
  openFulfillmentOrder(data, order, input.locationId, at);
  return order;
}

function openFulfillmentOrder(data: ShopData, order: Order, locationId: Id | undefined, at: Date): void {
  const location = locationId ? data.requireLocation(locationId) : [...data.locations.values()][0];
  if (!location) throw new StoreError("The shop has no location to fulfill from", ["locationId"], "INVALID");
  const fulfillmentOrder = {
    id: data.nextId("fulfillmentOrder"),
    orderId: order.id,
    locationId: location.id,
    status: "OPEN" as const,
    lines: order.lineItems.map((item) => ({
      id: data.nextId("fulfillmentOrderLine"),
      lineItemId: item.id,
      totalQuantity: item.quantity,
      remainingQuantity: item.quantity,
    })),
    holds: [],
    fulfillBy: null,
    createdAt: at,
    updatedAt: at,
  };
  data.fulfillmentOrders.set(fulfillmentOrder.id, fulfillmentOrder);
}

export interface Cancellation {
  reason: CancelReason;
  /** Refund what was paid (the seed's cancelled orders are refunded in full). */
  refund: boolean;
  /** Refund as store credit instead of to the original payment (needs a customer). */
  storeCredit?: { expiresAt: Date | null } | null;
  /** Put the order's items back to stock at the location they were to ship from. */
  restock?: boolean;
  staffNote?: string | null;
  at?: Date;
}

export const STAFF_NOTE_MAX = 255;

/**
 * Why the order cannot be cancelled, as Shopify documents it: already
 * cancelled, a return in progress, or fulfillments that cannot be cancelled
 * (the sandbox cannot cancel a fulfillment, so any fulfilled item refuses).
 */
export function checkCancellable(data: ShopData, order: Order, cancellation: Omit<Cancellation, "reason">): void {
  if (order.cancelledAt) throw new StoreError("Order has already been cancelled", ["orderId"], "INVALID");
  if (data.returnsOf(order.id).some((ret) => ret.status === "REQUESTED" || ret.status === "OPEN")) {
    throw new StoreError("Order can't be cancelled while a return is in progress", ["orderId"], "INVALID");
  }
  if (data.fulfillmentsOf(order.id).some((fulfillment) => fulfillment.status === "SUCCESS")) {
    throw new StoreError("Order can't be cancelled because it has fulfillments", ["orderId"], "INVALID");
  }
  if (cancellation.staffNote && cancellation.staffNote.length > STAFF_NOTE_MAX) {
    throw new StoreError(`Staff note is too long (maximum is ${STAFF_NOTE_MAX} characters)`, ["staffNote"], "INVALID");
  }
  if (cancellation.refund && cancellation.storeCredit) {
    if (!order.customerId) {
      throw new StoreError(
        "Store credit can only be issued to an order with a customer",
        ["refundMethod", "storeCreditRefund"],
        "STORE_CREDIT_REFUND_MISSING_CUSTOMER",
      );
    }
    const expiresAt = cancellation.storeCredit.expiresAt;
    if (expiresAt && expiresAt <= (cancellation.at ?? data.now())) {
      throw new StoreError(
        "Store credit expiry date can't be in the past",
        ["refundMethod", "storeCreditRefund", "expiresAt"],
        "STORE_CREDIT_REFUND_EXPIRATION_IN_PAST",
      );
    }
  }
}

export interface CancelResult {
  order: Order;
  refund: RefundResult | null;
}

export function cancelOrder(data: ShopData, orderId: Id, cancellation: Cancellation): Order {
  return cancelOrderWithRefund(data, orderId, cancellation).order;
}

/** Cancels the order (after checkCancellable's rules), refunding and restocking when asked. */
export function cancelOrderWithRefund(data: ShopData, orderId: Id, cancellation: Cancellation): CancelResult {
  const order = data.requireOrder(orderId, ["orderId"]);
  checkCancellable(data, order, cancellation);
  const at = cancellation.at ?? data.now();
  const restock = cancellation.restock === true;
  const lines = order.lineItems
    .map((item) => ({ item, quantity: item.quantity - refundedQuantity(data, order, item.id) }))
    .filter((line) => line.quantity > 0)
    .map(({ item, quantity }) => ({
      lineItemId: item.id,
      quantity,
      restockType: restock ? ("CANCEL" as const) : ("NO_RESTOCK" as const),
    }));
  const refundable = refundableAmount(data, order);
  const money = cancellation.refund && compare(refundable, "0") > 0;
  let refund: RefundResult | null = null;
  if (money || restock) {
    refund = createRefund(data, {
      orderId: order.id,
      note: cancellation.staffNote ?? "Order cancelled",
      // Orders do not reserve stock in the sandbox: a restock puts the items back on top of what is available.
      lines,
      shipping: money ? { full: true } : null,
      transactions: money
        ? [{ amount: refundable, gateway: cancellation.storeCredit ? STORE_CREDIT_GATEWAY : null }]
        : [],
      at,
    });
    if (money && cancellation.storeCredit && order.customerId) {
      creditStoreCredit(
        data,
        order.customerId,
        [{ amount: refundable, expiresAt: cancellation.storeCredit.expiresAt }],
        refund.refund.id,
        at,
      );
    }
  }
  order.cancelledAt = at;
  order.cancelReason = cancellation.reason;
  order.closedAt = at;
  for (const fulfillmentOrder of data.fulfillmentOrdersOf(order.id)) {
    if (fulfillmentOrder.status === "CLOSED") continue;
    fulfillmentOrder.status = "CLOSED";
    fulfillmentOrder.holds = [];
    fulfillmentOrder.updatedAt = at;
  }
  if (order.paymentStatus !== "PAID") order.paymentStatus = "VOIDED";
  data.touchOrder(order.id, at);
  return { order, refund };
}
