// Returns as Kizuna keeps them: Shopify's record (projected from webhooks and
// from every answer Kizuna gets) beside Kizuna's side (the customer's wish, the
// policy's verdict), the return's history, and the order as the policy sees it.
// Every read is scoped to the verified shop.
import { parseJsonText } from "../database/json-text.ts";
import { customerName } from "../customers/names.ts";
import type { Db } from "../db.server.ts";
import type { PolicyOrder, Resolution, Verdict } from "./policy.ts";
import type { ShopifyReturn } from "./shopify-returns.server.ts";

import type { ReturnStatus } from "./return-labels.ts";

export interface RequestedLineRecord {
  lineItemId: string;
  fulfillmentLineItemId: string;
  quantity: number;
  reasonHandle: string;
  note: string | null;
  exchangeVariantId: string | null;
}

/** When the order was first shipped and when a parcel was delivered, from the mirror. */
async function shippingDates(db: Db, shop: string, orderId: string) {
  const [fulfillments, delivered] = await Promise.all([
    db.fulfillment.findMany({
      where: { shop, orderId, NOT: { status: "cancelled" } },
      select: { shopifyCreatedAt: true, shipmentStatus: true, shopifyUpdatedAt: true },
    }),
    db.fulfillmentEvent.findFirst({
      where: { shop, orderId, status: { in: ["delivered", "DELIVERED"] } },
      orderBy: { happenedAt: "desc" },
      select: { happenedAt: true },
    }),
  ]);
  const created = fulfillments.map((f) => f.shopifyCreatedAt).filter((d): d is Date => d !== null);
  const fulfilledAt = created.length ? new Date(Math.min(...created.map((d) => d.getTime()))) : null;
  const deliveredByStatus = fulfillments.find((f) => f.shipmentStatus === "delivered")?.shopifyUpdatedAt ?? null;
  return { fulfilledAt, deliveredAt: delivered?.happenedAt ?? deliveredByStatus };
}

/**
 * The order as the policy sees it. `returnable` is what Shopify says can still be returned per
 * order line (from returnableFulfillments); without it, nothing counts as returnable.
 */
export async function policyOrderOf(
  db: Db,
  shop: string,
  orderId: string,
  returnable: ReadonlyMap<string, number>,
): Promise<PolicyOrder | null> {
  const order = await db.order.findUnique({ where: { shop_id: { shop, id: orderId } } });
  if (!order) return null;
  const lines = await db.lineItem.findMany({ where: { shop, orderId }, orderBy: { id: "asc" } });
  const productIds = [...new Set(lines.map((line) => line.productId).filter((id): id is string => id !== null))];
  const products = await db.product.findMany({
    where: { shop, id: { in: productIds } },
    select: { id: true, tags: true },
  });
  const tagsOf = new Map(products.map((product) => [product.id, parseJsonText<string[]>(product.tags, [])]));
  const dates = await shippingDates(db, shop, orderId);
  return {
    currency: order.currency,
    cancelled: order.cancelledAt !== null,
    deliveredAt: dates.deliveredAt,
    fulfilledAt: dates.fulfilledAt,
    lines: lines.map((line) => ({
      lineItemId: line.id,
      productId: line.productId,
      title: line.variantTitle ? `${line.title} – ${line.variantTitle}` : line.title,
      unitPrice: line.price,
      returnable: returnable.get(line.id) ?? 0,
      productTags: (line.productId && tagsOf.get(line.productId)) || [],
    })),
  };
}

export interface KizunaSide {
  source: "order_page" | "admin";
  verdict: Verdict;
  resolution: Resolution | "keep_item";
  requestedLines: RequestedLineRecord[];
  customerNote: string | null;
  photoId: number | null;
  locale: string | null;
}

/** Writes what Shopify answered about a return (never older than what is stored), with Kizuna's side when given. */
export async function recordReturn(db: Db, shop: string, ret: ShopifyReturn, side?: KizunaSide): Promise<void> {
  const shopifyPart = {
    orderId: ret.orderId,
    name: ret.name,
    status: ret.status,
    declineReason: ret.decline?.reason ?? null,
    declineNote: ret.decline?.note ?? null,
    closedAt: ret.closedAt ? new Date(ret.closedAt) : null,
    reverseDeliveries: JSON.stringify(ret.deliveries),
    lineItems: JSON.stringify(
      ret.lines.map((line) => ({
        id: line.id,
        quantity: line.quantity,
        processed_quantity: line.processedQuantity,
        fulfillment_line_item_id: line.fulfillmentLineItemId,
        line_item_id: line.lineItemId,
        return_reason_handle: line.reasonHandle,
        customer_note: line.customerNote,
      })),
    ),
  };
  const kizunaPart = side
    ? {
        source: side.source,
        verdict: JSON.stringify(side.verdict),
        resolution: side.resolution,
        requestedLines: JSON.stringify(side.requestedLines),
        customerNote: side.customerNote,
        photoId: side.photoId,
        locale: side.locale,
      }
    : {};
  // When Shopify says it was asked for: set once, by whichever write comes first.
  const requestedAt = ret.createdAt ? new Date(ret.createdAt) : new Date();
  await db.return.upsert({
    where: { shop_id: { shop, id: ret.id } },
    create: { shop, id: ret.id, requestedAt, ...shopifyPart, ...kizunaPart },
    update: { ...shopifyPart, ...kizunaPart },
  });
}

export type ReturnAction =
  | "requested"
  | "auto_approved"
  | "approved"
  | "declined"
  | "label_added"
  | "processed"
  | "closed"
  | "reopened"
  | "cancelled"
  | "replaced";

export async function addReturnEvent(
  db: Db,
  event: {
    shop: string;
    returnId: string;
    orderId: string;
    action: ReturnAction;
    actor: string;
    detail?: string | null;
  },
): Promise<void> {
  await db.returnEvent.create({ data: { ...event, detail: event.detail ?? null } });
}

export interface ReturnListFilters {
  status?: ReturnStatus | "all";
  query?: string;
  page?: number;
}

export interface ReturnListRow {
  id: string;
  name: string | null;
  status: string;
  orderId: string | null;
  orderName: string | null;
  customerName: string | null;
  requestedAt: string | null;
  decision: string | null;
  resolution: string | null;
  itemCount: number;
  source: string | null;
}

const PAGE_SIZE = 25;

/** Returns of the shop, waiting longest first (requested before open before the rest). */
export async function listReturns(
  db: Db,
  shop: string,
  filters: ReturnListFilters,
): Promise<{ rows: ReturnListRow[]; hasNext: boolean; counts: Record<string, number> }> {
  const page = Math.max(1, filters.page ?? 1);
  const query = filters.query?.trim();
  const orderIds = query
    ? (
        await db.order.findMany({
          where: { shop, OR: [{ name: { contains: query } }, { searchText: { contains: query.toLowerCase() } }] },
          select: { id: true },
          take: 500,
        })
      ).map((order) => order.id)
    : null;
  const where = {
    shop,
    ...(filters.status && filters.status !== "all" ? { status: filters.status } : {}),
    ...(orderIds ? { OR: [{ orderId: { in: orderIds } }, { name: { contains: query } }] } : {}),
  };
  const [rows, grouped] = await Promise.all([
    db.return.findMany({
      where,
      orderBy: [{ requestedAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE + 1,
    }),
    db.return.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
  ]);
  const shown = rows.slice(0, PAGE_SIZE);
  const orders = await db.order.findMany({
    where: { shop, id: { in: shown.map((row) => row.orderId).filter((id): id is string => id !== null) } },
    select: { id: true, name: true, customerId: true },
  });
  const customers = await db.customer.findMany({
    where: { shop, id: { in: orders.map((order) => order.customerId).filter((id): id is string => id !== null) } },
    select: { id: true, firstName: true, lastName: true, locale: true },
  });
  const orderOf = new Map(orders.map((order) => [order.id, order]));
  const customerOf = new Map(customers.map((customer) => [customer.id, customer]));
  // Requested returns wait for the seller; then open ones; then the rest.
  const rank = (status: string) => (status === "REQUESTED" ? 0 : status === "OPEN" ? 1 : 2);
  const ordered =
    filters.status && filters.status !== "all" ? shown : [...shown].sort((a, b) => rank(a.status) - rank(b.status));
  return {
    rows: ordered.map((row) => {
      const order = row.orderId ? orderOf.get(row.orderId) : undefined;
      const customer = order?.customerId ? customerOf.get(order.customerId) : undefined;
      const verdict = parseJsonText<{ decision?: string } | null>(row.verdict, null);
      const lines = parseJsonText<{ quantity?: number }[]>(row.lineItems, []);
      return {
        id: row.id,
        name: row.name,
        status: row.status,
        orderId: row.orderId,
        orderName: order?.name ?? null,
        customerName: customer ? customerName(customer.firstName, customer.lastName, customer.locale) : null,
        requestedAt: row.requestedAt?.toISOString() ?? null,
        decision: verdict?.decision ?? null,
        resolution: row.resolution,
        itemCount: lines.reduce((total, line) => total + (line.quantity ?? 0), 0),
        source: row.source,
      };
    }),
    hasNext: rows.length > PAGE_SIZE,
    counts: Object.fromEntries(grouped.map((group) => [group.status, group._count._all])),
  };
}

export interface ReturnRecord {
  id: string;
  name: string | null;
  status: string;
  orderId: string | null;
  declineReason: string | null;
  declineNote: string | null;
  requestedAt: Date | null;
  closedAt: Date | null;
  source: string | null;
  verdict: Verdict | null;
  resolution: string | null;
  requestedLines: RequestedLineRecord[];
  customerNote: string | null;
  photoId: number | null;
  locale: string | null;
  replacedBy: string | null;
  deliveries: {
    carrier: string | null;
    trackingNumber: string | null;
    trackingUrl: string | null;
    labelUrl: string | null;
  }[];
  events: { action: string; actor: string; detail: string | null; at: Date }[];
}

/** One return of this shop, or null (another shop's id is not found). */
export async function findReturn(db: Db, shop: string, returnId: string): Promise<ReturnRecord | null> {
  const row = await db.return.findUnique({ where: { shop_id: { shop, id: returnId } } });
  if (!row) return null;
  const events = await db.returnEvent.findMany({
    where: { shop, returnId },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { action: true, actor: true, detail: true, at: true },
  });
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    orderId: row.orderId,
    declineReason: row.declineReason,
    declineNote: row.declineNote,
    requestedAt: row.requestedAt,
    closedAt: row.closedAt,
    source: row.source,
    verdict: parseJsonText<Verdict | null>(row.verdict, null),
    resolution: row.resolution,
    requestedLines: parseJsonText<RequestedLineRecord[]>(row.requestedLines, []),
    customerNote: row.customerNote,
    photoId: row.photoId,
    locale: row.locale,
    replacedBy: row.replacedBy,
    deliveries: parseJsonText(row.reverseDeliveries, []),
    events,
  };
}

/** The returns of one order (for the order pages), newest first. */
export async function returnsOfOrder(db: Db, shop: string, orderId: string): Promise<ReturnRecord[]> {
  const rows = await db.return.findMany({ where: { shop, orderId }, orderBy: { id: "desc" }, select: { id: true } });
  const found = await Promise.all(rows.map((row) => findReturn(db, shop, row.id)));
  return found.filter((ret): ret is ReturnRecord => ret !== null);
}
