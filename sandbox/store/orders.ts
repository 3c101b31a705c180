// Orders: checkout creates the order, its sale transaction and one open
// fulfillment order at the shipping location; cancelling closes it.
import { createHash } from "node:crypto";
import { StoreError } from "./errors.ts";
import { orderTotal } from "./derive.ts";
import { createRefund } from "./refunds.ts";
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
  at?: Date;
}

export function cancelOrder(data: ShopData, orderId: Id, cancellation: Cancellation): Order {
  const order = data.requireOrder(orderId, ["orderId"]);
  if (order.cancelledAt) throw new StoreError("Order has already been cancelled", ["orderId"], "INVALID");
  const at = cancellation.at ?? data.now();
  order.cancelledAt = at;
  order.cancelReason = cancellation.reason;
  order.closedAt = at;
  for (const fulfillmentOrder of data.fulfillmentOrdersOf(order.id)) {
    if (fulfillmentOrder.status === "CLOSED") continue;
    fulfillmentOrder.status = "CLOSED";
    fulfillmentOrder.holds = [];
    fulfillmentOrder.updatedAt = at;
  }
  if (cancellation.refund && order.paymentStatus === "PAID") {
    createRefund(data, {
      orderId: order.id,
      note: "Order cancelled",
      // Orders do not reserve stock in the sandbox, so nothing goes back to stock either.
      lines: order.lineItems.map((item) => ({ lineItemId: item.id, quantity: item.quantity })),
      shipping: { full: true },
      transactions: [{ amount: orderTotal(order) }],
      at,
    });
  } else if (order.paymentStatus !== "PAID") {
    order.paymentStatus = "VOIDED";
  }
  data.touchOrder(order.id, at);
  return order;
}
