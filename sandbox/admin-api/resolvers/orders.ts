// Order, its line items, transactions and refunds.
import {
  derive,
  parseGid,
  saleTransaction,
  StoreError,
  suggestRefund,
  type Id,
  type LineItem,
  type Order,
  type Refund,
  type RefundLine,
  type Transaction,
} from "../../store/index.ts";
import { sum, times } from "../../store/money.ts";
import { requestError } from "../errors.ts";
import { byId, emptyConnection, limited, type ListSpec } from "./connection.ts";
import { count, mailingAddress, money, moneyBag, type Args, type FieldMap, type ResolverContext } from "./define.ts";
import { storeCreditMethod, suggestedTransaction } from "./returns.ts";

function idArg(value: unknown, type: string): Id {
  const parsed = typeof value === "string" ? parseGid(value) : null;
  if (!parsed || parsed.type !== type) throw requestError(`Invalid id: ${String(value)}`, "BAD_REQUEST");
  return parsed.id;
}

/** Order.suggestedRefund: what refunding these lines and shipping would give back, and how. */
function suggestedRefund(order: Order, args: Args, ctx: ResolverContext): Record<string, unknown> {
  const lines = Array.isArray(args.refundLineItems) ? (args.refundLineItems as Record<string, unknown>[]) : [];
  let suggestion;
  try {
    suggestion = suggestRefund(ctx.data, order, {
      full: args.suggestFullRefund === true,
      refundShipping: args.refundShipping === true,
      shippingAmount: typeof args.shippingAmount === "string" ? args.shippingAmount : null,
      lines: lines.map((line) => ({
        lineItemId: idArg(line.lineItemId, "LineItem"),
        quantity: Number(line.quantity),
        restockType: typeof line.restockType === "string" ? (line.restockType as RefundLine["restockType"]) : null,
        locationId: typeof line.locationId === "string" ? idArg(line.locationId, "Location") : null,
      })),
    });
  } catch (error) {
    if (error instanceof StoreError) throw requestError(error.message, "BAD_REQUEST", { field: error.field });
    throw error;
  }
  const storeCredit = args.refundMethodAllocation === "STORE_CREDIT";
  const { amount, maximumRefundable } = suggestion;
  const refunding = !/^0(\.0+)?$/.test(amount);
  return {
    amount: money(ctx, amount),
    amountSet: moneyBag(ctx, amount),
    discountedSubtotalSet: moneyBag(ctx, suggestion.subtotal),
    maximumRefundable: money(ctx, maximumRefundable),
    maximumRefundableSet: moneyBag(ctx, maximumRefundable),
    refundDuties: [],
    refundLineItems: suggestion.lines.map((line) => ({ ...line, id: null })),
    shipping: {
      amount: money(ctx, suggestion.shipping),
      amountSet: moneyBag(ctx, suggestion.shipping),
      maximumRefundable: money(ctx, suggestion.shippingRefundable),
      maximumRefundableSet: moneyBag(ctx, suggestion.shippingRefundable),
      tax: money(ctx, "0"),
      taxSet: moneyBag(ctx, "0"),
    },
    subtotal: money(ctx, suggestion.subtotal),
    subtotalSet: moneyBag(ctx, suggestion.subtotal),
    suggestedRefundMethods: storeCredit && refunding ? [storeCreditMethod(ctx, amount, maximumRefundable)] : [],
    suggestedTransactions:
      !storeCredit && refunding ? [suggestedTransaction(ctx, amount, maximumRefundable, saleTransaction(order))] : [],
    totalCartDiscountAmountSet: moneyBag(ctx, "0"),
    totalDutiesSet: moneyBag(ctx, "0"),
    totalTaxSet: moneyBag(ctx, suggestion.tax),
    totalTaxes: money(ctx, suggestion.tax),
  };
}

export const ORDER_LIST: ListSpec<Order> = {
  id: (order) => order.id,
  search: {
    default: (order) => `${order.name} ${order.email ?? ""}`,
    id: (order) => order.id,
    name: (order) => order.name,
    email: (order) => order.email,
    created_at: (order) => order.createdAt,
    updated_at: (order) => order.updatedAt,
    processed_at: (order) => order.processedAt,
    customer_id: (order) => order.customerId,
    status: (order) => (order.cancelledAt ? "cancelled" : order.closedAt ? "closed" : "open"),
    sku: (order) => order.lineItems.flatMap((item) => (item.sku ? [item.sku] : [])),
  },
  sortKeys: {
    ID: (order) => order.id,
    CREATED_AT: (order) => order.createdAt,
    UPDATED_AT: (order) => order.updatedAt,
    PROCESSED_AT: (order) => order.processedAt,
    ORDER_NUMBER: (order) => order.number,
    TOTAL_PRICE: (order) => Number(derive.orderTotal(order)),
  },
};

function lineCount(order: Order): number {
  return order.lineItems.reduce((total, item) => total + item.quantity, 0);
}

export const orderFields: FieldMap<Order> = {
  legacyResourceId: (order) => order.id,
  currencyCode: (order) => order.currency,
  presentmentCurrencyCode: (order) => order.currency,
  customer: (order, _args, ctx) => (order.customerId ? (ctx.data.customers.get(order.customerId) ?? null) : null),
  closed: (order) => order.closedAt !== null,
  confirmed: () => true,
  test: () => false,
  edited: () => false,
  capturable: () => false,
  canMarkAsPaid: (order) => order.paymentStatus === "PENDING",
  canNotifyCustomer: (order) => order.email !== null,
  estimatedTaxes: () => false,
  dutiesIncluded: () => false,
  taxExempt: () => false,
  requiresShipping: () => true,
  fulfillable: (order, _args, ctx) =>
    !order.cancelledAt && derive.displayFulfillmentStatus(ctx.data, order) !== "FULFILLED",
  fullyPaid: (order) => order.paymentStatus === "PAID",
  unpaid: (order) => order.paymentStatus !== "PAID",
  refundable: (order, _args, ctx) => !/^0(\.0+)?$/.test(derive.refundableAmount(ctx.data, order)),
  suggestedRefund: (order, args, ctx) => suggestedRefund(order, args, ctx),
  customerAcceptsMarketing: (order, _args, ctx) =>
    order.customerId ? ctx.data.customers.get(order.customerId)?.emailMarketing.state === "SUBSCRIBED" : false,
  discountCodes: () => [],
  paymentGatewayNames: (order) => [order.paymentGateway],
  sourceName: () => "web",
  subtotalLineItemsQuantity: lineCount,
  currentSubtotalLineItemsQuantity: (order, _args, ctx) =>
    order.lineItems.reduce(
      (total, item) => total + item.quantity - derive.refundedQuantity(ctx.data, order, item.id),
      0,
    ),
  displayFinancialStatus: (order, _args, ctx) => derive.financialStatus(ctx.data, order),
  displayFulfillmentStatus: (order, _args, ctx) => derive.displayFulfillmentStatus(ctx.data, order),
  returnStatus: (order, _args, ctx) => derive.orderReturnStatus(ctx.data, order),
  statusPageUrl: (order, _args, ctx) =>
    `https://${ctx.data.shop.primaryDomain}/${ctx.data.shop.id}/orders/${order.token}/authenticate?key=${order.token}`,
  shippingAddress: (order) => mailingAddress(order.shippingAddress, order.id),
  billingAddress: (order) => mailingAddress(order.billingAddress, order.id),
  displayAddress: (order) => mailingAddress(order.shippingAddress ?? order.billingAddress, order.id),
  billingAddressMatchesShippingAddress: (order) =>
    JSON.stringify(order.billingAddress) === JSON.stringify(order.shippingAddress),
  shippingLine: (order, _args, ctx) => ({
    id: `gid://shopify/ShippingLine/${order.shippingLineId}`,
    title: order.shippingTitle,
    code: order.shippingTitle,
    source: "shopify",
    originalPriceSet: moneyBag(ctx, order.shippingPrice),
    discountedPriceSet: moneyBag(ctx, order.shippingPrice),
    currentDiscountedPriceSet: moneyBag(ctx, order.shippingPrice),
    isRemoved: false,
    custom: false,
    taxLines: [],
    discountAllocations: [],
  }),
  lineItems: (order, args) => byId(order.lineItems, args),
  fulfillmentOrders: (order, args, ctx) => byId(ctx.data.fulfillmentOrdersOf(order.id), args),
  fulfillments: (order, args, ctx) => limited(ctx.data.fulfillmentsOf(order.id), args.first),
  fulfillmentsCount: (order, _args, ctx) => count(ctx.data.fulfillmentsOf(order.id).length),
  refunds: (order, args, ctx) => limited(ctx.data.refundsOf(order.id), args.first),
  returns: (order, args, ctx) => byId(ctx.data.returnsOf(order.id), args),
  transactions: (order, args) => limited(order.transactions, args.first),
  transactionsCount: (order) => count(order.transactions.length),
  events: () => emptyConnection(),
  totalPriceSet: (order, _args, ctx) => moneyBag(ctx, derive.orderTotal(order)),
  originalTotalPriceSet: (order, _args, ctx) => moneyBag(ctx, derive.orderTotal(order)),
  currentTotalPriceSet: (order, _args, ctx) => moneyBag(ctx, derive.currentTotal(ctx.data, order)),
  subtotalPriceSet: (order, _args, ctx) => moneyBag(ctx, derive.subtotal(order)),
  currentSubtotalPriceSet: (order, _args, ctx) => moneyBag(ctx, derive.subtotal(order)),
  totalShippingPriceSet: (order, _args, ctx) => moneyBag(ctx, order.shippingPrice),
  currentShippingPriceSet: (order, _args, ctx) => moneyBag(ctx, order.shippingPrice),
  totalTaxSet: (order, _args, ctx) => moneyBag(ctx, order.totalTax),
  currentTotalTaxSet: (order, _args, ctx) => moneyBag(ctx, order.totalTax),
  totalDiscountsSet: (_order, _args, ctx) => moneyBag(ctx, "0"),
  currentTotalDiscountsSet: (_order, _args, ctx) => moneyBag(ctx, "0"),
  currentCartDiscountAmountSet: (_order, _args, ctx) => moneyBag(ctx, "0"),
  totalTipReceivedSet: (_order, _args, ctx) => moneyBag(ctx, "0"),
  totalCapturableSet: (_order, _args, ctx) => moneyBag(ctx, "0"),
  refundDiscrepancySet: (_order, _args, ctx) => moneyBag(ctx, "0"),
  totalRefundedSet: (order, _args, ctx) => moneyBag(ctx, derive.totalRefunded(ctx.data, order)),
  totalRefundedShippingSet: (order, _args, ctx) =>
    moneyBag(ctx, sum(ctx.data.refundsOf(order.id).map((refund) => refund.shipping))),
  totalReceivedSet: (order, _args, ctx) =>
    moneyBag(ctx, order.paymentStatus === "PAID" ? derive.orderTotal(order) : "0"),
  netPaymentSet: (order, _args, ctx) =>
    moneyBag(ctx, order.paymentStatus === "PAID" ? derive.currentTotal(ctx.data, order) : "0"),
  totalOutstandingSet: (order, _args, ctx) =>
    moneyBag(ctx, order.paymentStatus === "PAID" ? "0" : derive.orderTotal(order)),
  totalWeight: (order) => String(order.lineItems.reduce((grams, item) => grams + item.grams * item.quantity, 0)),
  currentTotalWeight: (order) => String(order.lineItems.reduce((grams, item) => grams + item.grams * item.quantity, 0)),
};

function unitBag(ctx: ResolverContext, item: LineItem, quantity: number) {
  return moneyBag(ctx, times(item.price, quantity));
}

function orderOf(ctx: ResolverContext, item: LineItem): Order {
  return ctx.data.requireOrder(item.orderId);
}

export const lineItemFields: FieldMap<LineItem> = {
  name: (item) => (item.variantTitle ? `${item.title} - ${item.variantTitle}` : item.title),
  variant: (item, _args, ctx) => (item.variantId ? (ctx.data.variants.get(item.variantId) ?? null) : null),
  product: (item, _args, ctx) => (item.productId ? (ctx.data.products.get(item.productId) ?? null) : null),
  currentQuantity: (item, _args, ctx) => item.quantity - derive.refundedQuantity(ctx.data, orderOf(ctx, item), item.id),
  refundableQuantity: (item, _args, ctx) =>
    item.quantity - derive.refundedQuantity(ctx.data, orderOf(ctx, item), item.id),
  unfulfilledQuantity: (item, _args, ctx) => Math.max(0, item.quantity - derive.fulfilledQuantity(ctx.data, item.id)),
  fulfillableQuantity: (item, _args, ctx) =>
    Math.max(
      0,
      item.quantity -
        derive.fulfilledQuantity(ctx.data, item.id) -
        derive.refundedQuantity(ctx.data, orderOf(ctx, item), item.id),
    ),
  nonFulfillableQuantity: (item, _args, ctx) => derive.refundedQuantity(ctx.data, orderOf(ctx, item), item.id),
  fulfillmentStatus: (item, _args, ctx) => {
    const fulfilled = derive.fulfilledQuantity(ctx.data, item.id);
    return fulfilled >= item.quantity ? "fulfilled" : fulfilled > 0 ? "partial" : "unfulfilled";
  },
  originalUnitPriceSet: (item, _args, ctx) => unitBag(ctx, item, 1),
  discountedUnitPriceSet: (item, _args, ctx) => unitBag(ctx, item, 1),
  discountedUnitPriceAfterAllDiscountsSet: (item, _args, ctx) => unitBag(ctx, item, 1),
  originalTotalSet: (item, _args, ctx) => unitBag(ctx, item, item.quantity),
  discountedTotalSet: (item, _args, ctx) => unitBag(ctx, item, item.quantity),
  priceAfterAllDiscountsBeforeTaxesSet: (item, _args, ctx) => unitBag(ctx, item, item.quantity),
  unfulfilledOriginalTotalSet: (item, _args, ctx) =>
    unitBag(ctx, item, Math.max(0, item.quantity - derive.fulfilledQuantity(ctx.data, item.id))),
  unfulfilledDiscountedTotalSet: (item, _args, ctx) =>
    unitBag(ctx, item, Math.max(0, item.quantity - derive.fulfilledQuantity(ctx.data, item.id))),
  totalDiscountSet: (_item, _args, ctx) => moneyBag(ctx, "0"),
  taxable: () => true,
  isGiftCard: () => false,
  restockable: () => true,
  canRestock: () => true,
  merchantEditable: () => false,
  customAttributes: () => [],
  discountAllocations: () => [],
  duties: () => [],
  taxLines: () => [],
  image: () => null,
};

export const transactionFields: FieldMap<Transaction> = {
  amountSet: (transaction, _args, ctx) => moneyBag(ctx, transaction.amount),
  order: (transaction, _args, ctx) => ctx.data.orders.get(transaction.orderId) ?? null,
  parentTransaction: (transaction, _args, ctx) =>
    transaction.parentId
      ? (ctx.data.orders.get(transaction.orderId)?.transactions.find((t) => t.id === transaction.parentId) ?? null)
      : null,
  processedAt: (transaction) => transaction.createdAt,
  formattedGateway: () => "Shopify Payments",
  test: () => false,
  manualPaymentGateway: () => false,
  manuallyCapturable: () => false,
  multiCapturable: () => false,
  fees: () => [],
  paymentId: (transaction) => transaction.id,
  receiptJson: () => "{}",
};

export const refundFields: FieldMap<Refund> = {
  legacyResourceId: (refund) => refund.id,
  order: (refund, _args, ctx) => ctx.data.requireOrder(refund.orderId),
  return: (refund, _args, ctx) => (refund.returnId ? (ctx.data.returns.get(refund.returnId) ?? null) : null),
  processedAt: (refund) => refund.createdAt,
  totalRefundedSet: (refund, _args, ctx) => moneyBag(ctx, derive.refundTotal(refund)),
  refundLineItems: (refund, args) => byId(refund.lines, args),
  transactions: (refund, args) => byId(refund.transactions, args),
  refundShippingLines: () => emptyConnection(),
  orderAdjustments: () => emptyConnection(),
  duties: () => [],
  staffMember: () => null,
};

export const refundLineItemFields: FieldMap<RefundLine> = {
  lineItem: (line, _args, ctx) => ctx.data.lineItems.get(line.lineItemId),
  location: (line, _args, ctx) => (line.locationId ? (ctx.data.locations.get(line.locationId) ?? null) : null),
  restocked: (line) => line.restockType !== "NO_RESTOCK",
  priceSet: (line, _args, ctx) => moneyBag(ctx, ctx.data.lineItems.get(line.lineItemId)?.price ?? "0"),
  subtotalSet: (line, _args, ctx) => moneyBag(ctx, line.subtotal),
  totalTaxSet: (_line, _args, ctx) => moneyBag(ctx, "0"),
};
