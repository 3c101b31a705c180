// Parcels and their holds: fulfillments/create|update → Fulfillment (with
// tracking), fulfillment_events/create → FulfillmentEvent (carrier scans, the
// delay signals), fulfillment_orders/placed_on_hold|hold_released →
// FulfillmentOrder status and holds.
import type { Json, JsonObject } from "../webhooks/payload.server.ts";
import { isObject } from "../webhooks/payload.server.ts";
import {
  arrayOf,
  dateOf,
  enumOf,
  fieldOf,
  idAt,
  objectOf,
  ownIdOf,
  requireId,
  requireObject,
  requireValue,
  textOf,
  versionOf,
  type Read,
} from "./read-payload.server.ts";
import { keepNewest, notNewerThan, type Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

// ── Fulfillment ────────────────────────────────────────────────────────────

export interface FulfillmentRecord {
  id: string;
  orderId: string;
  version: Date | null;
  data: {
    status: Read<string>;
    shipmentStatus: Read<string>;
    trackingCompany: Read<string>;
    trackingNumbers: string | undefined;
    trackingUrls: string | undefined;
    shopifyCreatedAt: Read<Date>;
  };
}

/** `tracking_numbers: [...]`, or the older single `tracking_number`, as a JSON text array. */
function trackingList(fulfillment: JsonObject, listKey: string, singleKey: string): string | undefined {
  const list = arrayOf(fulfillment, listKey);
  if (list) return JSON.stringify(list.filter((item): item is string => typeof item === "string"));
  const single = textOf(fulfillment, singleKey);
  if (single === undefined) return undefined;
  return JSON.stringify(single === null ? [] : [single]);
}

/** Reads a fulfillment. Inside an order payload, `orderId` is the order's own exact id. */
export function readFulfillment(fulfillment: JsonObject, orderId?: string): FulfillmentRecord {
  return {
    id: requireId(ownIdOf(fulfillment), "fulfillment id"),
    orderId: orderId ?? requireId(idAt(fulfillment, "order_id"), "fulfillment order_id"),
    version: dateOf(fulfillment, "updated_at") ?? null,
    data: {
      status: enumOf(fulfillment, "status"),
      shipmentStatus: enumOf(fulfillment, "shipment_status"),
      trackingCompany: textOf(fulfillment, "tracking_company"),
      trackingNumbers: trackingList(fulfillment, "tracking_numbers", "tracking_number"),
      trackingUrls: trackingList(fulfillment, "tracking_urls", "tracking_url"),
      shopifyCreatedAt: dateOf(fulfillment, "created_at"),
    },
  };
}

export function writeFulfillment(tx: Tx, shop: string, fulfillment: FulfillmentRecord): Promise<boolean> {
  const key = { shop, id: fulfillment.id };
  const data = { ...fulfillment.data, orderId: fulfillment.orderId, shopifyUpdatedAt: fulfillment.version };
  return keepNewest({
    update: () => tx.fulfillment.updateMany({ where: { ...key, ...notNewerThan(fulfillment.version) }, data }),
    exists: () => tx.fulfillment.count({ where: key }).then((n) => n > 0),
    create: () => tx.fulfillment.create({ data: { ...key, ...data } }),
  });
}

export async function projectFulfillment(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const fulfillment = readFulfillment(event.payload);
  await writeFulfillment(tx, event.shop, fulfillment);
  return { orderId: fulfillment.orderId };
}

// ── FulfillmentEvent ───────────────────────────────────────────────────────

/** A carrier scan never changes once made: the row is simply upserted. */
export async function projectFulfillmentEvent(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const scan = event.payload;
  const id = requireId(ownIdOf(scan), "fulfillment event id");
  const fulfillmentId = requireId(idAt(scan, "fulfillment_id"), "fulfillment_id");
  const orderId = idAt(scan, "order_id") ?? (await storedOrderIdOfFulfillment(tx, event.shop, fulfillmentId));
  const data = {
    fulfillmentId,
    orderId: requireId(orderId, "order_id (and the fulfillment is not mirrored yet)"),
    status: requireValue(enumOf(scan, "status"), "fulfillment event status"),
    message: textOf(scan, "message"),
    happenedAt: dateOf(scan, "happened_at"),
    estimatedDeliveryAt: dateOf(scan, "estimated_delivery_at"),
    city: textOf(scan, "city"),
    province: textOf(scan, "province"),
    country: textOf(scan, "country"),
    zip: textOf(scan, "zip"),
  };
  const key = { shop: event.shop, id };
  await tx.fulfillmentEvent.upsert({ where: { shop_id: key }, create: { ...key, ...data }, update: data });
  return { orderId: data.orderId };
}

async function storedOrderIdOfFulfillment(tx: Tx, shop: string, fulfillmentId: string): Promise<string | null> {
  const row = await tx.fulfillment.findUnique({
    where: { shop_id: { shop, id: fulfillmentId } },
    select: { orderId: true },
  });
  return row?.orderId ?? null;
}

// ── FulfillmentOrder holds ────────────────────────────────────────────────

/** What the seller sees about a hold: why, and the note given with it. */
interface Hold {
  reason: string | null;
  reasonNotes: string | null;
}

function readHolds(holds: Json[]): Hold[] {
  return holds.filter(isObject).map((hold) => ({
    reason: enumOf(hold, "reason") ?? null,
    reasonNotes: textOf(hold, "reason_notes") ?? null,
  }));
}

/**
 * The holds to store. The payload lists them when they change; hold_released
 * does not say which holds remain, so: none once the order is no longer on
 * hold, otherwise leave the stored list.
 */
function holdsOf(fulfillmentOrder: JsonObject, status: string): string | undefined {
  const listed = arrayOf(fulfillmentOrder, "fulfillment_holds");
  if (listed) return JSON.stringify(readHolds(listed));
  return status === "ON_HOLD" ? undefined : "[]";
}

/**
 * Writes one fulfillment order's status (and holds when known). These payloads
 * carry no updated_at, so the version is when Shopify triggered the event.
 * They carry no order id either: it is kept from an earlier write, or filled
 * in later by a payload or reconciliation that knows it.
 */
async function writeFulfillmentOrder(
  tx: Tx,
  shop: string,
  fulfillmentOrder: JsonObject,
  version: Date | null,
  withHolds: boolean,
): Promise<string | null> {
  const id = requireId(ownIdOf(fulfillmentOrder), "fulfillment order id");
  const status = requireValue(enumOf(fulfillmentOrder, "status"), "fulfillment order status");
  const orderId = idAt(fulfillmentOrder, "order_id");
  const key = { shop, id };
  const data = { status, holds: withHolds ? holdsOf(fulfillmentOrder, status) : undefined, shopifyUpdatedAt: version };
  await keepNewest({
    update: () =>
      tx.fulfillmentOrder.updateMany({
        where: { ...key, ...notNewerThan(version) },
        data: { ...data, orderId: orderId ?? undefined },
      }),
    exists: () => tx.fulfillmentOrder.count({ where: key }).then((n) => n > 0),
    // Shopify's hold payloads do not name the order: null until another event does.
    create: () => tx.fulfillmentOrder.create({ data: { ...key, ...data, orderId } }),
  });
  if (orderId) return orderId;
  // The order an earlier write (an order payload, the backfill) linked it to.
  const stored = await tx.fulfillmentOrder.findUnique({ where: { shop_id: key }, select: { orderId: true } });
  return stored?.orderId ?? null;
}

export async function projectFulfillmentOrderHold(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const held = requireObject(fieldOf(event.payload, "fulfillment_order"), "fulfillment_order");
  const version = versionOf(held, event.triggeredAt);
  const orderId = await writeFulfillmentOrder(tx, event.shop, held, version, true);
  // placed_on_hold on part of the items splits off the rest as a new, open fulfillment order.
  const remaining = objectOf(event.payload, "remaining_fulfillment_order");
  if (remaining) await writeFulfillmentOrder(tx, event.shop, remaining, version, false);
  return { orderId };
}
