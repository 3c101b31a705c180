// Admin GraphQL nodes in the shape of Shopify's webhook payloads (REST), so the
// backfill goes through exactly the projections the webhooks use: a backfilled
// mirror is, by construction, what the webhooks would have built.
import type { Json, JsonObject } from "../webhooks/payload.server.ts";
import { idOf, isObject } from "../webhooks/payload.server.ts";

type Node = JsonObject;

function nodeOf(value: Json | undefined): Node | null {
  return isObject(value) ? value : null;
}

function nodesOf(value: Json | undefined): Node[] {
  if (Array.isArray(value)) return value.filter(isObject);
  const connection = nodeOf(value);
  return connection && Array.isArray(connection.nodes) ? connection.nodes.filter(isObject) : [];
}

function text(value: Json | undefined): string | null {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
}

/** GraphQL's `IN_TRANSIT` in REST's spelling, `in_transit` (the projections read both). */
function lower(value: Json | undefined): string | null {
  const found = text(value);
  return found === null ? null : found.toLowerCase();
}

/** A GID and its numeric id, the pair every REST payload carries. */
function ids(gid: Json | undefined): { id: string | null; admin_graphql_api_id: string | null } {
  const full = text(gid);
  return { id: full ? idOf(full.split("?")[0]) : null, admin_graphql_api_id: full };
}

function shopMoney(set: Json | undefined): string | null {
  return text(nodeOf(nodeOf(set)?.shopMoney)?.amount);
}

export function restAddress(address: Json | undefined): JsonObject | null {
  const a = nodeOf(address);
  if (!a) return null;
  return {
    first_name: text(a.firstName),
    last_name: text(a.lastName),
    name: text(a.name),
    company: text(a.company),
    address1: text(a.address1),
    address2: text(a.address2),
    city: text(a.city),
    province: text(a.province),
    province_code: text(a.provinceCode),
    zip: text(a.zip),
    country: text(a.country),
    country_code: text(a.countryCodeV2),
    phone: text(a.phone),
  };
}

export function restCustomer(customer: Node): JsonObject {
  const email = nodeOf(customer.defaultEmailAddress);
  const phone = nodeOf(customer.defaultPhoneNumber);
  return {
    ...ids(customer.id),
    first_name: text(customer.firstName),
    last_name: text(customer.lastName),
    email: text(email?.emailAddress),
    phone: text(phone?.phoneNumber),
    locale: text(customer.locale),
    updated_at: text(customer.updatedAt),
    email_marketing_consent: email ? { state: lower(email.marketingState) } : null,
    sms_marketing_consent: phone ? { state: lower(phone.marketingState) } : null,
    default_address: restAddress(customer.defaultAddress),
  };
}

/** REST's order-level `fulfillment_status`: null until something ships. */
const FULFILLMENT_STATUS: Record<string, string | null> = {
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partial",
  RESTOCKED: "restocked",
};

/**
 * The carrier states REST's `shipment_status` has. A fulfillment's GraphQL
 * `displayStatus` also says FULFILLED, MARKED_AS_FULFILLED, CANCELED… where a
 * webhook says null (no carrier scan yet).
 */
const SHIPMENT_STATUSES = new Set([
  "ATTEMPTED_DELIVERY",
  "CARRIER_PICKED_UP",
  "CONFIRMED",
  "DELAYED",
  "DELIVERED",
  "FAILURE",
  "IN_TRANSIT",
  "LABEL_PRINTED",
  "LABEL_PURCHASED",
  "OUT_FOR_DELIVERY",
  "PICKED_UP",
  "READY_FOR_PICKUP",
]);

function shipmentStatus(displayStatus: Json | undefined): string | null {
  const status = text(displayStatus);
  return status && SHIPMENT_STATUSES.has(status) ? status.toLowerCase() : null;
}

export function restFulfillment(fulfillment: Node, orderId: string | null): JsonObject {
  const tracking = nodesOf(fulfillment.trackingInfo);
  return {
    ...ids(fulfillment.id),
    order_id: orderId,
    status: lower(fulfillment.status),
    shipment_status: shipmentStatus(fulfillment.displayStatus),
    tracking_company: text(tracking[0]?.company),
    tracking_numbers: tracking.map((t) => text(t.number)).filter((n): n is string => n !== null),
    tracking_urls: tracking.map((t) => text(t.url)).filter((n): n is string => n !== null),
    created_at: text(fulfillment.createdAt),
    updated_at: text(fulfillment.updatedAt),
  };
}

export function restFulfillmentEvent(event: Node, fulfillmentId: string | null, orderId: string | null): JsonObject {
  return {
    ...ids(event.id),
    fulfillment_id: fulfillmentId,
    order_id: orderId,
    status: lower(event.status),
    message: text(event.message),
    happened_at: text(event.happenedAt),
    estimated_delivery_at: text(event.estimatedDeliveryAt),
    city: text(event.city),
    province: text(event.province),
    country: text(event.country),
    zip: text(event.zip),
  };
}

export function restFulfillmentOrder(fulfillmentOrder: Node, orderId: string | null): JsonObject {
  return {
    fulfillment_order: {
      ...ids(fulfillmentOrder.id),
      order_id: orderId,
      status: lower(fulfillmentOrder.status),
      updated_at: text(fulfillmentOrder.updatedAt),
      fulfillment_holds: nodesOf(fulfillmentOrder.fulfillmentHolds).map((hold) => ({
        reason: lower(hold.reason),
        reason_notes: text(hold.reasonNotes),
      })),
    },
  };
}

export function restOrder(order: Node): JsonObject {
  const { id } = ids(order.id);
  const customer = nodeOf(order.customer);
  return {
    ...ids(order.id),
    name: text(order.name),
    created_at: text(order.createdAt),
    updated_at: text(order.updatedAt),
    cancelled_at: text(order.cancelledAt),
    cancel_reason: lower(order.cancelReason),
    closed_at: text(order.closedAt),
    email: text(order.email),
    phone: text(order.phone),
    customer_locale: text(order.customerLocale),
    order_status_url: text(order.statusPageUrl),
    currency: text(order.currencyCode),
    total_price: shopMoney(order.totalPriceSet),
    financial_status: lower(order.displayFinancialStatus),
    fulfillment_status: FULFILLMENT_STATUS[text(order.displayFulfillmentStatus) ?? ""] ?? null,
    shipping_address: restAddress(order.shippingAddress),
    customer: customer ? restCustomer(customer) : null,
    line_items: nodesOf(order.lineItems).map((item) => ({
      ...ids(item.id),
      title: text(item.title) ?? text(item.name),
      variant_title: text(item.variantTitle),
      sku: text(item.sku),
      quantity: typeof item.quantity === "number" ? item.quantity : null,
      price: shopMoney(item.originalUnitPriceSet),
      product_id: ids(nodeOf(item.product)?.id).id,
      variant_id: ids(nodeOf(item.variant)?.id).id,
    })),
    fulfillments: nodesOf(order.fulfillments).map((fulfillment) => restFulfillment(fulfillment, id)),
  };
}

/** One product with the variants read for it (variants arrive flat, possibly across pages). */
/** The featured medium's preview as REST's `image: { src }`, null when the product has none. */
function imageOf(product: Node): JsonObject | null {
  const url = text(nodeOf(nodeOf(nodeOf(product.featuredMedia)?.preview)?.image)?.url);
  return url ? { src: url } : null;
}

export function restProduct(product: Node, variants: Node[]): JsonObject {
  return {
    ...ids(product.id),
    title: text(product.title),
    handle: text(product.handle),
    status: lower(product.status),
    updated_at: text(product.updatedAt),
    ...(Array.isArray(product.tags) ? { tags: product.tags.filter((tag) => typeof tag === "string").join(", ") } : {}),
    ...("featuredMedia" in product ? { image: imageOf(product) } : {}),
    variants: variants.map((variant) => ({
      ...ids(variant.id),
      product_id: ids(product.id).id,
      title: text(variant.title),
      sku: text(variant.sku),
      price: text(variant.price),
      inventory_quantity: typeof variant.inventoryQuantity === "number" ? variant.inventoryQuantity : null,
      inventory_item_id: ids(nodeOf(variant.inventoryItem)?.id).id,
      updated_at: text(variant.updatedAt),
    })),
  };
}

export function restInventoryLevel(level: Node, inventoryItemGid: string): JsonObject {
  const available = nodesOf(level.quantities).find((q) => q.name === "available");
  return {
    admin_graphql_api_id: `${text(level.id)?.split("?")[0] ?? "gid://shopify/InventoryLevel/0"}?inventory_item_id=${ids(inventoryItemGid).id}`,
    inventory_item_id: ids(inventoryItemGid).id,
    location_id: ids(nodeOf(level.location)?.id).id,
    available: typeof available?.quantity === "number" ? available.quantity : null,
    updated_at: text(level.updatedAt),
  };
}
