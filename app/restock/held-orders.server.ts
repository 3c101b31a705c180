// Orders first, then subscribers. When stock comes back for a variant that an
// order on hold is waiting for (a fulfillment order held as
// INVENTORY_OUT_OF_STOCK with that variant in it), the episode waits
// ("waiting_for_orders") and the Restock page shows those orders: the seller
// releases the holds, and the wave then tells subscribers with the stock that
// is left. It resumes on its own when the last such hold is released or its
// order cancelled, or when the seller chooses to tell subscribers anyway.
import type { Db } from "../db.server.ts";
import { variantStock } from "./stock.server.ts";
import type { RestockEpisode } from "./types.ts";

export const WAITING_FOR_ORDERS = "waiting_for_orders";

export interface HeldOrder {
  orderId: string;
  name: string;
  /** Units of the variant the order is waiting for. */
  quantity: number;
}

function heldForStock(holds: string | null): boolean {
  try {
    const value: unknown = JSON.parse(holds ?? "[]");
    return (
      Array.isArray(value) &&
      value.some((hold) => (hold as { reason?: unknown } | null)?.reason === "INVENTORY_OUT_OF_STOCK")
    );
  } catch {
    return false;
  }
}

/** The shop's open orders on hold for lack of this variant, oldest first. */
export async function ordersHeldFor(db: Db, shop: string, variantId: string): Promise<HeldOrder[]> {
  const held = await db.fulfillmentOrder.findMany({
    where: { shop, status: "ON_HOLD", orderId: { not: null } },
    select: { orderId: true, holds: true },
  });
  const orderIds = [...new Set(held.filter((row) => heldForStock(row.holds)).map((row) => row.orderId!))];
  if (orderIds.length === 0) return [];
  const [orders, items] = await Promise.all([
    db.order.findMany({
      where: { shop, id: { in: orderIds }, cancelledAt: null },
      select: { id: true, name: true, shopifyCreatedAt: true },
      orderBy: { shopifyCreatedAt: "asc" },
    }),
    db.lineItem.findMany({
      where: { shop, orderId: { in: orderIds }, variantId },
      select: { orderId: true, quantity: true },
    }),
  ]);
  const units = new Map<string, number>();
  for (const item of items) units.set(item.orderId, (units.get(item.orderId) ?? 0) + item.quantity);
  return orders.flatMap((order) =>
    units.has(order.id) ? [{ orderId: order.id, name: order.name, quantity: units.get(order.id)! }] : [],
  );
}

/**
 * Episodes of the shop waiting for held orders that may go on now (`orderId`: those of that order's
 * variants, after an event about it; all of the shop's when omitted): none of their orders is held any
 * more, or `force` (the seller said so). Each goes on with the stock that is left, or ends sold out. Returns those that
 * run: the caller schedules their first wave.
 */
export async function resumeWaitingEpisodes(
  db: Db,
  shop: string,
  options: { orderId?: string; episodeId?: number; force?: boolean; now?: Date } = {},
): Promise<RestockEpisode[]> {
  const now = options.now ?? new Date();
  let waiting = await db.restockEpisode.findMany({
    where: { shop, status: WAITING_FOR_ORDERS, ...(options.episodeId !== undefined ? { id: options.episodeId } : {}) },
  });
  // An event about an order frees only the episodes of its variants (read only when some episode waits).
  if (options.orderId !== undefined && waiting.length > 0) {
    const variants = new Set(await variantsOfOrder(db, shop, options.orderId));
    waiting = waiting.filter((episode) => variants.has(episode.variantId));
  }
  const resumed: RestockEpisode[] = [];
  for (const episode of waiting) {
    if (!options.force && (await ordersHeldFor(db, shop, episode.variantId)).length > 0) continue;
    const stock = await variantStock(db, shop, episode.variantId);
    const left = Math.max(0, stock?.available ?? 0);
    const data =
      left > 0
        ? { status: "running", availableAtStart: left }
        : { status: "sold_out", availableAtStart: 0, endedAt: now };
    const moved = await db.restockEpisode.updateMany({ where: { id: episode.id, status: WAITING_FOR_ORDERS }, data });
    if (moved.count === 1 && left > 0) resumed.push({ ...episode, ...data });
  }
  return resumed;
}

/** The variants of an order's line items (an event about the order may free episodes of these). */
async function variantsOfOrder(db: Db, shop: string, orderId: string): Promise<string[]> {
  const items = await db.lineItem.findMany({
    where: { shop, orderId, variantId: { not: null } },
    select: { variantId: true },
  });
  return [...new Set(items.map((item) => item.variantId!))];
}
