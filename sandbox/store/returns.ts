// Returns (Shopify's 2025-07+ flow): a customer requests one (REQUESTED), the
// seller approves (OPEN) or declines (DECLINED) it, or creates one OPEN at
// once; processing the returned items may refund them; closing ends it.
import { quantityInReturns } from "./derive.ts";
import { StoreError } from "./errors.ts";
import { createRefund, type RefundResult } from "./refunds.ts";
import type { ShopData } from "./shop-data.ts";
import type {
  Decimal,
  Id,
  Order,
  Return,
  ReturnDeclineReason,
  ReturnLine,
  ReturnReason,
  ReturnStatus,
} from "./types.ts";

export interface ReturnLineInput {
  fulfillmentLineItemId: Id;
  quantity: number;
  returnReason?: ReturnReason | null;
  returnReasonNote?: string | null;
  customerNote?: string | null;
}

export interface NewReturn {
  orderId: Id;
  lines: ReturnLineInput[];
  at?: Date;
}

/** A customer's request, waiting for the seller. */
export function requestReturn(data: ShopData, input: NewReturn): Return {
  return openReturn(data, input, "REQUESTED");
}

/** A return the seller creates, open at once. */
export function createReturn(data: ShopData, input: NewReturn): Return {
  return openReturn(data, input, "OPEN");
}

function openReturn(data: ShopData, input: NewReturn, status: ReturnStatus): Return {
  const order = data.requireOrder(input.orderId, ["orderId"]);
  if (input.lines.length === 0)
    throw new StoreError("Return must have at least one line item", ["returnLineItems"], "BLANK");
  const at = input.at ?? data.now();
  const lines = input.lines.map((line, index) => returnLine(data, order, line, index));
  const ret: Return = {
    id: data.nextId("return"),
    orderId: order.id,
    name: `${order.name}-R${data.returnsOf(order.id).length + 1}`,
    status,
    lines,
    decline: null,
    createdAt: at,
    updatedAt: at,
    requestApprovedAt: null,
    closedAt: null,
  };
  data.returns.set(ret.id, ret);
  data.touchOrder(order.id, at);
  return ret;
}

function returnLine(data: ShopData, order: Order, input: ReturnLineInput, index: number): ReturnLine {
  const field = ["returnLineItems", String(index)];
  const fulfillment = data.fulfillmentOfLine(input.fulfillmentLineItemId);
  const line = fulfillment?.lines.find((candidate) => candidate.id === input.fulfillmentLineItemId);
  if (!fulfillment || !line || fulfillment.orderId !== order.id) {
    throw new StoreError(
      "Fulfillment line item does not exist on the order",
      [...field, "fulfillmentLineItemId"],
      "NOT_FOUND",
    );
  }
  const returnable = line.quantity - quantityInReturns(data, line.id);
  if (input.quantity < 1 || input.quantity > returnable) {
    throw new StoreError(
      `Quantity must be between 1 and ${returnable} (what can still be returned)`,
      [...field, "quantity"],
      input.quantity < 1 ? "GREATER_THAN" : "LESS_THAN_OR_EQUAL_TO",
    );
  }
  return {
    id: data.nextId("returnLine"),
    fulfillmentLineItemId: line.id,
    quantity: input.quantity,
    processedQuantity: 0,
    returnReason: input.returnReason ?? "UNKNOWN",
    returnReasonNote: input.returnReasonNote ?? "",
    customerNote: input.customerNote ?? null,
  };
}

function requireStatus(ret: Return, allowed: readonly ReturnStatus[], action: string): void {
  if (!allowed.includes(ret.status)) {
    throw new StoreError(`A return with status ${ret.status} cannot be ${action}`, ["id"], "INVALID_STATE");
  }
}

function changed(data: ShopData, ret: Return, at: Date): Return {
  ret.updatedAt = at;
  data.touchOrder(ret.orderId, at);
  return ret;
}

export function approveReturn(data: ShopData, returnId: Id, at = data.now()): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["REQUESTED"], "approved");
  ret.status = "OPEN";
  ret.requestApprovedAt = at;
  return changed(data, ret, at);
}

export function declineReturn(
  data: ShopData,
  returnId: Id,
  decline: { reason: ReturnDeclineReason; note?: string | null },
  at = data.now(),
): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["REQUESTED"], "declined");
  ret.status = "DECLINED";
  ret.decline = { reason: decline.reason, note: decline.note ?? null };
  return changed(data, ret, at);
}

export function closeReturn(data: ShopData, returnId: Id, at = data.now()): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["OPEN"], "closed");
  ret.status = "CLOSED";
  ret.closedAt = at;
  return changed(data, ret, at);
}

export interface ReturnProcessing {
  returnId: Id;
  lines: { returnLineItemId: Id; quantity: number }[];
  /** Money to send back for the processed items (a REFUND transaction). */
  refundAmount?: Decimal | null;
  refundShipping?: { amount?: Decimal | null; full?: boolean | null } | null;
  note?: string | null;
  at?: Date;
}

/** Marks returned items as processed and refunds them when an amount is given. */
export function processReturn(data: ShopData, input: ReturnProcessing): { ret: Return; refund: RefundResult | null } {
  const ret = data.requireReturn(input.returnId, ["returnId"]);
  requireStatus(ret, ["OPEN"], "processed");
  const at = input.at ?? data.now();
  const processed = input.lines.map((line, index) => {
    const field = ["returnLineItems", String(index)];
    const returnLine = ret.lines.find((candidate) => candidate.id === line.returnLineItemId);
    if (!returnLine) throw new StoreError("Return line item does not exist", [...field, "id"], "NOT_FOUND");
    if (line.quantity < 1 || line.quantity > returnLine.quantity - returnLine.processedQuantity) {
      throw new StoreError("Quantity is more than what is left to process", [...field, "quantity"], "INVALID");
    }
    return { returnLine, quantity: line.quantity };
  });
  const refund = refundFor(data, ret, processed, input, at);
  for (const { returnLine, quantity } of processed) returnLine.processedQuantity += quantity;
  return { ret: changed(data, ret, at), refund };
}

function refundFor(
  data: ShopData,
  ret: Return,
  processed: { returnLine: ReturnLine; quantity: number }[],
  input: ReturnProcessing,
  at: Date,
): RefundResult | null {
  if (!input.refundAmount && !input.refundShipping) return null;
  const lines = processed.flatMap(({ returnLine, quantity }) => {
    const fulfillment = data.fulfillmentOfLine(returnLine.fulfillmentLineItemId);
    const lineItemId = fulfillment?.lines.find((line) => line.id === returnLine.fulfillmentLineItemId)?.lineItemId;
    return lineItemId ? [{ lineItemId, quantity, restockType: "NO_RESTOCK" as const }] : [];
  });
  return createRefund(data, {
    orderId: ret.orderId,
    returnId: ret.id,
    note: input.note ?? null,
    lines,
    shipping: input.refundShipping ?? null,
    transactions: input.refundAmount ? [{ amount: input.refundAmount }] : [],
    at,
  });
}
