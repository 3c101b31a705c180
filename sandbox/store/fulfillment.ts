// Shipping: fulfilling a fulfillment order creates a parcel (Fulfillment) with
// tracking; carriers then report scans (FulfillmentEvent); a fulfillment order
// can be put on hold and released.
import { StoreError } from "./errors.ts";
import type { ShopData } from "./shop-data.ts";
import type {
  Fulfillment,
  FulfillmentEvent,
  FulfillmentEventStatus,
  FulfillmentHold,
  FulfillmentHoldReason,
  FulfillmentOrder,
  Id,
  Tracking,
} from "./types.ts";

export interface NewFulfillment {
  orderId: Id;
  /** Which line items and how many; defaults to everything still to ship. */
  lines?: { lineItemId: Id; quantity: number }[];
  tracking: Tracking | null;
  at?: Date;
}

const SHIPPABLE = new Set(["OPEN", "IN_PROGRESS"]);

export function fulfillOrder(data: ShopData, input: NewFulfillment): Fulfillment {
  const order = data.requireOrder(input.orderId, ["orderId"]);
  const fulfillmentOrder = data.fulfillmentOrdersOf(order.id).find((fo) => SHIPPABLE.has(fo.status));
  if (!fulfillmentOrder) {
    throw new StoreError("The order has no fulfillment order that can be fulfilled", ["orderId"], "INVALID_STATE");
  }
  const wanted =
    input.lines ??
    fulfillmentOrder.lines.map((line) => ({ lineItemId: line.lineItemId, quantity: line.remainingQuantity }));
  const at = input.at ?? data.now();
  const lines = wanted
    .filter((line) => line.quantity > 0)
    .map((line, index) => {
      const foLine = fulfillmentOrder.lines.find((candidate) => candidate.lineItemId === line.lineItemId);
      if (!foLine || line.quantity > foLine.remainingQuantity) {
        throw new StoreError("More than what is left to fulfill", ["lines", String(index), "quantity"], "INVALID");
      }
      return { foLine, quantity: line.quantity };
    });
  for (const { foLine, quantity } of lines) foLine.remainingQuantity -= quantity;
  fulfillmentOrder.status = fulfillmentOrder.lines.every((line) => line.remainingQuantity === 0)
    ? "CLOSED"
    : "IN_PROGRESS";
  fulfillmentOrder.updatedAt = at;
  const fulfillment: Fulfillment = {
    id: data.nextId("fulfillment"),
    orderId: order.id,
    fulfillmentOrderId: fulfillmentOrder.id,
    locationId: fulfillmentOrder.locationId,
    name: `${order.name}.${data.fulfillmentsOf(order.id).length + 1}`,
    status: "SUCCESS",
    lines: lines.map(({ foLine, quantity }) => ({
      id: data.nextId("fulfillmentLine"),
      lineItemId: foLine.lineItemId,
      quantity,
    })),
    tracking: input.tracking ? [input.tracking] : [],
    createdAt: at,
    updatedAt: at,
  };
  data.fulfillments.set(fulfillment.id, fulfillment);
  data.touchOrder(order.id, at);
  return fulfillment;
}

export interface NewFulfillmentEvent {
  fulfillmentId: Id;
  status: FulfillmentEventStatus;
  message?: string | null;
  happenedAt?: Date | null;
  estimatedDeliveryAt?: Date | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  zip?: string | null;
  /** When Shopify recorded it (defaults to happenedAt, as carrier scans arrive promptly). */
  at?: Date;
}

export function addFulfillmentEvent(data: ShopData, input: NewFulfillmentEvent): FulfillmentEvent {
  const fulfillment = data.requireFulfillment(input.fulfillmentId, ["fulfillmentId"]);
  const at = input.at ?? input.happenedAt ?? data.now();
  const event: FulfillmentEvent = {
    id: data.nextId("fulfillmentEvent"),
    fulfillmentId: fulfillment.id,
    status: input.status,
    message: input.message ?? null,
    happenedAt: input.happenedAt ?? at,
    estimatedDeliveryAt: input.estimatedDeliveryAt ?? null,
    city: input.city ?? null,
    province: input.province ?? null,
    country: input.country ?? null,
    zip: input.zip ?? null,
    createdAt: at,
  };
  data.fulfillmentEvents.set(event.id, event);
  if (fulfillment.updatedAt < at) fulfillment.updatedAt = at;
  data.touchOrder(fulfillment.orderId, at);
  return event;
}

export interface NewHold {
  reason: FulfillmentHoldReason;
  reasonNotes?: string | null;
  handle?: string | null;
  at?: Date;
}

const HOLDABLE = new Set(["OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED"]);

export function holdFulfillmentOrder(data: ShopData, fulfillmentOrderId: Id, input: NewHold): FulfillmentHold {
  const fulfillmentOrder = data.requireFulfillmentOrder(fulfillmentOrderId, ["id"]);
  if (!HOLDABLE.has(fulfillmentOrder.status)) {
    throw new StoreError(
      `A fulfillment order with status ${fulfillmentOrder.status} cannot be put on hold`,
      ["id"],
      "INVALID_STATE",
    );
  }
  const at = input.at ?? data.now();
  const hold: FulfillmentHold = {
    id: data.nextId("fulfillmentHold"),
    reason: input.reason,
    reasonNotes: input.reasonNotes ?? null,
    handle: input.handle || null,
    createdAt: at,
  };
  fulfillmentOrder.holds.push(hold);
  fulfillmentOrder.status = "ON_HOLD";
  fulfillmentOrder.updatedAt = at;
  data.touchOrder(fulfillmentOrder.orderId, at);
  return hold;
}

/** Releases the given holds (all when none are named); the order opens again once no hold is left. */
export function releaseFulfillmentHolds(
  data: ShopData,
  fulfillmentOrderId: Id,
  holdIds: readonly Id[] | null = null,
  at = data.now(),
): FulfillmentOrder {
  const fulfillmentOrder = data.requireFulfillmentOrder(fulfillmentOrderId, ["id"]);
  if (fulfillmentOrder.status !== "ON_HOLD") {
    throw new StoreError("The fulfillment order is not on hold", ["id"], "INVALID_STATE");
  }
  fulfillmentOrder.holds = holdIds ? fulfillmentOrder.holds.filter((hold) => !holdIds.includes(hold.id)) : [];
  if (fulfillmentOrder.holds.length === 0) {
    const started = fulfillmentOrder.lines.some((line) => line.remainingQuantity < line.totalQuantity);
    fulfillmentOrder.status = started ? "IN_PROGRESS" : "OPEN";
  }
  fulfillmentOrder.updatedAt = at;
  data.touchOrder(fulfillmentOrder.orderId, at);
  return fulfillmentOrder;
}
