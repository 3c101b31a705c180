// Keeps Order.searchText (app/orders/search-text.ts) in step with the rows it
// is made of: the order's own contact fields and its customer's. Called in the
// same transaction as each write of an order or a customer (projections,
// backfill, redaction), so a redacted name stops being found at once; orders
// from before the column existed are filled by the worker at start.
import { inChunks } from "../database/chunks.ts";
import type { Db } from "../db.server.ts";
import type { Tx } from "../mirror/write.server.ts";
import { orderSearchText } from "./search-text.ts";

type Writer = Db | Tx;

const ORDER_FIELDS = {
  id: true,
  name: true,
  email: true,
  phone: true,
  shippingAddress: true,
  customerId: true,
  searchText: true,
} as const;

/** Recomputes the search text of the shop's orders chosen by `where`; returns how many changed. */
async function refresh(
  db: Writer,
  shop: string,
  where: { id: { in: string[] } } | { customerId: string } | { searchText: null },
  take?: number,
): Promise<number> {
  const orders = await db.order.findMany({ where: { shop, ...where }, select: ORDER_FIELDS, take });
  const customerIds = [...new Set(orders.flatMap((order) => (order.customerId ? [order.customerId] : [])))];
  const customers = await inChunks(customerIds, (ids) =>
    db.customer.findMany({
      where: { shop, id: { in: ids } },
      select: { id: true, firstName: true, lastName: true, email: true, phone: true },
    }),
  );
  const customerOf = new Map(customers.map((customer) => [customer.id, customer]));
  let changed = 0;
  for (const order of orders) {
    const searchText = orderSearchText(order, order.customerId ? (customerOf.get(order.customerId) ?? null) : null);
    if (searchText === order.searchText) continue;
    await db.order.update({ where: { shop_id: { shop, id: order.id } }, data: { searchText } });
    changed += 1;
  }
  return changed;
}

export async function refreshOrderSearch(db: Writer, shop: string, orderIds: readonly string[]): Promise<number> {
  const changed = await inChunks(orderIds, async (ids) => [await refresh(db, shop, { id: { in: ids } })]);
  return changed.reduce((sum, count) => sum + count, 0);
}

/** After a customer's name, email or phone changed (or was redacted): every order of theirs. */
export function refreshCustomerOrdersSearch(db: Writer, shop: string, customerId: string): Promise<number> {
  return refresh(db, shop, { customerId });
}

/**
 * Orders whose search text was never computed (written before it existed), a page at a time
 * until none is left or `stopped()` says so (the worker is shutting down).
 */
export async function fillMissingOrderSearch(
  db: Db,
  options: { pageSize?: number; stopped?: () => boolean } = {},
): Promise<number> {
  const pageSize = options.pageSize ?? 500;
  let filled = 0;
  while (!options.stopped?.()) {
    const missing = await db.order.findMany({
      where: { searchText: null },
      select: { shop: true },
      distinct: ["shop"],
      take: 1,
    });
    const shop = missing[0]?.shop;
    if (!shop) return filled;
    const count = await db.$transaction((tx) => refresh(tx, shop, { searchText: null }, pageSize));
    // Nothing changed means the rows are as computed already (an empty text is stored as "").
    if (count === 0) return filled;
    filled += count;
  }
  return filled;
}
