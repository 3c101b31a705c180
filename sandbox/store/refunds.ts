// Refunds: money back through REFUND transactions, optionally for line items
// (restocked to a location) and shipping. Never more than was paid unless
// the caller allows over-refunding, as Shopify does.
import { adjustInventory, type InventoryChange } from "./catalogue.ts";
import { refundableAmount, refundedQuantity } from "./derive.ts";
import { StoreError } from "./errors.ts";
import { compare, currencyDecimals, includedTax, min, subtract, sum, times } from "./money.ts";
import type { ShopData } from "./shop-data.ts";
import type {
  Decimal,
  Id,
  InventoryLevel,
  Order,
  Refund,
  RefundLine,
  RestockType,
  StoreCreditAccount,
} from "./types.ts";

/** The gateway of store credit refunds: the customer gets credit, no money goes back to the card. */
export const STORE_CREDIT_GATEWAY = "shopify_store_credit";

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
  /** Where the input sits in the mutation's arguments, for the userError's field (e.g. returnProcess's issueRefund). */
  fieldPrefix?: string[];
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
  const prefix = input.fieldPrefix ?? [];
  const within = (error: unknown): never => {
    if (error instanceof StoreError && prefix.length && error.field) {
      throw new StoreError(error.message, [...prefix, ...error.field], error.code);
    }
    throw error;
  };
  let lines: RefundLine[] = [];
  let shipping: Decimal = "0";
  try {
    lines = (input.lines ?? []).map((line, index) => refundLine(data, order, line, index));
    shipping = shippingRefund(data, order, input.shipping);
  } catch (error) {
    within(error);
  }
  const amounts = (input.transactions ?? []).map((t) => t.amount);
  const refundable = refundableAmount(data, order);
  if (!input.allowOverRefunding && compare(sum(amounts), refundable) > 0) {
    throw new StoreError(
      `Refund amount ${sum(amounts)} is greater than the refundable amount ${refundable}`,
      [...prefix, "transactions"],
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
      parentId: t.gateway === STORE_CREDIT_GATEWAY ? null : (t.parentId ?? sale?.id ?? null),
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

/** Adds store credit to the customer's account (created on first credit), one transaction per credit. */
export function creditStoreCredit(
  data: ShopData,
  customerId: Id,
  credits: readonly { amount: Decimal; expiresAt: Date | null }[],
  refundId: Id | null,
  at: Date,
): StoreCreditAccount {
  let account = data.storeCreditAccounts.get(customerId);
  if (!account) {
    account = { id: data.nextId("storeCreditAccount"), customerId, balance: "0", transactions: [] };
    data.storeCreditAccounts.set(customerId, account);
  }
  for (const credit of credits) {
    account.transactions.push({
      id: data.nextId("storeCreditTransaction"),
      amount: credit.amount,
      refundId,
      expiresAt: credit.expiresAt,
      createdAt: at,
    });
    account.balance = sum([account.balance, credit.amount]);
  }
  return account;
}

export interface RefundSuggestionInput {
  lines?: { lineItemId: Id; quantity: number; restockType?: RestockType | null; locationId?: Id | null }[];
  /** Refund all the shipping not yet refunded. */
  refundShipping?: boolean;
  /** Refund this much shipping (at most what is left). */
  shippingAmount?: Decimal | null;
  /** Everything not yet refunded: every line and the shipping. */
  full?: boolean;
}

export interface RefundSuggestion {
  lines: RefundLine[];
  subtotal: Decimal;
  shipping: Decimal;
  shippingRefundable: Decimal;
  tax: Decimal;
  /** What to refund: lines and shipping, at most what can still be refunded. */
  amount: Decimal;
  maximumRefundable: Decimal;
}

/** Order.suggestedRefund: what a refund of these lines and this shipping would give back (nothing changes). */
export function suggestRefund(data: ShopData, order: Order, input: RefundSuggestionInput): RefundSuggestion {
  const remaining = (item: Order["lineItems"][number]) => item.quantity - refundedQuantity(data, order, item.id);
  const wanted = input.full
    ? order.lineItems.map((item) => ({
        lineItemId: item.id,
        quantity: remaining(item),
        restockType: null,
        locationId: null,
      }))
    : (input.lines ?? []);
  const lines = wanted.flatMap((line, index) => {
    const item = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
    if (!item)
      throw new StoreError("Line item does not belong to the order", ["refundLineItems", String(index)], "NOT_FOUND");
    const quantity = Math.min(Math.max(0, line.quantity), remaining(item));
    if (quantity === 0) return [];
    return [
      {
        id: "",
        lineItemId: item.id,
        quantity,
        restockType: line.restockType ?? "NO_RESTOCK",
        locationId: line.locationId ?? null,
        subtotal: times(item.price, quantity),
      },
    ];
  });
  const refundedShipping = sum(data.refundsOf(order.id).map((refund) => refund.shipping));
  const shippingRefundable = subtract(order.shippingPrice, refundedShipping);
  const shipping =
    input.full || input.refundShipping
      ? shippingRefundable
      : input.shippingAmount
        ? min(input.shippingAmount, shippingRefundable)
        : "0";
  const subtotal = sum(lines.map((line) => line.subtotal));
  const maximumRefundable = refundableAmount(data, order);
  return {
    lines,
    subtotal,
    shipping,
    shippingRefundable,
    tax: includedTax(subtotal, currencyDecimals(order.currency)),
    amount: min(sum([subtotal, shipping]), maximumRefundable),
    maximumRefundable,
  };
}
