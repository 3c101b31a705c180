// Webhook bodies for the sandbox store's records. Each starts from Shopify's
// documented example payload for its topic (so every field Shopify sends is
// there) and replaces the values with the record's own: ids, names, prices,
// statuses (REST spelling), times. The derivations are the ones the Admin API
// emulator answers with (store/derive.ts), so a mirror built from these
// webhooks equals one built from the Admin API.
import { stringify } from "lossless-json";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import {
  derive,
  gid,
  inventoryLevelGid,
  type Customer,
  type Fulfillment,
  type FulfillmentEvent,
  type Id,
  type LineItem,
  type Order,
  type Refund,
  type Return,
  type SandboxStore,
  type Transaction,
  type ShopData,
} from "../store/index.ts";
import {
  lower,
  moneySet,
  restAddress,
  restId,
  restTime,
  template,
  templateItem,
  templateObject,
  type RestObject,
} from "./rest.ts";

export interface PayloadOptions {
  /** The topic whose example payload is the template (each builder has a sensible default). */
  topic?: string;
  apiVersion?: string;
}

interface Context {
  data: ShopData;
  apiVersion: string;
  time(date: Date | null): string | null;
  money(amount: string): RestObject;
}

function contextOf(store: SandboxStore, shop: string, options: PayloadOptions): Context {
  const data = store.requireShop(shop);
  return {
    data,
    apiVersion: options.apiVersion ?? API_VERSION,
    time: (date) => restTime(date, data.shop.ianaTimezone),
    money: (amount) => moneySet(amount, data.shop.currency),
  };
}

function text(payload: RestObject): string {
  return stringify(payload) ?? "{}";
}

function ids(type: string, id: Id): RestObject {
  return { id: restId(id), admin_graphql_api_id: gid(type, id) };
}

// ── Customers ──────────────────────────────────────────────────────────────

function restCustomer(ctx: Context, base: RestObject, customer: Customer): RestObject {
  const address = customer.address
    ? {
        ...restAddress(customer.address),
        id: restId(customer.address.id),
        customer_id: restId(customer.id),
        country_name: customer.address.country,
        default: true,
      }
    : null;
  const rest: RestObject = {
    ...base,
    ...ids("Customer", customer.id),
    created_at: ctx.time(customer.createdAt),
    updated_at: ctx.time(customer.updatedAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: "enabled",
    note: customer.note,
    verified_email: customer.email !== null,
    multipass_identifier: null,
    tax_exempt: false,
    email: customer.email,
    phone: customer.phone,
    currency: ctx.data.shop.currency,
    tax_exemptions: [],
    tags: customer.tags.join(", "),
    email_marketing_consent: customer.email
      ? {
          state: lower(customer.emailMarketing.state),
          opt_in_level: lower(customer.emailMarketing.optInLevel),
          consent_updated_at: ctx.time(customer.emailMarketing.updatedAt),
        }
      : null,
    sms_marketing_consent: customer.smsMarketing
      ? {
          state: lower(customer.smsMarketing.state),
          opt_in_level: lower(customer.smsMarketing.optInLevel),
          consent_updated_at: ctx.time(customer.smsMarketing.updatedAt),
          consent_collected_from: "OTHER",
        }
      : null,
    default_address: address,
  };
  if ("addresses" in base) rest.addresses = address ? [address] : [];
  return rest;
}

/** customers/create or customers/update (the default). */
export function customerPayload(
  store: SandboxStore,
  shop: string,
  customerId: Id,
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const base = template(options.topic ?? "customers/update", ctx.apiVersion);
  return text(restCustomer(ctx, base, ctx.data.requireCustomer(customerId)));
}

// ── Products and stock ─────────────────────────────────────────────────────

/** products/update (the default) or products/create. */
export function productPayload(store: SandboxStore, shop: string, productId: Id, options: PayloadOptions = {}): string {
  const ctx = contextOf(store, shop, options);
  const base = template(options.topic ?? "products/update", ctx.apiVersion);
  const product = ctx.data.requireProduct(productId);
  const variantBase = templateItem(base, "variants");
  const variants = ctx.data.variantsOf(product.id);
  return text({
    ...base,
    ...ids("Product", product.id),
    body_html: product.descriptionHtml,
    created_at: ctx.time(product.createdAt),
    handle: product.handle,
    product_type: product.productType,
    published_at: ctx.time(product.publishedAt),
    template_suffix: null,
    title: product.title,
    updated_at: ctx.time(product.updatedAt),
    vendor: product.vendor,
    status: lower(product.status),
    published_scope: "web",
    tags: product.tags.join(", "),
    variants: variants.map((variant) => {
      const quantity = derive.inventoryQuantity(ctx.data, variant.inventoryItemId);
      return {
        ...variantBase,
        ...ids("ProductVariant", variant.id),
        barcode: null,
        compare_at_price: variant.compareAtPrice,
        created_at: ctx.time(variant.createdAt),
        inventory_policy: "deny",
        position: variant.position,
        price: variant.price,
        product_id: restId(product.id),
        sku: variant.sku,
        taxable: true,
        title: variant.title,
        updated_at: ctx.time(variant.updatedAt),
        option1: variant.title,
        option2: null,
        option3: null,
        image_id: null,
        inventory_item_id: restId(variant.inventoryItemId),
        inventory_quantity: quantity,
        old_inventory_quantity: quantity,
      };
    }),
    options: [{ name: "Title", values: variants.map((variant) => variant.title) }],
    images: [],
    image: null,
    media: [],
    variant_gids: variants.map((variant) => ({
      admin_graphql_api_id: gid("ProductVariant", variant.id),
      updated_at: variant.updatedAt.toISOString(),
    })),
    has_variants_that_requires_components: false,
    category: null,
  });
}

export function inventoryLevelPayload(
  store: SandboxStore,
  shop: string,
  inventoryItemId: Id,
  locationId: Id,
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const level = ctx.data.level(inventoryItemId, locationId);
  if (!level) throw new Error(`inventory item ${inventoryItemId} is not stocked at location ${locationId}`);
  return text({
    ...template(options.topic ?? "inventory_levels/update", ctx.apiVersion),
    inventory_item_id: restId(inventoryItemId),
    location_id: restId(locationId),
    available: level.available,
    updated_at: ctx.time(level.updatedAt),
    admin_graphql_api_id: inventoryLevelGid(inventoryItemId, locationId),
  });
}

// ── Orders ─────────────────────────────────────────────────────────────────

function restLineItem(
  ctx: Context,
  base: RestObject,
  order: Order,
  item: LineItem,
  quantity = item.quantity,
): RestObject {
  const fulfilled = derive.fulfilledQuantity(ctx.data, item.id);
  const refunded = derive.refundedQuantity(ctx.data, order, item.id);
  const unit = ctx.money(item.price);
  return {
    ...base,
    ...ids("LineItem", item.id),
    attributed_staffs: [],
    current_quantity: item.quantity - refunded,
    fulfillable_quantity: Math.max(0, item.quantity - fulfilled - refunded),
    fulfillment_service: "manual",
    fulfillment_status: fulfilled >= item.quantity ? "fulfilled" : fulfilled > 0 ? "partial" : null,
    gift_card: false,
    grams: item.grams,
    name: item.variantTitle ? `${item.title} - ${item.variantTitle}` : item.title,
    price: item.price,
    price_set: unit,
    product_exists: item.productId !== null,
    product_id: restId(item.productId),
    properties: [],
    quantity,
    requires_shipping: item.requiresShipping,
    sales_line_item_group_id: null,
    sku: item.sku,
    taxable: true,
    title: item.title,
    total_discount: "0",
    total_discount_set: ctx.money("0"),
    variant_id: restId(item.variantId),
    variant_inventory_management: "shopify",
    variant_title: item.variantTitle,
    vendor: item.vendor,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

function restFulfillment(ctx: Context, base: RestObject, lineBase: RestObject, fulfillment: Fulfillment): RestObject {
  const order = ctx.data.requireOrder(fulfillment.orderId);
  const tracking = fulfillment.tracking;
  return {
    ...base,
    ...ids("Fulfillment", fulfillment.id),
    order_id: restId(order.id),
    status: lower(fulfillment.status),
    created_at: ctx.time(fulfillment.createdAt),
    service: "manual",
    updated_at: ctx.time(fulfillment.updatedAt),
    tracking_company: tracking[0]?.company ?? null,
    shipment_status: derive.shipmentStatus(ctx.data, fulfillment),
    location_id: restId(fulfillment.locationId),
    origin_address: null,
    email: order.email,
    destination: restAddress(order.shippingAddress),
    line_items: fulfillment.lines.flatMap((line) => {
      const item = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
      return item ? [restLineItem(ctx, lineBase, order, item, line.quantity)] : [];
    }),
    tracking_number: tracking[0]?.number ?? null,
    tracking_numbers: tracking.map((t) => t.number),
    tracking_url: tracking[0]?.url ?? null,
    tracking_urls: tracking.flatMap((t) => (t.url ? [t.url] : [])),
    receipt: {},
    name: fulfillment.name,
  };
}

function restTransaction(ctx: Context, base: RestObject, order: Order, transaction: Transaction): RestObject {
  return {
    ...base,
    ...ids("OrderTransaction", transaction.id),
    order_id: restId(order.id),
    kind: lower(transaction.kind),
    gateway: transaction.gateway,
    status: lower(transaction.status),
    message: null,
    created_at: ctx.time(transaction.createdAt),
    test: false,
    authorization: null,
    location_id: null,
    user_id: null,
    parent_id: restId(transaction.parentId),
    processed_at: ctx.time(transaction.createdAt),
    device_id: null,
    error_code: null,
    source_name: "web",
    receipt: {},
    amount: transaction.amount,
    currency: order.currency,
    payment_id: `${order.name}.${transaction.id.slice(-3)}`,
    total_unsettled_set: null,
    manual_payment_gateway: false,
    amount_rounding: null,
  };
}

function restRefund(ctx: Context, base: RestObject, refund: Refund): RestObject {
  const order = ctx.data.requireOrder(refund.orderId);
  const refundLineBase = templateItem(base, "refund_line_items");
  const lineBase = templateObject(refundLineBase, "line_item");
  return {
    ...base,
    ...ids("Refund", refund.id),
    order_id: restId(order.id),
    created_at: ctx.time(refund.createdAt),
    note: refund.note,
    user_id: null,
    processed_at: ctx.time(refund.createdAt),
    duties: [],
    total_duties_set: ctx.money("0"),
    return: refund.returnId ? ids("Return", refund.returnId) : null,
    refund_shipping_lines: [],
    restock: refund.lines.some((line) => line.restockType !== "NO_RESTOCK"),
    order_adjustments: [],
    refund_line_items: refund.lines.flatMap((line) => {
      const item = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
      if (!item) return [];
      return [
        {
          ...refundLineBase,
          id: restId(line.id),
          quantity: line.quantity,
          line_item_id: restId(item.id),
          location_id: restId(line.locationId),
          restock_type: lower(line.restockType),
          subtotal: restId(line.subtotal),
          total_tax: 0,
          subtotal_set: ctx.money(line.subtotal),
          total_tax_set: ctx.money("0"),
          line_item: restLineItem(ctx, lineBase, order, item),
        },
      ];
    }),
    transactions: refund.transactions.map((transaction) =>
      restTransaction(ctx, templateItem(base, "transactions"), order, transaction),
    ),
  };
}

function restOrder(ctx: Context, base: RestObject, order: Order): RestObject {
  const { data } = ctx;
  const customer = order.customerId ? data.requireCustomer(order.customerId) : null;
  const fulfillmentBase = template("fulfillments/create", ctx.apiVersion);
  const refundBase = template("refunds/create", ctx.apiVersion);
  const lineBase = templateItem(base, "line_items");
  const subtotal = derive.subtotal(order);
  const total = derive.orderTotal(order);
  const current = derive.currentTotal(data, order);
  return {
    ...base,
    ...ids("Order", order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: customer?.emailMarketing.state === "SUBSCRIBED",
    cancel_reason: lower(order.cancelReason),
    cancelled_at: ctx.time(order.cancelledAt),
    cart_token: null,
    checkout_token: null,
    client_details: null,
    closed_at: ctx.time(order.closedAt),
    confirmation_number: order.token.slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: ctx.time(order.createdAt),
    currency: order.currency,
    current_shipping_price_set: ctx.money(order.shippingPrice),
    current_subtotal_price: subtotal,
    current_subtotal_price_set: ctx.money(subtotal),
    current_total_additional_fees_set: null,
    current_total_discounts: "0",
    current_total_discounts_set: ctx.money("0"),
    current_total_duties_set: null,
    current_total_price: current,
    current_total_price_set: ctx.money(current),
    current_total_tax: order.totalTax,
    current_total_tax_set: ctx.money(order.totalTax),
    customer_locale: order.customerLocale,
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: lower(derive.financialStatus(data, order)),
    fulfillment_status: derive.restFulfillmentStatus(derive.displayFulfillmentStatus(data, order)),
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: null,
    merchant_of_record_app_id: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: `https://${data.shop.primaryDomain}/${data.shop.id}/orders/${order.token}/authenticate?key=${order.token}`,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: [order.paymentGateway],
    phone: order.phone,
    po_number: null,
    presentment_currency: order.currency,
    processed_at: ctx.time(order.processedAt),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: subtotal,
    subtotal_price_set: ctx.money(subtotal),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines: [],
    taxes_included: order.taxesIncluded,
    test: false,
    token: order.token,
    total_cash_rounding_payment_adjustment_set: ctx.money("0"),
    total_cash_rounding_refund_adjustment_set: ctx.money("0"),
    total_discounts: "0",
    total_discounts_set: ctx.money("0"),
    total_line_items_price: subtotal,
    total_line_items_price_set: ctx.money(subtotal),
    total_outstanding: order.paymentStatus === "PAID" ? "0" : total,
    total_price: total,
    total_price_set: ctx.money(total),
    total_shipping_price_set: ctx.money(order.shippingPrice),
    total_tax: order.totalTax,
    total_tax_set: ctx.money(order.totalTax),
    total_tip_received: "0",
    total_weight: order.lineItems.reduce((grams, item) => grams + item.grams * item.quantity, 0),
    updated_at: ctx.time(order.updatedAt),
    user_id: null,
    billing_address: restAddress(order.billingAddress),
    customer: customer ? restCustomer(ctx, templateObject(base, "customer"), customer) : null,
    discount_applications: [],
    fulfillments: data
      .fulfillmentsOf(order.id)
      .map((fulfillment) => restFulfillment(ctx, fulfillmentBase, lineBase, fulfillment)),
    line_items: order.lineItems.map((item) => restLineItem(ctx, lineBase, order, item)),
    payment_terms: null,
    refunds: data.refundsOf(order.id).map((refund) => restRefund(ctx, refundBase, refund)),
    shipping_address: restAddress(order.shippingAddress),
    shipping_lines: [
      {
        ...templateItem(base, "shipping_lines"),
        id: restId(order.shippingLineId),
        carrier_identifier: null,
        code: order.shippingTitle,
        current_discounted_price_set: ctx.money(order.shippingPrice),
        discounted_price: order.shippingPrice,
        discounted_price_set: ctx.money(order.shippingPrice),
        is_removed: false,
        phone: null,
        price: order.shippingPrice,
        price_set: ctx.money(order.shippingPrice),
        requested_fulfillment_service_id: null,
        source: "shopify",
        title: order.shippingTitle,
        tax_lines: [],
        discount_allocations: [],
      },
    ],
    returns: [],
    line_item_groups: [],
  };
}

/** orders/updated (the default), orders/create, orders/cancelled, orders/fulfilled or orders/partially_fulfilled. */
export function orderPayload(store: SandboxStore, shop: string, orderId: Id, options: PayloadOptions = {}): string {
  const ctx = contextOf(store, shop, options);
  const base = template(options.topic ?? "orders/updated", ctx.apiVersion);
  return text(restOrder(ctx, base, ctx.data.requireOrder(orderId)));
}

// ── Fulfillments ───────────────────────────────────────────────────────────

/** fulfillments/create or fulfillments/update (the default). */
export function fulfillmentPayload(
  store: SandboxStore,
  shop: string,
  fulfillmentId: Id,
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const base = template(options.topic ?? "fulfillments/update", ctx.apiVersion);
  const fulfillment = ctx.data.requireFulfillment(fulfillmentId);
  return text(restFulfillment(ctx, base, templateItem(base, "line_items"), fulfillment));
}

export function fulfillmentEventPayload(
  store: SandboxStore,
  shop: string,
  eventId: Id,
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const event: FulfillmentEvent | undefined = ctx.data.fulfillmentEvents.get(eventId);
  if (!event) throw new Error(`no fulfillment event ${eventId}`);
  const fulfillment = ctx.data.requireFulfillment(event.fulfillmentId);
  return text({
    ...template(options.topic ?? "fulfillment_events/create", ctx.apiVersion),
    ...ids("FulfillmentEvent", event.id),
    fulfillment_id: restId(fulfillment.id),
    status: lower(event.status),
    message: event.message,
    happened_at: ctx.time(event.happenedAt),
    city: event.city,
    province: event.province,
    country: event.country,
    zip: event.zip,
    address1: null,
    latitude: null,
    longitude: null,
    shop_id: restId(ctx.data.shop.id),
    created_at: ctx.time(event.createdAt),
    updated_at: ctx.time(event.createdAt),
    estimated_delivery_at: ctx.time(event.estimatedDeliveryAt),
    order_id: restId(fulfillment.orderId),
  });
}

export type HoldTopic = "fulfillment_orders/placed_on_hold" | "fulfillment_orders/hold_released";

/**
 * fulfillment_orders/placed_on_hold (the default) or hold_released. Like
 * Shopify's, these name the fulfillment order by GID only and not its order.
 */
export function fulfillmentOrderHoldPayload(
  store: SandboxStore,
  shop: string,
  fulfillmentOrderId: Id,
  options: PayloadOptions & { topic?: HoldTopic } = {},
): string {
  const ctx = contextOf(store, shop, options);
  const fulfillmentOrder = ctx.data.requireFulfillmentOrder(fulfillmentOrderId);
  const heldSoFar = fulfillmentOrder.holds.map((hold) => ({
    id: gid("FulfillmentHold", hold.id),
    reason: lower(hold.reason),
    reason_notes: hold.reasonNotes,
    held_by_requesting_app: false,
    handle: hold.handle,
    held_by_app: null,
  }));
  const status = lower(fulfillmentOrder.status);
  if (options.topic === "fulfillment_orders/hold_released") {
    return text({ fulfillment_order: { id: gid("FulfillmentOrder", fulfillmentOrder.id), status } });
  }
  return text({
    ...template("fulfillment_orders/placed_on_hold", ctx.apiVersion),
    fulfillment_order: { id: gid("FulfillmentOrder", fulfillmentOrder.id), status, fulfillment_holds: heldSoFar },
    remaining_fulfillment_order: null,
    held_fulfillment_order_line_items: fulfillmentOrder.lines.map((line) => ({
      id: gid("FulfillmentOrderLineItem", line.id),
      quantity: line.remainingQuantity,
    })),
    created_fulfillment_hold: heldSoFar.at(-1) ?? null,
  });
}

// ── Returns and refunds ────────────────────────────────────────────────────

export type ReturnTopic =
  "returns/request" | "returns/approve" | "returns/decline" | "returns/cancel" | "returns/close" | "returns/reopen";

/** The topic Shopify sends when a return reaches its current status. */
export function returnTopicOf(ret: Return): ReturnTopic {
  const topics: Record<Return["status"], ReturnTopic> = {
    REQUESTED: "returns/request",
    OPEN: "returns/approve",
    DECLINED: "returns/decline",
    CLOSED: "returns/close",
    CANCELED: "returns/cancel",
  };
  return topics[ret.status];
}

/**
 * The topics Shopify sent while a return reached its status, in order: it was
 * requested (returns/request) or created open (returns/approve), then declined,
 * closed or cancelled. Approving a request is the same returns/approve.
 */
export function returnHistoryTopics(ret: Return): ReturnTopic[] {
  switch (ret.status) {
    case "REQUESTED":
      return ["returns/request"];
    case "OPEN":
      return ["returns/approve"];
    case "DECLINED":
      return ["returns/request", "returns/decline"];
    case "CLOSED":
      return ["returns/approve", "returns/close"];
    case "CANCELED":
      return [ret.requestApprovedAt ? "returns/approve" : "returns/request", "returns/cancel"];
  }
}

function restReturnLines(ctx: Context, ret: Return): RestObject[] {
  return ret.lines.map((line) => {
    const item = derive.lineItemOfFulfillmentLine(ctx.data, line.fulfillmentLineItemId);
    const definition = line.returnReasonDefinitionId
      ? ctx.data.returnReasonDefinitions.get(line.returnReasonDefinitionId)
      : undefined;
    return {
      ...ids("ReturnLineItem", line.id),
      fulfillment_line_item: {
        ...ids("FulfillmentLineItem", line.fulfillmentLineItemId),
        line_item: item ? ids("LineItem", item.id) : null,
      },
      quantity: line.quantity,
      processed_quantity: line.processedQuantity,
      return_reason: lower(line.returnReason),
      return_reason_definition: definition
        ? { ...ids("ReturnReasonDefinition", definition.id), handle: definition.handle, name: definition.name }
        : null,
      return_reason_note: line.returnReasonNote,
      customer_note: line.customerNote,
      restocking_fee: line.restockingFeePercentage === null ? null : { percentage: line.restockingFeePercentage },
    };
  });
}

function restExchangeLines(ctx: Context, ret: Return): RestObject[] {
  return ret.exchangeLines.map((line) => {
    const lineItemId = line.lineItemIds[0];
    return {
      ...ids("ExchangeLineItem", line.id),
      variant_id: restId(line.variantId),
      quantity: line.quantity,
      processed_quantity: line.processedQuantity,
      line_item: lineItemId ? ids("LineItem", lineItemId) : null,
    };
  });
}

/** returns/request, approve, decline, cancel, close or reopen: by default the one for the return's status. */
export function returnPayload(
  store: SandboxStore,
  shop: string,
  returnId: Id,
  options: PayloadOptions & { topic?: ReturnTopic } = {},
): string {
  const ctx = contextOf(store, shop, options);
  const ret = ctx.data.requireReturn(returnId);
  const topic = options.topic ?? returnTopicOf(ret);
  const base = template(topic, ctx.apiVersion);
  const own = { ...ids("Return", ret.id), status: lower(ret.status) };
  const order = ids("Order", ret.orderId);
  if (topic === "returns/close" || topic === "returns/cancel" || topic === "returns/reopen") {
    return text({ ...base, ...own, order_id: restId(ret.orderId) });
  }
  if (topic === "returns/decline") {
    const decline = ret.decline ? { reason: lower(ret.decline.reason), note: ret.decline.note } : null;
    return text({ ...base, ...own, order, decline });
  }
  const fee = ret.returnShippingFee;
  return text({
    ...base,
    ...own,
    order,
    total_return_line_items: ret.lines.reduce((total, line) => total + line.quantity, 0),
    name: ret.name,
    return_line_items: restReturnLines(ctx, ret),
    return_shipping_fees: fee
      ? [
          {
            ...templateItem(base, "return_shipping_fees"),
            ...ids("ReturnShippingFee", fee.id),
            price: ctx.money(fee.amount),
          },
        ]
      : [],
    exchange_line_items: restExchangeLines(ctx, ret),
    total_exchange_line_items: ret.exchangeLines.reduce((total, line) => total + line.quantity, 0),
  });
}

/**
 * returns/process. Shopify documents no example body for it (the package's is
 * `{}`); the sandbox sends the return's ids and status, what this processing
 * confirmed (returned and exchanged quantities), the refund it made and the
 * fulfillment orders that ship the exchange.
 */
export function returnProcessPayload(
  store: SandboxStore,
  shop: string,
  returnId: Id,
  processed: {
    refund: { refund: { id: Id } } | null;
    exchangeFulfillmentOrders: readonly { id: Id }[];
    storeCredit: string;
  },
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const ret = ctx.data.requireReturn(returnId);
  return text({
    ...template("returns/process", ctx.apiVersion),
    ...ids("Return", ret.id),
    status: lower(ret.status),
    order: ids("Order", ret.orderId),
    name: ret.name,
    return_line_items: restReturnLines(ctx, ret),
    exchange_line_items: restExchangeLines(ctx, ret),
    refund: processed.refund ? ids("Refund", processed.refund.refund.id) : null,
    store_credit: processed.storeCredit === "0" ? null : ctx.money(processed.storeCredit),
    exchange_fulfillment_orders: processed.exchangeFulfillmentOrders.map((order) => ({
      admin_graphql_api_id: gid("FulfillmentOrder", order.id),
    })),
  });
}

/** reverse_deliveries/attach_deliverable: the delivery, its return, and the label and tracking attached. */
export function reverseDeliveryPayload(
  store: SandboxStore,
  shop: string,
  reverseDeliveryId: Id,
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const found = ctx.data.reverseDelivery(reverseDeliveryId);
  if (!found) throw new Error(`no reverse delivery ${reverseDeliveryId}`);
  const { ret, delivery } = found;
  return text({
    ...template("reverse_deliveries/attach_deliverable", ctx.apiVersion),
    ...ids("ReverseDelivery", delivery.id),
    return: ids("Return", ret.id),
    shipping_deliverable: {
      tracking: {
        carrier_name: delivery.tracking?.carrierName ?? null,
        tracking_number: delivery.tracking?.number ?? null,
        tracking_url: delivery.tracking?.url ?? null,
      },
      label: {
        public_file_url: delivery.label?.fileUrl ?? null,
        created_at: ctx.time(delivery.label?.createdAt ?? null),
      },
    },
  });
}

/** reverse_fulfillment_orders/dispose: every disposition made on the reverse fulfillment order so far. */
export function reverseFulfillmentOrderDisposePayload(
  store: SandboxStore,
  shop: string,
  reverseFulfillmentOrderId: Id,
  options: PayloadOptions = {},
): string {
  const ctx = contextOf(store, shop, options);
  const found = ctx.data.reverseFulfillmentOrder(reverseFulfillmentOrderId);
  if (!found) throw new Error(`no reverse fulfillment order ${reverseFulfillmentOrderId}`);
  const dispositions = found.order.lines.flatMap((line) =>
    line.dispositions.map((disposition) => ({
      reverse_fulfillment_order_line_item: ids("ReverseFulfillmentOrderLineItem", line.id),
      reverse_delivery_line_item: null,
      type: lower(disposition.type),
      location: disposition.locationId ? ids("Location", disposition.locationId) : null,
      quantity: disposition.quantity,
    })),
  );
  return text({
    ...template("reverse_fulfillment_orders/dispose", ctx.apiVersion),
    ...ids("ReverseFulfillmentOrder", found.order.id),
    dispositions,
    total_dispositions: dispositions.length,
  });
}

export function refundPayload(store: SandboxStore, shop: string, refundId: Id, options: PayloadOptions = {}): string {
  const ctx = contextOf(store, shop, options);
  const base = template(options.topic ?? "refunds/create", ctx.apiVersion);
  return text(restRefund(ctx, base, ctx.data.requireRefund(refundId)));
}

/** What Shopify sends after a stock change: inventory_levels/update per level, products/update per product (its variants' quantities changed). */
export function stockChangeWebhooks(
  store: SandboxStore,
  shop: string,
  levels: readonly { inventoryItemId: Id; locationId: Id }[],
): { topic: string; body: string }[] {
  const data = store.shop(shop);
  const products = new Set<Id>();
  const webhooks = levels.map((level) => {
    const variant = data?.variantOfItem(level.inventoryItemId);
    if (variant) products.add(variant.productId);
    return {
      topic: "inventory_levels/update",
      body: inventoryLevelPayload(store, shop, level.inventoryItemId, level.locationId),
    };
  });
  for (const productId of products)
    webhooks.push({ topic: "products/update", body: productPayload(store, shop, productId) });
  return webhooks;
}
