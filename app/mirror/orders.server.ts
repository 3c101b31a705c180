// orders/create|updated|cancelled|fulfilled|partially_fulfilled → Order, its
// LineItems, the order's customer, and the fulfillments embedded in the order.
// Every orders/* topic carries the whole order, so one projector serves all.
import type { JsonObject } from "../webhooks/payload.server.ts";
import { forgetIfRedacted, readCustomer, writeCustomer, type CustomerRecord } from "./customers.server.ts";
import { refreshCustomerOrdersSearch, refreshOrderSearch } from "../orders/order-search.server.ts";
import { readFulfillment, writeFulfillment, type FulfillmentRecord } from "./fulfillments.server.ts";
import {
  dateOf,
  enumOf,
  fieldOf,
  idAt,
  intOf,
  addressTextOf,
  moneyOf,
  objectOf,
  objectsOf,
  ownIdOf,
  requireId,
  requireValue,
  textOf,
  type Read,
} from "./read-payload.server.ts";
import { keepNewest, type Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

interface LineItemRecord {
  id: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  variantTitle: Read<string>;
  sku: Read<string>;
  quantity: number;
  price: string;
}

interface OrderRecord {
  id: string;
  version: Date;
  data: {
    name: string;
    customerId: string | null;
    email: Read<string>;
    phone: Read<string>;
    locale: Read<string>;
    currency: string;
    totalPrice: string;
    financialStatus: Read<string>;
    fulfillmentStatus: Read<string>;
    cancelledAt: Read<Date>;
    cancelReason: Read<string>;
    closedAt: Read<Date>;
    shippingAddress: Read<string>;
    statusUrl: Read<string>;
    shopifyCreatedAt: Date;
  };
  lineItems: LineItemRecord[] | undefined;
  customer: CustomerRecord | null;
  fulfillments: FulfillmentRecord[];
}

/**
 * REST's `fulfillment_status` in the Admin GraphQL spelling of the order's
 * display status: null means nothing is fulfilled yet.
 */
function fulfillmentStatusOf(order: JsonObject): Read<string> {
  const status = enumOf(order, "fulfillment_status");
  if (status === null) return "UNFULFILLED";
  return status === "PARTIAL" ? "PARTIALLY_FULFILLED" : status;
}

function readLineItem(item: JsonObject): LineItemRecord {
  return {
    id: requireId(ownIdOf(item), "line item id"),
    productId: idAt(item, "product_id"),
    variantId: idAt(item, "variant_id"),
    title: textOf(item, "title") ?? textOf(item, "name") ?? "",
    variantTitle: textOf(item, "variant_title"),
    sku: textOf(item, "sku"),
    quantity: requireValue(intOf(item, "quantity"), "line item quantity"),
    price: requireValue(moneyOf(item, "price"), "line item price"),
  };
}

/** Reads and checks the whole order before anything is written. */
function readOrder(order: JsonObject): OrderRecord {
  const id = requireId(ownIdOf(order), "order id");
  const createdAt = requireValue(dateOf(order, "created_at"), "order created_at");
  const customerObject = objectOf(order, "customer");
  const locale = textOf(order, "customer_locale");
  // Guest checkouts have no customer (or one without an id).
  const customer = customerObject && ownIdOf(customerObject) !== null ? readCustomer(customerObject, locale) : null;
  const orderNumber = textOf(order, "order_number");
  return {
    id,
    version: dateOf(order, "updated_at") ?? createdAt,
    data: {
      name: textOf(order, "name") ?? (orderNumber ? `#${orderNumber}` : id),
      customerId: customer?.id ?? null,
      email: textOf(order, "email") ?? textOf(order, "contact_email"),
      phone: textOf(order, "phone"),
      locale,
      currency: requireValue(textOf(order, "currency"), "order currency"),
      // The total the customer was charged at checkout; refunds are mirrored separately.
      totalPrice: requireValue(
        moneyOf(order, "total_price") ?? moneyOf(order, "current_total_price"),
        "order total_price",
      ),
      financialStatus: enumOf(order, "financial_status"),
      fulfillmentStatus: fulfillmentStatusOf(order),
      cancelledAt: dateOf(order, "cancelled_at"),
      cancelReason: enumOf(order, "cancel_reason"),
      closedAt: dateOf(order, "closed_at"),
      shippingAddress: addressTextOf(fieldOf(order, "shipping_address")),
      statusUrl: textOf(order, "order_status_url"),
      shopifyCreatedAt: createdAt,
    },
    lineItems:
      fieldOf(order, "line_items") === undefined ? undefined : objectsOf(order, "line_items").map(readLineItem),
    customer,
    fulfillments: objectsOf(order, "fulfillments").map((fulfillment) => readFulfillment(fulfillment, id)),
  };
}

/** A late webhook about a redacted customer's order must not bring their contact details back. */
function withoutContact(data: OrderRecord["data"]): OrderRecord["data"] {
  return { ...data, email: null, phone: null, shippingAddress: null, statusUrl: null };
}

function writeOrderRow(tx: Tx, shop: string, order: OrderRecord, data: OrderRecord["data"]): Promise<boolean> {
  const key = { shop, id: order.id };
  const row = { ...data, shopifyUpdatedAt: order.version };
  return keepNewest({
    // Order.shopifyUpdatedAt is never null, so the plain comparison is the whole guard.
    update: () => tx.order.updateMany({ where: { ...key, shopifyUpdatedAt: { lte: order.version } }, data: row }),
    exists: () => tx.order.count({ where: key }).then((n) => n > 0),
    create: () => tx.order.create({ data: { ...key, ...row } }),
  });
}

/** The order's line items become exactly those of the payload. */
async function replaceLineItems(tx: Tx, shop: string, orderId: string, items: LineItemRecord[]): Promise<void> {
  await tx.lineItem.deleteMany({ where: { shop, orderId, id: { notIn: items.map((item) => item.id) } } });
  for (const { id, ...item } of items) {
    const key = { shop, id };
    await tx.lineItem.upsert({
      where: { shop_id: key },
      create: { ...key, orderId, ...item },
      update: { orderId, ...item },
    });
  }
}

export async function projectOrder(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const order = readOrder(event.payload);
  const { shop } = event;
  // The customer and the fulfillments carry their own versions.
  if (order.customer) await writeCustomer(tx, shop, order.customer);
  for (const fulfillment of order.fulfillments) await writeFulfillment(tx, shop, fulfillment);
  const redacted = order.customer !== null && (await forgetIfRedacted(tx, shop, order.customer.id));
  const written = await writeOrderRow(tx, shop, order, redacted ? withoutContact(order.data) : order.data);
  if (written && order.lineItems) await replaceLineItems(tx, shop, order.id, order.lineItems);
  // With a customer: all their orders (this one among them, its customer's name may have changed); a guest's: this one.
  if (order.customer) await refreshCustomerOrdersSearch(tx, shop, order.customer.id);
  else await refreshOrderSearch(tx, shop, [order.id]);
  return { orderId: order.id, customerId: order.data.customerId };
}
