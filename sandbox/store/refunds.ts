// Refunds: money back through REFUND transactions, optionally for line items
// (restocked to a location) and shipping. Never more than was paid unless
// the caller allows over-refunding, as Shopify does.
import { adjustInventory, type InventoryChange } from "./catalogue.ts";
import { currentTotal, refundedQuantity } from "./derive.ts";
import { StoreError } from "./errors.ts";
import { compare, subtract, sum, times } from "./money.ts";
import type { ShopData } from "./shop-data.ts";
import type { Decimal, Id, InventoryLevel, Order, Refund, RefundLine, RestockType } from "./types.ts";

export interface RefundLineInput {
  lineItemId: Id;
  quantity: number;
  restockType?: RestockType | null;
  locationId?: Id | null;
}

export interface NewRefund {
  orderId: Id;
  lines?: RefundLineInput[];
  shipping?: { amount?: Decimal | null; full?: boolean | null } | null;
  /** Money sent back; without transactions the refund records items only. */
  transactions?: { amount: Decimal; gateway?: string | null; parentId?: Id | null }[];
  note?: string | null;
  returnId?: Id | null;
  allowOverRefunding?: boolean;
  at?: Date;
}

export interface RefundResult {
  refund: Refund;
  /** Stock put back by restocked line items. */
  restocked: InventoryLevel[];
}

export function createRefund(data: ShopData, input: NewRefund): RefundResult {
  const order = data.requireOrder(input.orderId, ["orderId"]);
  const at = input.at ?? data.now();
  const lines = (input.lines ?? []).map((line, index) => refundLine(data, order, line, index));
  const shipping = shippingRefund(data, order, input.shipping);
  const amounts = (input.transactions ?? []).map((t) => t.amount);
  if (!input.allowOverRefunding && compare(sum(amounts), currentTotal(data, order)) > 0) {
    throw new StoreError(
      `Refund amount ${sum(amounts)} is greater than the refundable amount ${currentTotal(data, order)}`,
      ["transactions"],
      "INVALID",
    );
  }
  const restocks = restockChanges(data, order, input.lines ?? []);
  const sale = order.transactions.find((t) => t.kind === "SALE" || t.kind === "CAPTURE");
  const refund: Refund = {
    id: data.nextId("refund"),
    orderId: order.id,
    returnId: input.returnId ?? null,
    note: input.note ?? null,
    lines,
    shipping,
    transactions: (input.transactions ?? []).map((t) => ({
      id: data.nextId("transaction"),
      orderId: order.id,
      kind: "REFUND" as const,
      status: "SUCCESS" as const,
      amount: t.amount,
      gateway: t.gateway ?? order.paymentGateway,
      parentId: t.parentId ?? sale?.id ?? null,
      createdAt: at,
    })),
    createdAt: at,
    updatedAt: at,
  };
  data.refunds.set(refund.id, refund);
  order.transactions.push(...refund.transactions);
  const restocked = adjustInventory(data, restocks, at).map((change) => change.level);
  data.touchOrder(order.id, at);
  return { refund, restocked };
}

function refundLine(data: ShopData, order: Order, input: RefundLineInput, index: number): RefundLine {
  const field = ["refundLineItems", String(index)];
  const item = order.lineItems.find((lineItem) => lineItem.id === input.lineItemId);
  if (!item) throw new StoreError("Line item does not belong to the order", [...field, "lineItemId"], "NOT_FOUND");
  const refundable = item.quantity - refundedQuantity(data, order, item.id);
  if (input.quantity < 1 || input.quantity > refundable) {
    throw new StoreError(
      `Quantity must be between 1 and ${refundable} (the quantity not yet refunded)`,
      [...field, "quantity"],
      "INVALID",
    );
  }
  return {
    id: data.nextId("refundLine"),
    lineItemId: item.id,
    quantity: input.quantity,
    restockType: input.restockType ?? "NO_RESTOCK",
    locationId: input.locationId ?? null,
    subtotal: times(item.price, input.quantity),
  };
}

function shippingRefund(data: ShopData, order: Order, shipping: NewRefund["shipping"]): Decimal {
  const refundedShipping = sum(data.refundsOf(order.id).map((refund) => refund.shipping));
  const left = subtract(order.shippingPrice, refundedShipping);
  if (!shipping) return "0";
  if (shipping.full) return left;
  const amount = shipping.amount ?? "0";
  if (compare(amount, left) > 0) {
    throw new StoreError(`Shipping refund cannot exceed ${left}`, ["shipping", "amount"], "INVALID");
  }
  return amount;
}

/** Items refunded with restock type RETURN or CANCEL go back to stock at their location. */
function restockChanges(data: ShopData, order: Order, lines: readonly RefundLineInput[]): InventoryChange[] {
  const shipsFrom = data.fulfillmentOrdersOf(order.id)[0]?.locationId;
  return lines.flatMap((line) => {
    if (line.restockType !== "RETURN" && line.restockType !== "CANCEL") return [];
    const item = order.lineItems.find((lineItem) => lineItem.id === line.lineItemId);
    const variant = item?.variantId ? data.variants.get(item.variantId) : undefined;
    const locationId = line.locationId ?? shipsFrom;
    if (!variant || !locationId || !data.level(variant.inventoryItemId, locationId)) return [];
    return [{ inventoryItemId: variant.inventoryItemId, locationId, delta: line.quantity }];
  });
}
