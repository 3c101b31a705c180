// Returns, their line items and exchange lines, reverse logistics (reverse
// fulfillment orders, deliveries with label and tracking, dispositions), what
// can still be returned, and Shopify's suggested financial outcome.
import {
  derive,
  financialOutcome,
  gid,
  parseGid,
  StoreError,
  type Disposition,
  type ExchangeLine,
  type FinancialOutcome,
  type Fulfillment,
  type Id,
  type Return,
  type ReturnLine,
  type ReverseDelivery,
  type ReverseFulfillmentOrder,
  type ReverseFulfillmentOrderLine,
} from "../../store/index.ts";
import { currencyDecimals, negate, percentOf, times } from "../../store/money.ts";
import { requestError } from "../errors.ts";
import { byId, connection } from "./connection.ts";
import { money, moneyBag, typed, type Args, type FieldMap, type ResolverContext } from "./define.ts";

function listArg(args: Args, name: string): Record<string, unknown>[] {
  const value = args[name];
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

function gidOf(value: unknown, type: string): Id {
  const parsed = typeof value === "string" ? parseGid(value) : null;
  if (!parsed || parsed.type !== type) throw requestError(`Invalid id: ${String(value)}`, "BAD_REQUEST");
  return parsed.id;
}

/** The parts of Shopify's suggested outcome shared with the deprecated fields (Money alongside MoneyBag). */
export function suggestedTransaction(
  ctx: ResolverContext,
  amount: string,
  maximum: string,
  parent: { gateway: string } | null,
): Record<string, unknown> {
  return {
    accountNumber: null,
    amount: money(ctx, amount),
    amountSet: moneyBag(ctx, amount),
    formattedGateway: parent ? "Shopify Payments" : null,
    gateway: parent?.gateway ?? null,
    kind: "SUGGESTED_REFUND",
    maximumRefundable: money(ctx, maximum),
    maximumRefundableSet: moneyBag(ctx, maximum),
    parentTransaction: parent,
    paymentDetails: null,
  };
}

export function storeCreditMethod(ctx: ResolverContext, amount: string, maximum: string): Record<string, unknown> {
  return typed("SuggestedStoreCreditRefund", {
    amount: moneyBag(ctx, amount),
    maximumRefundable: moneyBag(ctx, maximum),
    expiresAt: null,
  });
}

function outcomeOf(ctx: ResolverContext, ret: Return, args: Args): FinancialOutcome {
  const shipping =
    typeof args.refundShipping === "object" && args.refundShipping !== null
      ? (args.refundShipping as Record<string, unknown>)
      : null;
  const shippingAmount =
    shipping && typeof shipping.shippingRefundAmount === "object" && shipping.shippingRefundAmount !== null
      ? (shipping.shippingRefundAmount as Record<string, unknown>)
      : null;
  try {
    return financialOutcome(ctx.data, ret, {
      lines: listArg(args, "returnLineItems").map((line) => ({
        returnLineItemId: gidOf(line.id, "ReturnLineItem"),
        quantity: Number(line.quantity),
      })),
      exchangeLines: listArg(args, "exchangeLineItems").map((line) => ({
        exchangeLineItemId: gidOf(line.id, "ExchangeLineItem"),
        quantity: Number(line.quantity),
      })),
      refundShipping: shipping
        ? {
            full: shipping.fullRefund === true,
            amount: typeof shippingAmount?.amount === "string" ? shippingAmount.amount : null,
          }
        : null,
    });
  } catch (error) {
    if (error instanceof StoreError) throw requestError(error.message, "BAD_REQUEST", { field: error.field });
    throw error;
  }
}

function suggestedFinancialOutcome(ret: Return, args: Args, ctx: ResolverContext): Record<string, unknown> {
  const outcome = outcomeOf(ctx, ret, args);
  const storeCredit = args.refundMethodAllocation === "STORE_CREDIT";
  const net = outcome.net;
  let financialTransfer: Record<string, unknown> | null = null;
  if (outcome.net.startsWith("-")) {
    financialTransfer = typed("InvoiceReturnOutcome", { amount: moneyBag(ctx, negate(net)) });
  } else if (!/^0(\.0+)?$/.test(net)) {
    financialTransfer = typed("RefundReturnOutcome", {
      amount: moneyBag(ctx, outcome.refund),
      suggestedRefundMethods: storeCredit ? [storeCreditMethod(ctx, outcome.refund, outcome.maximumRefundable)] : [],
      suggestedTransactions: storeCredit
        ? []
        : [suggestedTransaction(ctx, outcome.refund, outcome.maximumRefundable, outcome.parentTransaction)],
    });
  }
  return {
    discountedSubtotal: moneyBag(ctx, outcome.subtotal),
    financialTransfer,
    maximumRefundable: moneyBag(ctx, outcome.maximumRefundable),
    refundDuties: [],
    shipping: {
      amount: money(ctx, outcome.shipping),
      amountSet: moneyBag(ctx, outcome.shipping),
      maximumRefundable: money(ctx, outcome.shippingRefundable),
      maximumRefundableSet: moneyBag(ctx, outcome.shippingRefundable),
      tax: money(ctx, "0"),
      taxSet: moneyBag(ctx, "0"),
    },
    totalAdditionalFees: moneyBag(ctx, "0"),
    totalCartDiscountAmount: moneyBag(ctx, "0"),
    totalDuties: moneyBag(ctx, "0"),
    totalTax: moneyBag(ctx, outcome.tax),
  };
}

export const returnFields: FieldMap<Return> = {
  order: (ret, _args, ctx) => ctx.data.requireOrder(ret.orderId),
  // ReturnLineItemType is an interface: each node says it is a ReturnLineItem.
  returnLineItems: (ret, args) => byId(ret.lines, args, (line) => typed("ReturnLineItem", line)),
  refunds: (ret, args, ctx) =>
    byId(
      [...ctx.data.refunds.values()].filter((refund) => refund.returnId === ret.id),
      args,
    ),
  transactions: (ret, args, ctx) =>
    byId(
      [...ctx.data.refunds.values()]
        .filter((refund) => refund.returnId === ret.id)
        .flatMap((refund) => refund.transactions),
      args,
    ),
  totalQuantity: (ret) => ret.lines.reduce((total, line) => total + line.quantity, 0),
  returnShippingFees: (ret, _args, ctx) =>
    ret.returnShippingFee
      ? [
          {
            id: gid("ReturnShippingFee", ret.returnShippingFee.id),
            amountSet: moneyBag(ctx, ret.returnShippingFee.amount),
          },
        ]
      : [],
  exchangeLineItems: (ret, args) => byId(ret.exchangeLines, args),
  reverseFulfillmentOrders: (ret, args) => byId(ret.reverseFulfillmentOrders, args),
  suggestedFinancialOutcome: (ret, args, ctx) => suggestedFinancialOutcome(ret, args, ctx),
  staffMember: () => null,
};

function lineValue(ctx: ResolverContext, line: ReturnLine): string {
  const item = derive.lineItemOfFulfillmentLine(ctx.data, line.fulfillmentLineItemId);
  return item ? times(item.price, line.quantity) : "0";
}

export const returnLineItemFields: FieldMap<ReturnLine> = {
  fulfillmentLineItem: (line, _args, ctx) =>
    ctx.data.fulfillmentOfLine(line.fulfillmentLineItemId)?.lines.find((l) => l.id === line.fulfillmentLineItemId),
  processableQuantity: (line) => line.quantity - line.processedQuantity,
  unprocessedQuantity: (line) => line.quantity - line.processedQuantity,
  refundableQuantity: (line) => line.quantity - line.processedQuantity,
  refundedQuantity: (line) => line.processedQuantity,
  restockingFee: (line, _args, ctx) =>
    line.restockingFeePercentage === null
      ? null
      : {
          id: gid("RestockingFee", line.id),
          percentage: line.restockingFeePercentage,
          amountSet: moneyBag(
            ctx,
            percentOf(lineValue(ctx, line), line.restockingFeePercentage, currencyDecimals(ctx.data.shop.currency)),
          ),
        },
  totalWeight: () => null,
  returnReasonDefinition: (line, _args, ctx) =>
    line.returnReasonDefinitionId
      ? (ctx.data.returnReasonDefinitions.get(line.returnReasonDefinitionId) ?? null)
      : null,
  withCodeDiscountedTotalPriceSet: (line, _args, ctx) => moneyBag(ctx, lineValue(ctx, line)),
};

export const exchangeLineItemFields: FieldMap<ExchangeLine> = {
  lineItem: (line, _args, ctx) => (line.lineItemIds[0] ? (ctx.data.lineItems.get(line.lineItemIds[0]) ?? null) : null),
  lineItems: (line, _args, ctx) => line.lineItemIds.flatMap((id) => ctx.data.lineItems.get(id) ?? []),
  processableQuantity: (line) => line.quantity - line.processedQuantity,
  unprocessedQuantity: (line) => line.quantity - line.processedQuantity,
  variantId: (line) => gid("ProductVariant", line.variantId),
};

export const reverseFulfillmentOrderFields: FieldMap<ReverseFulfillmentOrder> = {
  order: (rfo, _args, ctx) => {
    const found = ctx.data.reverseFulfillmentOrder(rfo.id);
    return found ? ctx.data.requireOrder(found.ret.orderId) : null;
  },
  lineItems: (rfo, args) => byId(rfo.lines, args),
  reverseDeliveries: (rfo, args) => byId(rfo.deliveries, args),
  thirdPartyConfirmation: () => null,
};

export const reverseFulfillmentOrderLineItemFields: FieldMap<ReverseFulfillmentOrderLine> = {
  fulfillmentLineItem: (line, _args, ctx) =>
    ctx.data.fulfillmentOfLine(line.fulfillmentLineItemId)?.lines.find((l) => l.id === line.fulfillmentLineItemId) ??
    null,
};

export const dispositionFields: FieldMap<Disposition> = {
  location: (disposition, _args, ctx) =>
    disposition.locationId ? (ctx.data.locations.get(disposition.locationId) ?? null) : null,
};

export const reverseDeliveryFields: FieldMap<ReverseDelivery> = {
  deliverable: (delivery) =>
    delivery.tracking || delivery.label
      ? typed("ReverseDeliveryShippingDeliverable", {
          tracking: delivery.tracking,
          label: delivery.label
            ? {
                publicFileUrl: delivery.label.fileUrl,
                createdAt: delivery.label.createdAt,
                updatedAt: delivery.label.updatedAt,
              }
            : null,
        })
      : null,
  reverseDeliveryLineItems: (delivery, args) => byId(delivery.lines, args),
  reverseFulfillmentOrder: (delivery, _args, ctx) => ctx.data.reverseDelivery(delivery.id)?.order,
};

export const reverseDeliveryLineItemFields: FieldMap<ReverseDelivery["lines"][number]> = {
  reverseFulfillmentOrderLineItem: (line, _args, ctx) => {
    for (const ret of ctx.data.returns.values()) {
      for (const rfo of ret.reverseFulfillmentOrders) {
        const found = rfo.lines.find((candidate) => candidate.id === line.reverseFulfillmentOrderLineId);
        if (found) return found;
      }
    }
    return null;
  },
  dispositions: () => [],
};

/** A returnable fulfillment is its fulfillment seen from the returns side. */
export const returnableFulfillmentFields: FieldMap<Fulfillment> = {
  id: (fulfillment) => gid("ReturnableFulfillment", fulfillment.id),
  fulfillment: (fulfillment) => fulfillment,
  returnableFulfillmentLineItems: (fulfillment, args, ctx) => {
    const lines = derive.returnableLines(ctx.data, fulfillment);
    return connection(
      lines,
      args,
      (line) => line.fulfillmentLineItemId,
      (line) => ({
        quantity: line.quantity,
        fulfillmentLineItem: fulfillment.lines.find((candidate) => candidate.id === line.fulfillmentLineItemId),
      }),
    );
  },
};
