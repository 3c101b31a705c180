// Returns (Shopify's 2025-07+ flow): a customer requests one (REQUESTED), the
// seller approves (OPEN) or declines (DECLINED) it, or creates one OPEN at
// once (the only way to add exchange lines). An open return has a reverse
// fulfillment order (what comes back, its label and tracking, what was done
// with each item); processing confirms returned and exchanged quantities,
// disposes of the items (restock or not), ships the exchange and may refund
// (to the original payment or as store credit); closing ends it, reopening
// opens a closed one again, and cancelling is only possible before any work.
import { adjustInventory, type AppliedChange, type InventoryChange } from "./catalogue.ts";
import { lineItemOfFulfillmentLine, quantityInReturns, refundableAmount } from "./derive.ts";
import { StoreError } from "./errors.ts";
import {
  compare,
  currencyDecimals,
  includedTax,
  isZero,
  min,
  negate,
  percentOf,
  subtract,
  sum,
  times,
} from "./money.ts";
import { createRefund, creditStoreCredit, STORE_CREDIT_GATEWAY, type RefundResult } from "./refunds.ts";
import type { ShopData } from "./shop-data.ts";
import type {
  Decimal,
  DispositionType,
  ExchangeLine,
  FulfillmentOrder,
  Id,
  InventoryLevel,
  LineItem,
  Order,
  Return,
  ReturnDeclineReason,
  ReturnLine,
  ReturnReason,
  ReturnStatus,
  ReverseDelivery,
  ReverseFulfillmentOrder,
  Transaction,
} from "./types.ts";

export const DECLINE_NOTE_MAX = 500;

export interface ReturnLineInput {
  fulfillmentLineItemId: Id;
  quantity: number;
  returnReason?: ReturnReason | null;
  returnReasonDefinitionId?: Id | null;
  returnReasonNote?: string | null;
  customerNote?: string | null;
  restockingFeePercentage?: number | null;
}

export interface ExchangeLineInput {
  variantId: Id;
  quantity: number;
}

export interface NewReturn {
  orderId: Id;
  lines: ReturnLineInput[];
  /** Only returnCreate takes exchange lines; a request cannot. */
  exchangeLines?: ExchangeLineInput[];
  returnShippingFee?: Decimal | null;
  at?: Date;
}

/** Legacy ReturnReason values and the standard reason each stands for (both ways). */
const REASON_HANDLES: Record<ReturnReason, string | null> = {
  COLOR: "color",
  DEFECTIVE: "defective",
  NOT_AS_DESCRIBED: "not-as-described",
  OTHER: "other",
  SIZE_TOO_LARGE: "size-too-large",
  SIZE_TOO_SMALL: "size-too-small",
  STYLE: "style",
  UNKNOWN: null,
  UNWANTED: "changed-mind",
  WRONG_ITEM: "wrong-item",
};

function legacyReasonOf(handle: string): ReturnReason {
  if (handle === "damaged") return "DEFECTIVE";
  const entry = Object.entries(REASON_HANDLES).find(([, candidate]) => candidate === handle);
  return (entry?.[0] as ReturnReason | undefined) ?? "OTHER";
}

/** A customer's request, waiting for the seller. */
export function requestReturn(data: ShopData, input: NewReturn): Return {
  if (input.exchangeLines?.length) {
    throw new StoreError("A return request cannot have exchange line items", ["exchangeLineItems"], "INVALID");
  }
  return openReturn(data, input, "REQUESTED");
}

/** A return the seller creates, open at once (with its reverse fulfillment order). */
export function createReturn(data: ShopData, input: NewReturn): Return {
  return openReturn(data, input, "OPEN");
}

function openReturn(data: ShopData, input: NewReturn, status: ReturnStatus): Return {
  const order = data.requireOrder(input.orderId, ["orderId"]);
  if (order.cancelledAt) throw new StoreError("Order has been cancelled", ["orderId"], "INVALID_STATE");
  if (input.lines.length === 0)
    throw new StoreError("Return must have at least one line item", ["returnLineItems"], "BLANK");
  const at = input.at ?? data.now();
  const lines = input.lines.map((line, index) => returnLine(data, order, line, index, input.lines));
  const exchangeLines = (input.exchangeLines ?? []).map((line, index) => exchangeLine(data, line, index));
  const fee = input.returnShippingFee ?? null;
  if (fee !== null && compare(fee, "0") < 0) {
    throw new StoreError("Return shipping fee must be positive", ["returnShippingFee", "amount"], "GREATER_THAN");
  }
  const ret: Return = {
    id: data.nextId("return"),
    orderId: order.id,
    name: `${order.name}-R${data.returnsOf(order.id).length + 1}`,
    status,
    lines,
    exchangeLines,
    returnShippingFee: fee !== null && !isZero(fee) ? { id: data.nextId("returnShippingFee"), amount: fee } : null,
    returnShippingFeeTaken: false,
    reverseFulfillmentOrders: [],
    decline: null,
    createdAt: at,
    updatedAt: at,
    requestApprovedAt: status === "OPEN" ? at : null,
    closedAt: null,
  };
  if (status === "OPEN") ret.reverseFulfillmentOrders.push(reverseFulfillmentOrderFor(data, ret));
  data.returns.set(ret.id, ret);
  data.touchOrder(order.id, at);
  return ret;
}

function returnLine(
  data: ShopData,
  order: Order,
  input: ReturnLineInput,
  index: number,
  all: readonly ReturnLineInput[],
): ReturnLine {
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
  // The same fulfillment line twice in one input counts once against what is returnable.
  const earlier = all
    .slice(0, index)
    .filter((other) => other.fulfillmentLineItemId === input.fulfillmentLineItemId)
    .reduce((total, other) => total + other.quantity, 0);
  const returnable = line.quantity - quantityInReturns(data, line.id) - earlier;
  if (input.quantity < 1 || input.quantity > returnable) {
    throw new StoreError(
      `Quantity must be between 1 and ${Math.max(0, returnable)} (what can still be returned)`,
      [...field, "quantity"],
      input.quantity < 1 ? "GREATER_THAN" : "LESS_THAN_OR_EQUAL_TO",
    );
  }
  let definitionId: Id | null = null;
  let reason: ReturnReason = input.returnReason ?? "UNKNOWN";
  if (input.returnReasonDefinitionId) {
    const definition = data.requireReturnReasonDefinition(input.returnReasonDefinitionId, [
      ...field,
      "returnReasonDefinitionId",
    ]);
    if (definition.deleted) {
      throw new StoreError(
        "Return reason definition has been deleted",
        [...field, "returnReasonDefinitionId"],
        "INVALID",
      );
    }
    definitionId = definition.id;
    if (!input.returnReason) reason = legacyReasonOf(definition.handle);
  } else if (input.returnReason) {
    const handle = REASON_HANDLES[input.returnReason];
    definitionId = handle ? (data.returnReasonByHandle(handle)?.id ?? null) : null;
  }
  const percentage = input.restockingFeePercentage ?? null;
  if (percentage !== null && (percentage < 0 || percentage > 100)) {
    throw new StoreError(
      "Restocking fee percentage must be between 0 and 100",
      [...field, "restockingFee", "percentage"],
      "INVALID",
    );
  }
  return {
    id: data.nextId("returnLine"),
    fulfillmentLineItemId: line.id,
    quantity: input.quantity,
    processedQuantity: 0,
    returnReason: reason,
    returnReasonDefinitionId: definitionId,
    returnReasonNote: input.returnReasonNote ?? "",
    customerNote: input.customerNote ?? null,
    restockingFeePercentage: percentage,
  };
}

function exchangeLine(data: ShopData, input: ExchangeLineInput, index: number): ExchangeLine {
  const field = ["exchangeLineItems", String(index)];
  const variant = data.requireVariant(input.variantId, [...field, "variantId"]);
  if (input.quantity < 1)
    throw new StoreError("Quantity must be greater than 0", [...field, "quantity"], "GREATER_THAN");
  return {
    id: data.nextId("exchangeLine"),
    variantId: variant.id,
    quantity: input.quantity,
    processedQuantity: 0,
    lineItemIds: [],
  };
}

function reverseFulfillmentOrderFor(data: ShopData, ret: Return): ReverseFulfillmentOrder {
  return {
    id: data.nextId("reverseFulfillmentOrder"),
    status: "OPEN",
    lines: ret.lines.map((line) => ({
      id: data.nextId("reverseFulfillmentOrderLine"),
      returnLineId: line.id,
      fulfillmentLineItemId: line.fulfillmentLineItemId,
      totalQuantity: line.quantity,
      dispositions: [],
    })),
    deliveries: [],
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

function setReverseStatus(ret: Return, status: ReverseFulfillmentOrder["status"]): void {
  for (const order of ret.reverseFulfillmentOrders) order.status = status;
}

export function approveReturn(data: ShopData, returnId: Id, at = data.now()): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["REQUESTED"], "approved");
  ret.status = "OPEN";
  ret.requestApprovedAt = at;
  if (ret.reverseFulfillmentOrders.length === 0)
    ret.reverseFulfillmentOrders.push(reverseFulfillmentOrderFor(data, ret));
  return changed(data, ret, at);
}

export function declineReturn(
  data: ShopData,
  returnId: Id,
  decline: { reason: ReturnDeclineReason; note?: string | null },
  at = data.now(),
): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  if (decline.note && decline.note.length > DECLINE_NOTE_MAX) {
    throw new StoreError(
      `Decline note is too long (maximum is ${DECLINE_NOTE_MAX} characters)`,
      ["declineNote"],
      "TOO_LONG",
    );
  }
  requireStatus(ret, ["REQUESTED"], "declined");
  ret.status = "DECLINED";
  ret.decline = { reason: decline.reason, note: decline.note ?? null };
  return changed(data, ret, at);
}

/** Whether anything was done with the return: items processed or disposed of, or money refunded. */
export function returnHasWork(data: ShopData, ret: Return): boolean {
  return (
    ret.lines.some((line) => line.processedQuantity > 0) ||
    ret.exchangeLines.some((line) => line.processedQuantity > 0) ||
    ret.reverseFulfillmentOrders.some((order) => order.lines.some((line) => line.dispositions.length > 0)) ||
    [...data.refunds.values()].some((refund) => refund.returnId === ret.id)
  );
}

/** Cancels a return before any work was done on it (inspection, refund); its items can be returned again. */
export function cancelReturn(data: ShopData, returnId: Id, at = data.now()): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["REQUESTED", "OPEN"], "canceled");
  if (returnHasWork(data, ret)) {
    throw new StoreError("Return can't be canceled because it has been processed or refunded", ["id"], "INVALID_STATE");
  }
  ret.status = "CANCELED";
  setReverseStatus(ret, "CANCELED");
  return changed(data, ret, at);
}

export function closeReturn(data: ShopData, returnId: Id, at = data.now()): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["OPEN"], "closed");
  ret.status = "CLOSED";
  ret.closedAt = at;
  setReverseStatus(ret, "CLOSED");
  return changed(data, ret, at);
}

export function reopenReturn(data: ShopData, returnId: Id, at = data.now()): Return {
  const ret = data.requireReturn(returnId, ["id"]);
  requireStatus(ret, ["CLOSED"], "reopened");
  ret.status = "OPEN";
  ret.closedAt = null;
  setReverseStatus(ret, "OPEN");
  return changed(data, ret, at);
}

// ── Money: what a processing would refund ─────────────────────────────────

export interface OutcomeInput {
  lines: { returnLineItemId: Id; quantity: number }[];
  exchangeLines: { exchangeLineItemId: Id; quantity: number }[];
  refundShipping?: { full?: boolean | null; amount?: Decimal | null } | null;
}

export interface FinancialOutcome {
  currency: string;
  /** Returned lines at their price × quantity. */
  subtotal: Decimal;
  restockingFees: Decimal;
  /** The return's shipping fee, taken off once. */
  returnShippingFee: Decimal;
  exchangeTotal: Decimal;
  shipping: Decimal;
  shippingRefundable: Decimal;
  /** Consumption tax included in the refunded lines (JPY prices include it). */
  tax: Decimal;
  maximumRefundable: Decimal;
  /** Positive: refund this much; negative: the customer owes this much (an invoice). */
  net: Decimal;
  /** The amount to refund: the net outcome capped at what can still be refunded, never negative. */
  refund: Decimal;
  /** The sale transaction a refund goes back to. */
  parentTransaction: Transaction | null;
}

function lineItemOfReturnLine(data: ShopData, line: ReturnLine): LineItem {
  const item = lineItemOfFulfillmentLine(data, line.fulfillmentLineItemId);
  if (!item) throw new StoreError("Line item of the return line does not exist", ["returnLineItems"], "NOT_FOUND");
  return item;
}

export function saleTransaction(order: Order): Transaction | null {
  return order.transactions.find((t) => (t.kind === "SALE" || t.kind === "CAPTURE") && t.status === "SUCCESS") ?? null;
}

/** Shopify's suggested financial outcome of processing these quantities (no change is made). */
export function financialOutcome(data: ShopData, ret: Return, input: OutcomeInput): FinancialOutcome {
  const order = data.requireOrder(ret.orderId);
  const decimals = currencyDecimals(order.currency);
  const lineAmounts = input.lines.map((entry, index) => {
    const field = ["returnLineItems", String(index)];
    const line = ret.lines.find((candidate) => candidate.id === entry.returnLineItemId);
    if (!line) throw new StoreError("Return line item does not exist on the return", [...field, "id"], "NOT_FOUND");
    if (entry.quantity < 1 || entry.quantity > line.quantity - line.processedQuantity) {
      throw new StoreError(
        `Quantity must be between 1 and ${line.quantity - line.processedQuantity} (what is left to process)`,
        [...field, "quantity"],
        "INVALID",
      );
    }
    const value = times(lineItemOfReturnLine(data, line).price, entry.quantity);
    const fee = line.restockingFeePercentage ? percentOf(value, line.restockingFeePercentage, decimals) : "0";
    return { value, fee };
  });
  const exchangeAmounts = input.exchangeLines.map((entry, index) => {
    const field = ["exchangeLineItems", String(index)];
    const line = ret.exchangeLines.find((candidate) => candidate.id === entry.exchangeLineItemId);
    if (!line) throw new StoreError("Exchange line item does not exist on the return", [...field, "id"], "NOT_FOUND");
    if (entry.quantity < 1 || entry.quantity > line.quantity - line.processedQuantity) {
      throw new StoreError(
        `Quantity must be between 1 and ${line.quantity - line.processedQuantity} (what is left to process)`,
        [...field, "quantity"],
        "INVALID",
      );
    }
    return times(data.requireVariant(line.variantId).price, entry.quantity);
  });
  const refundedShipping = sum(data.refundsOf(order.id).map((refund) => refund.shipping));
  const shippingRefundable = subtract(order.shippingPrice, refundedShipping);
  let shipping = "0";
  if (input.refundShipping?.full) shipping = shippingRefundable;
  else if (input.refundShipping?.amount) {
    if (compare(input.refundShipping.amount, shippingRefundable) > 0) {
      throw new StoreError(
        `Shipping refund cannot exceed ${shippingRefundable}`,
        ["refundShipping", "shippingRefundAmount"],
        "INVALID",
      );
    }
    shipping = input.refundShipping.amount;
  }
  const subtotal = sum(lineAmounts.map((line) => line.value));
  const restockingFees = sum(lineAmounts.map((line) => line.fee));
  const returnShippingFee =
    ret.returnShippingFee && !ret.returnShippingFeeTaken && input.lines.length > 0 ? ret.returnShippingFee.amount : "0";
  const exchangeTotal = sum(exchangeAmounts);
  const net = subtract(sum([subtotal, shipping]), sum([restockingFees, returnShippingFee, exchangeTotal]));
  const maximumRefundable = refundableAmount(data, order);
  const refund = compare(net, "0") > 0 ? min(net, maximumRefundable) : "0";
  return {
    currency: order.currency,
    subtotal,
    restockingFees,
    returnShippingFee,
    exchangeTotal,
    shipping,
    shippingRefundable,
    tax: includedTax(subtract(subtotal, restockingFees), decimals),
    maximumRefundable,
    net,
    refund,
    parentTransaction: saleTransaction(order),
  };
}

/** What the customer owes when an exchange costs more than what comes back (0 otherwise). */
export function invoiceAmount(outcome: FinancialOutcome): Decimal {
  return compare(outcome.net, "0") < 0 ? negate(outcome.net) : "0";
}

// ── Processing ────────────────────────────────────────────────────────────

export interface DispositionInput {
  reverseFulfillmentOrderLineItemId: Id;
  quantity: number;
  type: DispositionType;
  locationId: Id | null;
}

export interface ReturnProcessing {
  returnId: Id;
  lines: { returnLineItemId: Id; quantity: number; dispositions?: DispositionInput[] | null }[];
  exchangeLines?: { exchangeLineItemId: Id; quantity: number }[];
  /** Money back to the original payment: REFUND transactions against the order's sale. */
  refundTransactions?: { parentId: Id; amount: Decimal; currency: string }[];
  /** Money as store credit (no money back to the card). */
  storeCredit?: { amount: Decimal; currency: string; expiresAt: Date | null }[];
  allowOverRefunding?: boolean;
  refundShipping?: { amount?: Decimal | null; full?: boolean | null } | null;
  note?: string | null;
  at?: Date;
  /** Compatibility with the first emulator: one refund of this amount to the sale. */
  refundAmount?: Decimal | null;
}

export interface ProcessResult {
  ret: Return;
  refund: RefundResult | null;
  /** Stock put back by RESTOCKED dispositions and taken by the exchange. */
  stockChanges: InventoryLevel[];
  /** Fulfillment orders created to ship the exchange. */
  exchangeFulfillmentOrders: FulfillmentOrder[];
  /** Reverse fulfillment orders that got dispositions. */
  disposed: ReverseFulfillmentOrder[];
  /** Store credit issued, if any. */
  storeCredit: Decimal;
}

interface PlannedLine {
  line: ReturnLine;
  quantity: number;
  dispositions: (DispositionInput & { rfo: ReverseFulfillmentOrder })[];
}

/**
 * Processes returned and exchanged quantities. Everything is checked before
 * anything changes: a refused processing changes nothing.
 */
export function processReturn(data: ShopData, input: ReturnProcessing): ProcessResult {
  const ret = data.requireReturn(input.returnId, ["returnId"]);
  requireStatus(ret, ["OPEN"], "processed");
  const order = data.requireOrder(ret.orderId);
  const at = input.at ?? data.now();
  const exchangeInput = input.exchangeLines ?? [];
  const transactionsInput = input.refundTransactions ?? [];
  const creditInput = input.storeCredit ?? [];
  if (
    input.lines.length === 0 &&
    exchangeInput.length === 0 &&
    transactionsInput.length === 0 &&
    creditInput.length === 0 &&
    !input.refundAmount
  ) {
    throw new StoreError("Nothing to process: give return line items or exchange line items", null, "BLANK");
  }
  const planned = planLines(data, ret, input.lines);
  const exchange = planExchange(data, ret, order, exchangeInput);

  // Money.
  const transactions = transactionsInput.map((transaction, index) => {
    const field = ["financialTransfer", "issueRefund", "orderTransactions", String(index)];
    if (transaction.currency !== order.currency) {
      throw new StoreError(
        `Currency must be the order's currency (${order.currency})`,
        [...field, "transactionAmount", "currencyCode"],
        "INVALID",
      );
    }
    const parent = order.transactions.find((t) => t.id === transaction.parentId);
    if (!parent || (parent.kind !== "SALE" && parent.kind !== "CAPTURE")) {
      throw new StoreError("Parent transaction does not exist on the order", [...field, "parentId"], "NOT_FOUND");
    }
    if (compare(transaction.amount, "0") <= 0) {
      throw new StoreError("Amount must be greater than 0", [...field, "transactionAmount", "amount"], "GREATER_THAN");
    }
    return { amount: transaction.amount, gateway: parent.gateway, parentId: parent.id as Id | null };
  });
  if (input.refundAmount) {
    const sale = saleTransaction(order);
    if (!sale) throw new StoreError("The order has no payment to refund", ["refundAmount"], "INVALID");
    transactions.push({ amount: input.refundAmount, gateway: sale.gateway, parentId: sale.id });
  }
  creditInput.forEach((credit, index) => {
    const field = ["financialTransfer", "issueRefund", "refundMethods", String(index), "storeCreditRefund"];
    if (credit.currency !== order.currency) {
      throw new StoreError(
        `Currency must be the order's currency (${order.currency})`,
        [...field, "amount", "currencyCode"],
        "INVALID",
      );
    }
    if (compare(credit.amount, "0") <= 0) {
      throw new StoreError("Amount must be greater than 0", [...field, "amount", "amount"], "GREATER_THAN");
    }
    if (!order.customerId) {
      throw new StoreError("Store credit can only be issued to an order with a customer", field, "INVALID");
    }
    if (credit.expiresAt && credit.expiresAt <= at) {
      throw new StoreError("Store credit expiry must be in the future", [...field, "expiresAt"], "INVALID");
    }
  });
  const storeCredit = sum(creditInput.map((credit) => credit.amount));
  const moneyBack = [
    ...transactions,
    ...creditInput.map((credit) => ({ amount: credit.amount, gateway: STORE_CREDIT_GATEWAY, parentId: null })),
  ];

  // The refund checks what is refundable and changes nothing when it refuses; after it nothing can fail.
  const refund =
    moneyBack.length > 0 || input.refundShipping
      ? createRefund(data, {
          orderId: order.id,
          returnId: ret.id,
          note: input.note ?? null,
          lines: planned.map(({ line, quantity }) => ({
            lineItemId: lineItemOfReturnLine(data, line).id,
            quantity,
            restockType: "NO_RESTOCK" as const,
          })),
          shipping: input.refundShipping ?? null,
          transactions: moneyBack,
          allowOverRefunding: input.allowOverRefunding === true,
          fieldPrefix: ["financialTransfer", "issueRefund"],
          at,
        })
      : null;
  if (refund && creditInput.length > 0 && order.customerId) {
    creditStoreCredit(data, order.customerId, creditInput, refund.refund.id, at);
  }

  // Dispositions: restocked items go back to stock at their location.
  const restocks: InventoryChange[] = [];
  const disposed = new Set<ReverseFulfillmentOrder>();
  for (const { line, dispositions } of planned) {
    for (const disposition of dispositions) {
      const rfoLine = disposition.rfo.lines.find(
        (candidate) => candidate.id === disposition.reverseFulfillmentOrderLineItemId,
      );
      rfoLine?.dispositions.push({
        id: data.nextId("disposition"),
        type: disposition.type,
        quantity: disposition.quantity,
        locationId: disposition.locationId,
        createdAt: at,
      });
      disposed.add(disposition.rfo);
      const variantId = lineItemOfReturnLine(data, line).variantId;
      const variant = variantId ? data.variants.get(variantId) : undefined;
      if (disposition.type === "RESTOCKED" && variant && disposition.locationId) {
        restocks.push({
          inventoryItemId: variant.inventoryItemId,
          locationId: disposition.locationId,
          delta: disposition.quantity,
        });
      }
    }
  }
  const applied: AppliedChange[] = restocks.length ? adjustInventory(data, restocks, at) : [];

  // The exchange: a new line item on the order and a fulfillment order to ship it, from stock.
  const exchangeFulfillmentOrders = exchange.length ? shipExchange(data, order, exchange, at) : [];
  const taken = exchange.length
    ? adjustInventory(
        data,
        exchange.map((entry) => ({
          inventoryItemId: entry.inventoryItemId,
          locationId: entry.locationId,
          delta: -entry.quantity,
        })),
        at,
      )
    : [];

  for (const { line, quantity } of planned) line.processedQuantity += quantity;
  for (const entry of exchange) entry.line.processedQuantity += entry.quantity;
  if (refund && planned.length > 0) ret.returnShippingFeeTaken = true;
  return {
    ret: changed(data, ret, at),
    refund,
    stockChanges: [...applied, ...taken].map((change) => change.level),
    exchangeFulfillmentOrders,
    disposed: [...disposed],
    storeCredit,
  };
}

function planLines(data: ShopData, ret: Return, lines: ReturnProcessing["lines"]): PlannedLine[] {
  return lines.map((entry, index) => {
    const field = ["returnLineItems", String(index)];
    const line = ret.lines.find((candidate) => candidate.id === entry.returnLineItemId);
    if (!line) throw new StoreError("Return line item does not exist", [...field, "id"], "NOT_FOUND");
    const left = line.quantity - line.processedQuantity;
    if (entry.quantity < 1 || entry.quantity > left) {
      throw new StoreError(
        `Quantity must be between 1 and ${left} (what is left to process)`,
        [...field, "quantity"],
        "INVALID",
      );
    }
    const dispositions = (entry.dispositions ?? []).map((disposition, position) => {
      const at = [...field, "dispositions", String(position)];
      const rfo = ret.reverseFulfillmentOrders.find((order) =>
        order.lines.some(
          (candidate) =>
            candidate.id === disposition.reverseFulfillmentOrderLineItemId && candidate.returnLineId === line.id,
        ),
      );
      if (!rfo) {
        throw new StoreError(
          "Reverse fulfillment order line item does not belong to the return line item",
          [...at, "reverseFulfillmentOrderLineItemId"],
          "NOT_FOUND",
        );
      }
      if (disposition.type === "RESTOCKED") {
        if (!disposition.locationId) {
          throw new StoreError("Location is required to restock an item", [...at, "locationId"], "BLANK");
        }
        data.requireLocation(disposition.locationId, [...at, "locationId"]);
        const variantId = lineItemOfReturnLine(data, line).variantId;
        const variant = variantId ? data.variants.get(variantId) : undefined;
        if (variant && !data.level(variant.inventoryItemId, disposition.locationId)) {
          throw new StoreError("The item is not stocked at the location", [...at, "locationId"], "INVALID");
        }
      }
      if (disposition.quantity < 1) {
        throw new StoreError("Quantity must be greater than 0", [...at, "quantity"], "GREATER_THAN");
      }
      return { ...disposition, rfo };
    });
    const disposedQuantity = dispositions.reduce((total, disposition) => total + disposition.quantity, 0);
    if (disposedQuantity > entry.quantity) {
      throw new StoreError(
        "Dispositions cannot add up to more than the quantity processed",
        [...field, "dispositions"],
        "INVALID",
      );
    }
    return { line, quantity: entry.quantity, dispositions };
  });
}

interface PlannedExchange {
  line: ExchangeLine;
  quantity: number;
  inventoryItemId: Id;
  locationId: Id;
}

function planExchange(
  data: ShopData,
  ret: Return,
  order: Order,
  lines: { exchangeLineItemId: Id; quantity: number }[],
): PlannedExchange[] {
  const shipsFrom = data.fulfillmentOrdersOf(order.id)[0]?.locationId;
  return lines.map((entry, index) => {
    const field = ["exchangeLineItems", String(index)];
    const line = ret.exchangeLines.find((candidate) => candidate.id === entry.exchangeLineItemId);
    if (!line) throw new StoreError("Exchange line item does not exist", [...field, "id"], "NOT_FOUND");
    const left = line.quantity - line.processedQuantity;
    if (entry.quantity < 1 || entry.quantity > left) {
      throw new StoreError(
        `Quantity must be between 1 and ${left} (what is left to process)`,
        [...field, "quantity"],
        "INVALID",
      );
    }
    const variant = data.requireVariant(line.variantId, [...field, "id"]);
    const levels = data
      .levelsOfItem(variant.inventoryItemId)
      .filter((level) => level.available >= entry.quantity)
      .sort((a, b) => Number(b.locationId === shipsFrom) - Number(a.locationId === shipsFrom));
    const level = levels[0];
    if (!level) {
      throw new StoreError(
        `Not enough stock of the exchange variant to ship ${entry.quantity}`,
        [...field, "quantity"],
        "INVALID",
      );
    }
    return { line, quantity: entry.quantity, inventoryItemId: variant.inventoryItemId, locationId: level.locationId };
  });
}

function shipExchange(data: ShopData, order: Order, exchange: PlannedExchange[], at: Date): FulfillmentOrder[] {
  const byLocation = new Map<Id, FulfillmentOrder>();
  for (const entry of exchange) {
    const variant = data.requireVariant(entry.line.variantId);
    const product = data.requireProduct(variant.productId);
    const item: LineItem = {
      id: data.nextId("lineItem"),
      orderId: order.id,
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      variantTitle: variant.title === "Default Title" ? null : variant.title,
      sku: variant.sku,
      vendor: product.vendor,
      quantity: entry.quantity,
      price: variant.price,
      requiresShipping: true,
      grams: 500,
    };
    order.lineItems.push(item);
    data.lineItems.set(item.id, item);
    entry.line.lineItemIds.push(item.id);
    let fulfillmentOrder = byLocation.get(entry.locationId);
    if (!fulfillmentOrder) {
      fulfillmentOrder = {
        id: data.nextId("fulfillmentOrder"),
        orderId: order.id,
        locationId: entry.locationId,
        status: "OPEN",
        lines: [],
        holds: [],
        fulfillBy: null,
        createdAt: at,
        updatedAt: at,
      };
      byLocation.set(entry.locationId, fulfillmentOrder);
      data.fulfillmentOrders.set(fulfillmentOrder.id, fulfillmentOrder);
    }
    fulfillmentOrder.lines.push({
      id: data.nextId("fulfillmentOrderLine"),
      lineItemId: item.id,
      totalQuantity: entry.quantity,
      remainingQuantity: entry.quantity,
    });
  }
  data.touchOrder(order.id, at);
  return [...byLocation.values()];
}

// ── Reverse deliveries ────────────────────────────────────────────────────

export interface NewReverseDelivery {
  reverseFulfillmentOrderId: Id;
  lines: { reverseFulfillmentOrderLineItemId: Id; quantity: number }[];
  tracking?: { number?: string | null; url?: string | null } | null;
  labelFileUrl?: string | null;
  notifyCustomer?: boolean;
  at?: Date;
}

const CARRIERS: [RegExp, string][] = [
  [/kuronekoyamato\.co\.jp/i, "Yamato (JA)"],
  [/sagawa-exp\.co\.jp/i, "Sagawa (JA)"],
  [/japanpost\.jp/i, "Japan Post (EN)"],
  [/ups\.com/i, "UPS"],
  [/usps\.com/i, "USPS"],
  [/fedex\.com/i, "FedEx"],
  [/dhl\./i, "DHL Express"],
];

/** Shopify names the carrier from the tracking URL (or number); unknown carriers have no name. */
export function carrierNameOf(url: string | null | undefined): string | null {
  if (!url) return null;
  return CARRIERS.find(([pattern]) => pattern.test(url))?.[1] ?? null;
}

export function createReverseDelivery(
  data: ShopData,
  input: NewReverseDelivery,
): { ret: Return; order: ReverseFulfillmentOrder; delivery: ReverseDelivery } {
  const found = data.reverseFulfillmentOrder(input.reverseFulfillmentOrderId);
  if (!found) {
    throw new StoreError("Reverse fulfillment order does not exist", ["reverseFulfillmentOrderId"], "NOT_FOUND");
  }
  const { ret, order } = found;
  if (ret.status !== "OPEN" || order.status !== "OPEN") {
    throw new StoreError(
      `A reverse delivery cannot be created for a return with status ${ret.status}`,
      ["reverseFulfillmentOrderId"],
      "INVALID_STATE",
    );
  }
  if (input.lines.length === 0) {
    throw new StoreError("Reverse delivery must have at least one line item", ["reverseDeliveryLineItems"], "BLANK");
  }
  const lines = input.lines.map((entry, index) => {
    const field = ["reverseDeliveryLineItems", String(index)];
    const line = order.lines.find((candidate) => candidate.id === entry.reverseFulfillmentOrderLineItemId);
    if (!line) {
      throw new StoreError(
        "Reverse fulfillment order line item does not exist",
        [...field, "reverseFulfillmentOrderLineItemId"],
        "NOT_FOUND",
      );
    }
    const inDeliveries = order.deliveries
      .flatMap((delivery) => delivery.lines)
      .filter((candidate) => candidate.reverseFulfillmentOrderLineId === line.id)
      .reduce((total, candidate) => total + candidate.quantity, 0);
    if (entry.quantity < 1 || entry.quantity > line.totalQuantity - inDeliveries) {
      throw new StoreError(
        `Quantity must be between 1 and ${line.totalQuantity - inDeliveries}`,
        [...field, "quantity"],
        "INVALID",
      );
    }
    return { id: data.nextId("reverseDeliveryLine"), reverseFulfillmentOrderLineId: line.id, quantity: entry.quantity };
  });
  const url = input.labelFileUrl ?? null;
  if (url !== null && !/^https?:\/\//i.test(url)) {
    throw new StoreError("Label file URL must be an http(s) URL", ["labelInput", "fileUrl"], "INVALID");
  }
  const at = input.at ?? data.now();
  const tracking = input.tracking
    ? {
        number: input.tracking.number ?? null,
        url: input.tracking.url ?? null,
        carrierName: carrierNameOf(input.tracking.url),
      }
    : null;
  const delivery: ReverseDelivery = {
    id: data.nextId("reverseDelivery"),
    lines,
    tracking,
    label: url ? { fileUrl: url, createdAt: at, updatedAt: at } : null,
    customerNotified: input.notifyCustomer !== false,
    createdAt: at,
  };
  order.deliveries.push(delivery);
  changed(data, ret, at);
  return { ret, order, delivery };
}
