// The seller's order list: the mirror's orders, newest first, with the
// customer and where the parcel is — one page at a time.
import { customerName } from "../customers/names.ts";
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
  const where = {
    shop,
    ...(search ? { OR: [{ name: { contains: search } }, { email: { contains: search } }] } : {}),
  };
  const [rows, total] = await Promise.all([
    db.order.findMany({
      where,
      orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * ORDERS_PER_PAGE,
      take: ORDERS_PER_PAGE + 1,
    }),
    db.order.count({ where }),
  ]);
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
