// The seller's order list: the mirror's orders, newest first, with the
// customer and where the parcel is — one page at a time.
import { customerName } from "../customers/names.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
import { containsPattern } from "../database/text-search.server.ts";
import { searchQueryText } from "./search-text.ts";
import type { Db } from "../db.server.ts";

export const ORDERS_PER_PAGE = 25;

export interface OrderListItem {
  id: string;
  name: string;
  createdAt: string;
  customer: string | null;
  email: string | null;
  totalPrice: string;
  currency: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  cancelled: boolean;
  /** The latest carrier scan of the order's parcels, e.g. IN_TRANSIT. */
  shipmentStatus: string | null;
}

export interface OrderPage {
  orders: OrderListItem[];
  page: number;
  hasNext: boolean;
  total: number;
}

export async function listOrders(
  db: Db,
  shop: string,
  options: { page?: number; search?: string } = {},
): Promise<OrderPage> {
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const search = options.search?.trim();
  const { rows, total } = search
    ? await searchOrders(db, shop, search, page)
    : await Promise.all([
        db.order.findMany({
          where: { shop },
          orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }],
          skip: (page - 1) * ORDERS_PER_PAGE,
          take: ORDERS_PER_PAGE + 1,
        }),
        db.order.count({ where: { shop } }),
      ]).then(([rows, total]) => ({ rows, total }));
  const shown = rows.slice(0, ORDERS_PER_PAGE);
  const customerIds = [...new Set(shown.map((order) => order.customerId).filter((id): id is string => id !== null))];
  const orderIds = shown.map((order) => order.id);
  const [customers, fulfillments] = await Promise.all([
    db.customer.findMany({
      where: { shop, id: { in: customerIds } },
      select: { id: true, firstName: true, lastName: true, locale: true },
    }),
    db.fulfillment.findMany({
      where: { shop, orderId: { in: orderIds } },
      select: { orderId: true, shipmentStatus: true, shopifyUpdatedAt: true },
      orderBy: { shopifyUpdatedAt: "desc" },
    }),
  ]);
  const names = new Map(customers.map((c) => [c.id, customerName(c.firstName, c.lastName, c.locale)]));
  const shipment = new Map<string, string | null>();
  for (const fulfillment of fulfillments)
    if (!shipment.has(fulfillment.orderId)) shipment.set(fulfillment.orderId, fulfillment.shipmentStatus);
  return {
    page,
    total,
    hasNext: rows.length > ORDERS_PER_PAGE,
    orders: shown.map((order) => ({
      id: order.id,
      name: order.name,
      createdAt: order.shopifyCreatedAt.toISOString(),
      customer: order.customerId ? (names.get(order.customerId) ?? null) : null,
      email: order.email,
      totalPrice: order.totalPrice,
      currency: order.currency,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelled: order.cancelledAt !== null,
      shipmentStatus: shipment.get(order.id) ?? null,
    })),
  };
}

/**
 * One page of the orders whose number, email, phone or customer's name contains `search`, compared
 * folded (search-text.ts) and taking % and _ literally: the same on SQLite and PostgreSQL.
 */
async function searchOrders(db: Db, shop: string, search: string, page: number) {
  const pattern = containsPattern(searchQueryText(search));
  const matches = Prisma.sql`"shop" = ${shop} AND "searchText" LIKE ${pattern} ESCAPE '\\'`;
  const [ids, counted] = await Promise.all([
    db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Order" WHERE ${matches}
      ORDER BY "shopifyCreatedAt" DESC, "id" DESC LIMIT ${ORDERS_PER_PAGE + 1} OFFSET ${(page - 1) * ORDERS_PER_PAGE}`,
    db.$queryRaw<{ total: number | bigint }[]>`SELECT COUNT(*) AS "total" FROM "Order" WHERE ${matches}`,
  ]);
  const found = await db.order.findMany({ where: { shop, id: { in: ids.map((row) => row.id) } } });
  const byId = new Map(found.map((order) => [order.id, order]));
  return {
    rows: ids.flatMap((row) => byId.get(row.id) ?? []),
    total: Number(counted[0]?.total ?? 0),
  };
}
