// Returns, their line items, and what can still be returned.
import { derive, gid, type Fulfillment, type Return, type ReturnLine } from "../../store/index.ts";
import { times } from "../../store/money.ts";
import { byId, connection, emptyConnection } from "./connection.ts";
import { moneyBag, typed, type FieldMap } from "./define.ts";

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
  returnShippingFees: () => [],
  exchangeLineItems: () => emptyConnection(),
  reverseFulfillmentOrders: () => emptyConnection(),
  staffMember: () => null,
};

export const returnLineItemFields: FieldMap<ReturnLine> = {
  fulfillmentLineItem: (line, _args, ctx) =>
    ctx.data.fulfillmentOfLine(line.fulfillmentLineItemId)?.lines.find((l) => l.id === line.fulfillmentLineItemId),
  processableQuantity: (line) => line.quantity - line.processedQuantity,
  unprocessedQuantity: (line) => line.quantity - line.processedQuantity,
  refundableQuantity: (line) => line.quantity - line.processedQuantity,
  refundedQuantity: (line) => line.processedQuantity,
  restockingFee: () => null,
  totalWeight: () => null,
  returnReasonDefinition: () => null,
  withCodeDiscountedTotalPriceSet: (line, _args, ctx) => {
    const item = derive.lineItemOfFulfillmentLine(ctx.data, line.fulfillmentLineItemId);
    return moneyBag(ctx, item ? times(item.price, line.quantity) : "0");
  },
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
