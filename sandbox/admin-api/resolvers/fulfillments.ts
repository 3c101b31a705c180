// Fulfillment orders (what is still to ship, and holds), fulfillments (parcels
// with tracking) and their carrier events.
import {
  derive,
  gid,
  type Fulfillment,
  type FulfillmentEvent,
  type FulfillmentHold,
  type FulfillmentLine,
  type FulfillmentOrder,
  type FulfillmentOrderLine,
  type Id,
} from "../../store/index.ts";
import { times } from "../../store/money.ts";
import { byId, connection, emptyConnection, limited } from "./connection.ts";
import { moneyBag, type FieldMap, type ResolverContext } from "./define.ts";

const HOLD_REASONS: Record<FulfillmentHold["reason"], string> = {
  AWAITING_PAYMENT: "Awaiting payment",
  AWAITING_RETURN_ITEMS: "Awaiting return items",
  HIGH_RISK_OF_FRAUD: "High risk of fraud",
  INCORRECT_ADDRESS: "Incorrect address",
  INVENTORY_OUT_OF_STOCK: "Inventory out of stock",
  ONLINE_STORE_POST_PURCHASE_CROSS_SELL: "Post-purchase upsell",
  OTHER: "Other",
  UNKNOWN_DELIVERY_DATE: "Unknown delivery date",
};

export const fulfillmentHoldFields: FieldMap<FulfillmentHold> = {
  displayReason: (hold) => HOLD_REASONS[hold.reason],
  heldByRequestingApp: () => false,
  heldByApp: () => null,
};

/** A fulfillment order line, with the fulfillment order it belongs to (its lines do not name it). */
interface FulfillmentOrderLineSource extends FulfillmentOrderLine {
  fulfillmentOrderId: Id;
}

function supportedActions(fulfillmentOrder: FulfillmentOrder): { action: string; externalUrl: null }[] {
  const actions: Record<FulfillmentOrder["status"], string[]> = {
    OPEN: ["CREATE_FULFILLMENT", "HOLD", "MOVE"],
    IN_PROGRESS: ["CREATE_FULFILLMENT", "HOLD"],
    ON_HOLD: ["RELEASE_HOLD", "HOLD"],
    SCHEDULED: ["MARK_AS_OPEN"],
    CLOSED: [],
    CANCELLED: [],
    INCOMPLETE: [],
  };
  return actions[fulfillmentOrder.status].map((action) => ({ action, externalUrl: null }));
}

export const fulfillmentOrderFields: FieldMap<FulfillmentOrder> = {
  order: (fo, _args, ctx) => ctx.data.requireOrder(fo.orderId),
  orderId: (fo) => gid("Order", fo.orderId),
  orderName: (fo, _args, ctx) => ctx.data.requireOrder(fo.orderId).name,
  orderProcessedAt: (fo, _args, ctx) => ctx.data.requireOrder(fo.orderId).processedAt,
  fulfillAt: (fo) => fo.createdAt,
  fulfillmentHolds: (fo) => fo.holds,
  requestStatus: () => "UNSUBMITTED",
  supportedActions,
  channelId: () => null,
  deliveryMethod: () => null,
  internationalDuties: () => null,
  assignedLocation: (fo, _args, ctx) => {
    const location = ctx.data.requireLocation(fo.locationId);
    return { ...location.address, name: location.name, location };
  },
  destination: (fo, _args, ctx) => {
    const order = ctx.data.requireOrder(fo.orderId);
    const address = order.shippingAddress;
    if (!address) return null;
    return { ...address, id: gid("FulfillmentOrderDestination", fo.id), email: order.email, location: null };
  },
  lineItems: (fo, args) =>
    byId(
      fo.lines.map((line): FulfillmentOrderLineSource => ({ ...line, fulfillmentOrderId: fo.id })),
      args,
    ),
  fulfillments: (fo, args, ctx) =>
    byId(
      ctx.data.fulfillmentsOf(fo.orderId).filter((fulfillment) => fulfillment.fulfillmentOrderId === fo.id),
      args,
    ),
  merchantRequests: () => emptyConnection(),
  locationsForMove: () => emptyConnection(),
  fulfillmentOrdersForMerge: () => emptyConnection(),
};

function lineItemOf(ctx: ResolverContext, lineItemId: Id) {
  const item = ctx.data.lineItems.get(lineItemId);
  if (!item) throw new Error(`line item ${lineItemId} is missing from the store`);
  return item;
}

export const fulfillmentOrderLineItemFields: FieldMap<FulfillmentOrderLineSource> = {
  lineItem: (line, _args, ctx) => lineItemOf(ctx, line.lineItemId),
  sku: (line, _args, ctx) => lineItemOf(ctx, line.lineItemId).sku,
  productTitle: (line, _args, ctx) => lineItemOf(ctx, line.lineItemId).title,
  variantTitle: (line, _args, ctx) => lineItemOf(ctx, line.lineItemId).variantTitle,
  vendor: (line, _args, ctx) => lineItemOf(ctx, line.lineItemId).vendor,
  requiresShipping: () => true,
  variant: (line, _args, ctx) => {
    const variantId = lineItemOf(ctx, line.lineItemId).variantId;
    return variantId ? (ctx.data.variants.get(variantId) ?? null) : null;
  },
  inventoryItemId: (line, _args, ctx) => {
    const variantId = lineItemOf(ctx, line.lineItemId).variantId;
    const variant = variantId ? ctx.data.variants.get(variantId) : undefined;
    return variant ? gid("InventoryItem", variant.inventoryItemId) : null;
  },
  warnings: () => [],
  financialSummaries: () => [],
  image: () => null,
  weight: () => null,
};

export const fulfillmentFields: FieldMap<Fulfillment> = {
  legacyResourceId: (fulfillment) => fulfillment.id,
  order: (fulfillment, _args, ctx) => ctx.data.requireOrder(fulfillment.orderId),
  location: (fulfillment, _args, ctx) => ctx.data.locations.get(fulfillment.locationId) ?? null,
  displayStatus: (fulfillment, _args, ctx) => derive.fulfillmentDisplayStatus(ctx.data, fulfillment),
  inTransitAt: (fulfillment, _args, ctx) => derive.inTransitAt(ctx.data, fulfillment.id),
  deliveredAt: (fulfillment, _args, ctx) => derive.deliveredAt(ctx.data, fulfillment.id),
  estimatedDeliveryAt: (fulfillment, _args, ctx) => derive.estimatedDeliveryAt(ctx.data, fulfillment.id),
  trackingInfo: (fulfillment, args) => limited(fulfillment.tracking, args.first),
  totalQuantity: (fulfillment) => fulfillment.lines.reduce((total, line) => total + line.quantity, 0),
  requiresShipping: () => true,
  service: () => null,
  originAddress: () => null,
  events: (fulfillment, args, ctx) => {
    // HAPPENED_AT is the default sort key; ID is the order they were recorded in.
    const events =
      args.sortKey === "ID" ? ctx.data.eventsOf(fulfillment.id) : derive.eventsByTime(ctx.data, fulfillment.id);
    return connection(events, args, (event) => event.id);
  },
  fulfillmentLineItems: (fulfillment, args) => byId(fulfillment.lines, args),
  fulfillmentOrders: (fulfillment, args, ctx) =>
    byId([ctx.data.requireFulfillmentOrder(fulfillment.fulfillmentOrderId)], args),
};

export const fulfillmentEventFields: FieldMap<FulfillmentEvent> = {
  address1: () => null,
  latitude: () => null,
  longitude: () => null,
};

export const fulfillmentLineItemFields: FieldMap<FulfillmentLine> = {
  lineItem: (line, _args, ctx) => lineItemOf(ctx, line.lineItemId),
  originalTotalSet: (line, _args, ctx) => moneyBag(ctx, times(lineItemOf(ctx, line.lineItemId).price, line.quantity)),
  discountedTotalSet: (line, _args, ctx) => moneyBag(ctx, times(lineItemOf(ctx, line.lineItemId).price, line.quantity)),
};
