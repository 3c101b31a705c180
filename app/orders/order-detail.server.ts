// One order as the seller needs it before answering a customer: what was
// bought, the customer, and one timeline of what happened — ordered, each
// parcel shipped (carrier, tracking), the carrier's scans, delay cases opened
// and resolved, and every notice Kizuna sent or held. Scoped to the shop: an
// order id of another shop is "not found", never its data.
import { customerName } from "../customers/names.ts";
import type { Db } from "../db.server.ts";
import { trackingVariables } from "../notices/order-updates.server.ts";

export type TimelineEntry =
  | { at: string; kind: "ordered" }
  | { at: string; kind: "cancelled"; reason: string | null }
  | { at: string; kind: "shipped"; carrier: string | null; trackingNumber: string | null; trackingUrl: string | null }
  | { at: string; kind: "scan"; status: string; message: string | null; place: string | null }
  | { at: string; kind: "delay_opened"; rule: string; reason: string; caseId: number }
  | { at: string; kind: "delay_resolved"; rule: string; caseId: number }
  | { at: string; kind: "notice"; noticeKind: string; channel: string; status: string; noticeId: number };

export interface OrderDetail {
  id: string;
  name: string;
  createdAt: string;
  customer: string | null;
  email: string | null;
  phone: string | null;
  totalPrice: string;
  currency: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  statusUrl: string | null;
  /** shopify | etsy: an Etsy order's money (refund, cancel, return) is handled on Etsy. */
  source: string;
  /** The seller's page of an Etsy order on Etsy, null for a Shopify order. */
  etsyUrl: string | null;
  items: { id: string; title: string; variantTitle: string | null; quantity: number; price: string }[];
  openDelays: number;
  /** Newest first. */
  timeline: TimelineEntry[];
}

const iso = (date: Date) => date.toISOString();

/** Etsy's page of a sold order for the seller (order ids are "etsy:<receipt_id>"). */
export function etsySoldOrderUrl(order: { id: string; source: string }): string | null {
  const receipt = /^etsy:(\d{1,20})$/.exec(order.id)?.[1];
  return order.source === "etsy" && receipt ? `https://www.etsy.com/your/orders/sold?order_id=${receipt}` : null;
}

export async function getOrderDetail(db: Db, shop: string, orderId: string): Promise<OrderDetail | null> {
  const order = await db.order.findUnique({ where: { shop_id: { shop, id: orderId } } });
  if (!order) return null;
  const scope = { shop, orderId };
  const [customer, items, fulfillments, scans, cases, notices] = await Promise.all([
    order.customerId ? db.customer.findUnique({ where: { shop_id: { shop, id: order.customerId } } }) : null,
    db.lineItem.findMany({ where: scope, orderBy: { id: "asc" } }),
    db.fulfillment.findMany({ where: scope }),
    db.fulfillmentEvent.findMany({ where: scope }),
    db.delayCase.findMany({ where: scope }),
    db.notice.findMany({
      where: scope,
      select: { id: true, kind: true, channel: true, status: true, sentAt: true, createdAt: true },
    }),
  ]);
  const timeline: TimelineEntry[] = [{ at: iso(order.shopifyCreatedAt), kind: "ordered" }];
  if (order.cancelledAt) timeline.push({ at: iso(order.cancelledAt), kind: "cancelled", reason: order.cancelReason });
  for (const parcel of fulfillments) {
    if (!parcel.shopifyCreatedAt) continue;
    const tracking = trackingVariables(parcel);
    // The page links it: an http(s) URL only.
    const trackingUrl =
      tracking.trackingUrl && /^https?:\/\//i.test(tracking.trackingUrl) ? tracking.trackingUrl : null;
    timeline.push({ at: iso(parcel.shopifyCreatedAt), kind: "shipped", ...tracking, trackingUrl });
  }
  for (const scan of scans) {
    if (!scan.happenedAt) continue;
    const place = [scan.city, scan.province, scan.country].filter(Boolean).join(", ") || null;
    timeline.push({ at: iso(scan.happenedAt), kind: "scan", status: scan.status, message: scan.message, place });
  }
  for (const delay of cases) {
    timeline.push({
      at: iso(delay.openedAt),
      kind: "delay_opened",
      rule: delay.rule,
      reason: delay.reason,
      caseId: delay.id,
    });
    if (delay.resolvedAt)
      timeline.push({ at: iso(delay.resolvedAt), kind: "delay_resolved", rule: delay.rule, caseId: delay.id });
  }
  for (const notice of notices)
    timeline.push({
      at: iso(notice.sentAt ?? notice.createdAt),
      kind: "notice",
      noticeKind: notice.kind,
      channel: notice.channel,
      status: notice.status,
      noticeId: notice.id,
    });
  timeline.sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? 1 : -1));
  return {
    id: order.id,
    name: order.name,
    createdAt: iso(order.shopifyCreatedAt),
    customer: customer ? customerName(customer.firstName, customer.lastName, customer.locale) : null,
    email: order.email ?? customer?.email ?? null,
    phone: order.phone ?? customer?.phone ?? null,
    totalPrice: order.totalPrice,
    currency: order.currency,
    financialStatus: order.financialStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    statusUrl: order.statusUrl,
    source: order.source,
    etsyUrl: etsySoldOrderUrl(order),
    items: items.map((item) => ({
      id: item.id,
      title: item.title,
      variantTitle: item.variantTitle,
      quantity: item.quantity,
      price: item.price,
    })),
    openDelays: cases.filter((delay) => delay.status !== "resolved").length,
    timeline,
  };
}
