// The worker-side projections and compliance handlers, on SQLite and PostgreSQL,
// fed with Shopify's documented example payload of every subscribed topic.
// Each test works in a shop of its own, so tests never see each other's rows.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import type { Prisma } from "../../app/generated/prisma-sqlite/client.ts";
import { listDataExports } from "../../app/compliance/export-customer-data.server.ts";
import { projectEvent, ProjectionError, type ProjectionResult } from "../../app/mirror/project-event.server.ts";
import { isObject, parsePayload, type Json, type JsonObject } from "../../app/webhooks/payload.server.ts";
import { ALL_TOPICS, API_VERSION, type Topic } from "../../app/webhooks/topics.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

// Facts of Shopify's 2026-07 example payloads.
const ORDER_ID = "820982911946154508";
const ORDER_CUSTOMER_ID = "115310627314723954";
// fulfillments/*, fulfillment_events/* and refunds/create name the order by a
// numeric order_id that lost its last digits in the example package.
const LOSSY_ORDER_ID = "820982911946154500";
const TRIGGERED_AT = new Date("2026-03-01T10:00:00.000Z");
const EXAMPLE_UPDATED_AT = new Date("2022-01-01T00:00:00.000Z"); // "2021-12-31T19:00:00-05:00"

type ModelName = Prisma.ModelName;

// ── helpers ────────────────────────────────────────────────────────────────

let shopCount = 0;
function newShop(): string {
  return `kizuna-${++shopCount}-${randomBytes(3).toString("hex")}.myshopify.com`;
}

function example(topic: Topic): JsonObject {
  const payload = parsePayload(examplePayload(topic, API_VERSION));
  if (!isObject(payload)) throw new Error(`example for ${topic} is not an object`);
  return payload;
}

/** A deep copy of a payload with some fields changed (top level). */
function changed(payload: JsonObject, changes: JsonObject): JsonObject {
  return { ...(structuredClone(payload) as JsonObject), ...changes };
}

interface StoredEvent {
  rowId: number;
  shop: string;
  topic: Topic;
  payload: Json;
  triggeredAt: Date;
}

let eventCount = 0;
const installed = new Set<string>();
/** What the webhook route does: store the raw body, unprocessed (of a shop installed as the app does it). */
async function store(
  db: Db,
  shop: string,
  topic: Topic,
  payload: JsonObject | string,
  triggeredAt = TRIGGERED_AT,
): Promise<StoredEvent> {
  if (!installed.has(shop)) {
    installed.add(shop);
    await recordInstall(db, shop, null);
  }
  const raw = typeof payload === "string" ? payload : JSON.stringify(payload);
  const eventId = `evt-${++eventCount}`;
  const row = await db.webhookEvent.create({
    data: { key: `${shop}:${topic}:${eventId}`, shop, topic, eventId, payload: raw, triggeredAt },
  });
  return { rowId: row.id, shop, topic, payload: parsePayload(raw), triggeredAt };
}

/** What the worker does: project, then remember what the event was about. */
async function process(db: Db, event: StoredEvent): Promise<ProjectionResult> {
  const result = await projectEvent(db, event);
  // updateMany: shop/redact deletes the event's own row.
  const { customerId, orderId } = result;
  await db.webhookEvent.updateMany({ where: { id: event.rowId }, data: { customerId, orderId, status: "processed" } });
  return result;
}

async function deliver(
  db: Db,
  shop: string,
  topic: Topic,
  payload: JsonObject | string = examplePayload(topic, API_VERSION),
  triggeredAt = TRIGGERED_AT,
): Promise<ProjectionResult> {
  return process(db, await store(db, shop, topic, payload, triggeredAt));
}

/** Every row of every table that belongs to `shop`. */
const SHOP_ROWS: Record<ModelName, (db: Db, shop: string) => Promise<object[]>> = {
  Session: (db, shop) => db.session.findMany({ where: { shop } }),
  Shop: (db, shop) => db.shop.findMany({ where: { domain: shop } }),
  WebhookEvent: (db, shop) => db.webhookEvent.findMany({ where: { shop } }),
  NoticeContent: (db, shop) => db.noticeContent.findMany({ where: { shop } }),
  Customer: (db, shop) => db.customer.findMany({ where: { shop } }),
  Order: (db, shop) => db.order.findMany({ where: { shop } }),
  LineItem: (db, shop) => db.lineItem.findMany({ where: { shop } }),
  FulfillmentOrder: (db, shop) => db.fulfillmentOrder.findMany({ where: { shop } }),
  Fulfillment: (db, shop) => db.fulfillment.findMany({ where: { shop } }),
  FulfillmentEvent: (db, shop) => db.fulfillmentEvent.findMany({ where: { shop } }),
  Product: (db, shop) => db.product.findMany({ where: { shop } }),
  Variant: (db, shop) => db.variant.findMany({ where: { shop } }),
  InventoryLevel: (db, shop) => db.inventoryLevel.findMany({ where: { shop } }),
  Return: (db, shop) => db.return.findMany({ where: { shop } }),
  Refund: (db, shop) => db.refund.findMany({ where: { shop } }),
  ReturnPhoto: (db, shop) => db.returnPhoto.findMany({ where: { shop } }),
  ReturnEvent: (db, shop) => db.returnEvent.findMany({ where: { shop } }),
  MoneyAction: (db, shop) => db.moneyAction.findMany({ where: { shop } }),
  ReturnPolicy: (db, shop) => db.returnPolicy.findMany({ where: { shop } }),
  DataExport: (db, shop) => db.dataExport.findMany({ where: { shop } }),
  ShopSettings: (db, shop) => db.shopSettings.findMany({ where: { shop } }),
  NoticeTemplate: (db, shop) => db.noticeTemplate.findMany({ where: { shop } }),
  Notice: (db, shop) => db.notice.findMany({ where: { shop } }),
  NoticeEvent: (db, shop) => db.noticeEvent.findMany({ where: { shop } }),
  NoticeDailyCount: (db, shop) => db.noticeDailyCount.findMany({ where: { shop } }),
  Suppression: (db, shop) => db.suppression.findMany({ where: { shop } }),
  DelayCase: (db, shop) => db.delayCase.findMany({ where: { shop } }),
  TransitSample: (db, shop) => db.transitSample.findMany({ where: { shop } }),
  RestockSubscription: (db, shop) => db.restockSubscription.findMany({ where: { shop } }),
  RestockEpisode: (db, shop) => db.restockEpisode.findMany({ where: { shop } }),
  RestockAlert: (db, shop) => db.restockAlert.findMany({ where: { shop } }),
  Contact: (db, shop) => db.contact.findMany({ where: { shop } }),
  ContactIdentity: (db, shop) => db.contactIdentity.findMany({ where: { shop } }),
  Conversation: (db, shop) => db.conversation.findMany({ where: { shop } }),
  Message: (db, shop) => db.message.findMany({ where: { shop } }),
  MessageOriginal: (db, shop) => db.messageOriginal.findMany({ where: { shop } }),
  MessageAttachment: (db, shop) => db.messageAttachment.findMany({ where: { shop } }),
  SavedReply: (db, shop) => db.savedReply.findMany({ where: { shop } }),
  InboxSettings: (db, shop) => db.inboxSettings.findMany({ where: { shop } }),
  SatisfactionSurvey: (db, shop) => db.satisfactionSurvey.findMany({ where: { shop } }),
  EtsyLink: (db, shop) => db.etsyLink.findMany({ where: { shop } }),
  EtsyAuthStart: (db, shop) => db.etsyAuthStart.findMany({ where: { shop } }),
  StaffLogin: (db, shop) => db.staffLogin.findMany({ where: { shop } }),
  AnalyticsDaily: (db, shop) => db.analyticsDaily.findMany({ where: { shop } }),
  AnalyticsDuration: (db, shop) => db.analyticsDuration.findMany({ where: { shop } }),
  AnalyticsHourly: (db, shop) => db.analyticsHourly.findMany({ where: { shop } }),
  SelfHelpAnswer: (db, shop) => db.selfHelpAnswer.findMany({ where: { shop } }),
  DelayHoldout: (db, shop) => db.delayHoldout.findMany({ where: { shop } }),
};

function rowText(row: object): string {
  return JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/** The shop's rows as comparable text, without the local `updatedAt` bookkeeping column. */
async function snapshot(db: Db, shop: string): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const [model, read] of Object.entries(SHOP_ROWS)) {
    tables[model] = (await read(db, shop))
      .map((row) => rowText({ ...row, updatedAt: undefined, installedAt: undefined }))
      .sort();
  }
  return tables;
}

async function countRows(db: Db, shop: string): Promise<number> {
  const tables = await snapshot(db, shop);
  return Object.values(tables).reduce((sum, rows) => sum + rows.length, 0);
}

/** Every text value of every row of the shop, lower-cased, one line per row. */
async function allShopText(db: Db, shop: string): Promise<string> {
  const tables = await snapshot(db, shop);
  return Object.values(tables).flat().join("\n").toLowerCase();
}

function parseJsonText(text: string | null | undefined): unknown {
  return text ? JSON.parse(text) : null;
}

// ── what each example payload must leave in the mirror ────────────────────

async function expectExampleOrder(db: Db, shop: string, topic: Topic): Promise<void> {
  const result = await deliver(db, shop, topic);
  expect(result).toEqual({ orderId: ORDER_ID, customerId: ORDER_CUSTOMER_ID });
  const order = await db.order.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_ID } } });
  expect(order).toMatchObject({
    name: "#9999",
    totalPrice: "404.95",
    currency: "USD",
    email: "jon@example.com",
    customerId: ORDER_CUSTOMER_ID,
    locale: "en",
    financialStatus: "VOIDED",
    fulfillmentStatus: "UNFULFILLED",
    cancelReason: "CUSTOMER",
    closedAt: null,
  });
  expect(order.cancelledAt?.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
  expect(order.shopifyUpdatedAt.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
  expect(parseJsonText(order.shippingAddress)).toMatchObject({
    name: "Steve Shipper",
    address1: "123 Shipping Street",
  });

  const items = await db.lineItem.findMany({ where: { shop, orderId: ORDER_ID }, orderBy: { id: "asc" } });
  expect(items.map((item) => item.id)).toEqual([
    "315789986012684393",
    "487817672276298554",
    "789012345678901234",
    "890123456789012345",
    "976318377106520349",
  ]);
  expect(items.find((item) => item.id === "487817672276298554")).toMatchObject({
    title: "Aviator sunglasses",
    sku: "SKU2006-001",
    quantity: 1,
    price: "89.99",
    variantId: null,
  });

  const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_CUSTOMER_ID } } });
  expect(customer).toMatchObject({
    email: "john@example.com",
    firstName: "John",
    lastName: "Smith",
    locale: "en",
    redactedAt: null,
  });
  expect(parseJsonText(customer.address)).toMatchObject({ address1: "123 Elm St.", city: "Ottawa", zip: "K2H7A8" });

  const event = await db.webhookEvent.findFirstOrThrow({ where: { shop, topic } });
  expect(event).toMatchObject({ orderId: ORDER_ID, customerId: ORDER_CUSTOMER_ID });
}

async function expectExampleFulfillment(db: Db, shop: string, topic: Topic): Promise<void> {
  expect(await deliver(db, shop, topic)).toEqual({ orderId: LOSSY_ORDER_ID });
  const fulfillment = await db.fulfillment.findUniqueOrThrow({ where: { shop_id: { shop, id: "123456" } } });
  expect(fulfillment).toMatchObject({
    orderId: LOSSY_ORDER_ID,
    status: "PENDING",
    shipmentStatus: null,
    trackingCompany: "UPS",
  });
  expect(parseJsonText(fulfillment.trackingNumbers)).toEqual(["1z827wk74630"]);
  expect(parseJsonText(fulfillment.trackingUrls)).toEqual([
    "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630",
  ]);
  expect(fulfillment.shopifyUpdatedAt?.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
}

async function expectExampleReturn(db: Db, shop: string, topic: Topic, expected: object): Promise<void> {
  expect(await deliver(db, shop, topic)).toEqual({ orderId: "4783296544821" });
  const row = await db.return.findUniqueOrThrow({ where: { shop_id: { shop, id: "123134564567890" } } });
  expect(row).toMatchObject({ orderId: "4783296544821", ...expected });
  expect(row.shopifyUpdatedAt?.toISOString()).toBe(TRIGGERED_AT.toISOString());
}

async function expectChangeOnly(db: Db, shop: string, topic: Topic, result: object): Promise<void> {
  await deliver(db, shop, "returns/request");
  const key = { shop_id: { shop, id: "123134564567890" } };
  const before = await db.return.findUniqueOrThrow({ where: key });
  expect(await deliver(db, shop, topic)).toEqual(result);
  expect(await db.return.findUniqueOrThrow({ where: key })).toEqual(before);
}

async function expectExampleCustomer(db: Db, shop: string, topic: Topic): Promise<void> {
  expect(await deliver(db, shop, topic)).toEqual({ customerId: "706405506930370084" });
  const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: "706405506930370084" } } });
  expect(customer).toMatchObject({
    email: "bob@biller.com",
    phone: null,
    firstName: "Bob",
    lastName: "Biller",
    emailConsent: null,
  });
  expect(parseJsonText(customer.address)).toMatchObject({ address1: "151 O'Connor Street", zip: "K2P 2L8" });
  expect(customer.shopifyUpdatedAt?.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
}

const EXPECTATIONS: Record<Topic, (db: Db, shop: string) => Promise<void>> = {
  "orders/create": (db, shop) => expectExampleOrder(db, shop, "orders/create"),
  "orders/updated": (db, shop) => expectExampleOrder(db, shop, "orders/updated"),
  "orders/cancelled": (db, shop) => expectExampleOrder(db, shop, "orders/cancelled"),
  "orders/fulfilled": (db, shop) => expectExampleOrder(db, shop, "orders/fulfilled"),
  "orders/partially_fulfilled": (db, shop) => expectExampleOrder(db, shop, "orders/partially_fulfilled"),
  "fulfillments/create": (db, shop) => expectExampleFulfillment(db, shop, "fulfillments/create"),
  "fulfillments/update": (db, shop) => expectExampleFulfillment(db, shop, "fulfillments/update"),

  async "fulfillment_events/create"(db, shop) {
    expect(await deliver(db, shop, "fulfillment_events/create")).toEqual({ orderId: LOSSY_ORDER_ID });
    const scan = await db.fulfillmentEvent.findUniqueOrThrow({ where: { shop_id: { shop, id: "1234567" } } });
    expect(scan).toMatchObject({
      fulfillmentId: "123456",
      orderId: LOSSY_ORDER_ID,
      status: "IN_TRANSIT",
      message: "Item is now in transit",
      country: "CA",
      city: null,
      estimatedDeliveryAt: null,
    });
    expect(scan.happenedAt?.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
  },

  async "fulfillment_orders/placed_on_hold"(db, shop) {
    await deliver(db, shop, "fulfillment_orders/placed_on_hold");
    const held = await db.fulfillmentOrder.findUniqueOrThrow({ where: { shop_id: { shop, id: "1" } } });
    expect(held).toMatchObject({ status: "ON_HOLD", orderId: null });
    expect(held.shopifyUpdatedAt?.toISOString()).toBe(TRIGGERED_AT.toISOString());
    expect(parseJsonText(held.holds)).toEqual([
      { reason: "OTHER", reasonNotes: "example" },
      { reason: "INVENTORY_OUT_OF_STOCK", reasonNotes: "Stacked hold" },
    ]);
    const remaining = await db.fulfillmentOrder.findUniqueOrThrow({ where: { shop_id: { shop, id: "2" } } });
    expect(remaining).toMatchObject({ status: "OPEN", holds: "[]" });
  },

  async "fulfillment_orders/hold_released"(db, shop) {
    await deliver(db, shop, "fulfillment_orders/placed_on_hold", undefined, new Date("2026-03-01T09:00:00Z"));
    await deliver(db, shop, "fulfillment_orders/hold_released");
    const released = await db.fulfillmentOrder.findUniqueOrThrow({ where: { shop_id: { shop, id: "1" } } });
    expect(released).toMatchObject({ status: "OPEN", holds: "[]" });
  },

  async "inventory_levels/update"(db, shop) {
    // The variant whose inventory item the level is about (the example's own variant has a null item).
    const product = example("products/update");
    const [first] = (product.variants as JsonObject[]).map((variant) => ({
      ...variant,
      inventory_item_id: "271878346596884015",
    }));
    await deliver(
      db,
      shop,
      "products/update",
      changed(product, { variants: [first!, (product.variants as JsonObject[])[1]!] }),
    );

    await deliver(db, shop, "inventory_levels/update");
    const level = await db.inventoryLevel.findUniqueOrThrow({
      where: {
        shop_inventoryItemId_locationId: { shop, inventoryItemId: "271878346596884015", locationId: "24826418" },
      },
    });
    expect(level.available).toBe(10);
    expect(level.shopifyUpdatedAt?.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
    // The inventory item maps to its variant; it is not a variant id itself.
    expect(await db.variant.count({ where: { shop, id: "271878346596884015" } })).toBe(0);
    const variant = await db.variant.findFirstOrThrow({ where: { shop, inventoryItemId: level.inventoryItemId } });
    expect(variant.id).toBe("642667041472713922");
  },

  async "products/update"(db, shop) {
    await deliver(db, shop, "products/update");
    const product = await db.product.findUniqueOrThrow({ where: { shop_id: { shop, id: "788032119674292922" } } });
    expect(product).toMatchObject({ title: "Example T-Shirt", handle: "example-t-shirt", status: "ACTIVE" });
    const variants = await db.variant.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(variants).toMatchObject([
      {
        id: "642667041472713922",
        productId: "788032119674292922",
        title: "Small",
        price: "19.99",
        inventoryQuantity: 75,
        inventoryItemId: null,
      },
      {
        id: "757650484644203962",
        productId: "788032119674292922",
        title: "Medium",
        price: "19.99",
        inventoryQuantity: 50,
        inventoryItemId: null,
      },
    ]);
  },

  "customers/create": (db, shop) => expectExampleCustomer(db, shop, "customers/create"),
  "customers/update": (db, shop) => expectExampleCustomer(db, shop, "customers/update"),
  "returns/request": (db, shop) =>
    expectExampleReturn(db, shop, "returns/request", { status: "REQUESTED", lineItems: "[]", name: null }),
  "returns/approve": (db, shop) =>
    expectExampleReturn(db, shop, "returns/approve", { status: "OPEN", lineItems: "[]" }),
  "returns/decline": (db, shop) =>
    expectExampleReturn(db, shop, "returns/decline", { status: "DECLINED", declineReason: "RETURN_PERIOD_ENDED" }),
  "returns/close": (db, shop) => expectExampleReturn(db, shop, "returns/close", { status: "CLOSED" }),
  "returns/cancel": (db, shop) => expectExampleReturn(db, shop, "returns/cancel", { status: "CANCELED" }),
  "returns/reopen": (db, shop) => expectExampleReturn(db, shop, "returns/reopen", { status: "OPEN" }),
  // These carry a change, not the state: nothing is written (the reaction reads the return from Shopify).
  "returns/process": (db, shop) => expectChangeOnly(db, shop, "returns/process", {}),
  "returns/update": (db, shop) => expectChangeOnly(db, shop, "returns/update", { orderId: "4783296544821" }),
  "reverse_deliveries/attach_deliverable": (db, shop) =>
    expectChangeOnly(db, shop, "reverse_deliveries/attach_deliverable", { orderId: "4783296544821" }),
  "reverse_fulfillment_orders/dispose": (db, shop) =>
    expectChangeOnly(db, shop, "reverse_fulfillment_orders/dispose", {}),

  async "refunds/create"(db, shop) {
    expect(await deliver(db, shop, "refunds/create")).toEqual({ orderId: LOSSY_ORDER_ID });
    const refund = await db.refund.findUniqueOrThrow({ where: { shop_id: { shop, id: "890088186047892319" } } });
    // 75.00 + 10.00 from the two refund transactions.
    expect(refund).toMatchObject({
      orderId: LOSSY_ORDER_ID,
      amount: "85.00",
      currency: "USD",
      note: "Things were damaged",
    });
    expect(refund.shopifyCreatedAt?.toISOString()).toBe(EXAMPLE_UPDATED_AT.toISOString());
  },

  async "app/uninstalled"(db, shop) {
    const otherShop = newShop();
    for (const [id, owner] of [
      ["s1", shop],
      ["s2", shop],
      ["s3", otherShop],
    ] as const) {
      await db.session.create({ data: { id: `${id}-${owner}`, shop: owner, state: "x", accessToken: "token" } });
    }
    await deliver(db, shop, "app/uninstalled");
    expect(await db.session.count({ where: { shop } })).toBe(0);
    expect(await db.session.count({ where: { shop: otherShop } })).toBe(1);
    const row = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(row).toMatchObject({
      name: "Super Toys",
      email: "super@supertoys.com",
      currency: "USD",
      locale: "en",
      timezone: null,
    });
    expect(row.uninstalledAt?.toISOString()).toBe(TRIGGERED_AT.toISOString());
  },

  async "app/scopes_update"(db, shop) {
    await deliver(db, shop, "app/scopes_update");
    expect((await db.shop.findUniqueOrThrow({ where: { domain: shop } })).scopes).toBe("read_products,write_products");
  },

  async "customers/data_request"(db, shop) {
    await deliver(db, shop, "orders/create");
    expect(await deliver(db, shop, "customers/data_request")).toEqual({ customerId: "191167" });
    const [exported, ...more] = await listDataExports(db, shop);
    expect(more).toHaveLength(0);
    expect(exported).toMatchObject({ customerId: "191167", email: "john@example.com", dataRequestId: "9999" });
    // The example customer id is not mirrored; the same email (unique per shop) finds the customer and their order.
    const content = JSON.parse(exported!.content) as {
      customers: Array<{ id: string }>;
      orders: Array<{ id: string; name: string; lineItems: unknown[] }>;
    };
    expect(content.customers.map((customer) => customer.id)).toContain(ORDER_CUSTOMER_ID);
    expect(content.orders).toHaveLength(1);
    expect(content.orders[0]).toMatchObject({ id: ORDER_ID, name: "#9999", totalPrice: "404.95" });
    expect(content.orders[0]!.lineItems).toHaveLength(5);
    expect(await listDataExports(db, newShop())).toEqual([]);
  },

  async "customers/redact"(db, shop) {
    await deliver(db, shop, "orders/create");
    expect(await deliver(db, shop, "customers/redact")).toEqual({ customerId: "191167" });
    // Matched by email: the mirrored customer john@example.com.
    const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_CUSTOMER_ID } } });
    expect(customer).toMatchObject({ email: null, phone: null, firstName: null, lastName: null, address: null });
    expect(customer.redactedAt).not.toBeNull();
    // The customer Shopify named gets a tombstone, so a late webhook cannot bring them back.
    expect(
      (await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: "191167" } } })).redactedAt,
    ).not.toBeNull();
    const order = await db.order.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_ID } } });
    expect(order).toMatchObject({ email: null, phone: null, shippingAddress: null, totalPrice: "404.95" });
    const orderEvent = await db.webhookEvent.findFirstOrThrow({ where: { shop, topic: "orders/create" } });
    expect(orderEvent.payload).toBe("{}");
  },

  async "shop/redact"(db, shop) {
    const otherShop = newShop();
    for (const owner of [shop, otherShop]) {
      for (const topic of [
        "orders/create",
        "customers/create",
        "products/update",
        "fulfillments/create",
        "refunds/create",
      ] as const) {
        await deliver(db, owner, topic);
      }
      await db.session.create({ data: { id: `session-${owner}`, shop: owner, state: "x", accessToken: "token" } });
      await deliver(db, owner, "app/uninstalled");
    }
    const before = await snapshot(db, otherShop);
    await deliver(db, shop, "shop/redact");
    expect(await countRows(db, shop)).toBe(0);
    expect(await snapshot(db, otherShop)).toEqual(before);
  },
};

// ── the suite ─────────────────────────────────────────────────────────────

describeEachDatabase("mirror projections", (provider) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
  });
  afterAll(async () => {
    await database?.drop();
  });

  for (const topic of ALL_TOPICS) {
    it(`projects the example ${topic} into the right rows`, async () => {
      await EXPECTATIONS[topic](db, newShop());
    });
  }

  for (const topic of ALL_TOPICS) {
    it(`projecting ${topic} twice changes nothing`, async () => {
      const shop = newShop();
      // Give the compliance topics something to act on.
      if (topic.startsWith("customers/") || topic === "shop/redact") await deliver(db, shop, "orders/create");
      await db.session.create({ data: { id: `session-${shop}`, shop, state: "x", accessToken: "token" } });
      const event = await store(db, shop, topic, examplePayload(topic, API_VERSION));
      const first = await process(db, event);
      const after = await snapshot(db, shop);
      const second = await process(db, event);
      // A second shop/redact finds the shop gone (not installed): refused, and nothing changes either.
      expect({ ...second, refused: undefined }).toEqual(first);
      expect(await snapshot(db, shop)).toEqual(after);
    });
  }

  it("keeps the newer order when an older orders/updated arrives late, and takes the newer when it comes second", async () => {
    const older = example("orders/updated");
    const lineItems = older.line_items as JsonObject[];
    const newer = changed(older, {
      updated_at: "2022-01-05T10:00:00Z",
      total_price: "500.00",
      financial_status: "paid",
      fulfillment_status: "partial",
      line_items: lineItems.slice(0, 2),
    });
    const expectNewer = async (shop: string) => {
      const order = await db.order.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_ID } } });
      expect(order).toMatchObject({
        totalPrice: "500.00",
        financialStatus: "PAID",
        fulfillmentStatus: "PARTIALLY_FULFILLED",
      });
      expect(order.shopifyUpdatedAt.toISOString()).toBe("2022-01-05T10:00:00.000Z");
      expect(await db.lineItem.count({ where: { shop, orderId: ORDER_ID } })).toBe(2);
    };

    const lateOlder = newShop();
    await deliver(db, lateOlder, "orders/updated", newer);
    await deliver(db, lateOlder, "orders/updated", older);
    await expectNewer(lateOlder);

    const inOrder = newShop();
    await deliver(db, inOrder, "orders/updated", older);
    expect(await db.lineItem.count({ where: { shop: inOrder, orderId: ORDER_ID } })).toBe(5);
    await deliver(db, inOrder, "orders/updated", newer);
    await expectNewer(inOrder);
  });

  it("never lets an order's embedded customer overwrite a newer customer row", async () => {
    const shop = newShop();
    const customerUpdate = changed(example("customers/update"), {
      id: ORDER_CUSTOMER_ID,
      admin_graphql_api_id: `gid://shopify/Customer/${ORDER_CUSTOMER_ID}`,
      email: "john.new@example.com",
      updated_at: "2022-02-01T00:00:00Z",
    });
    await deliver(db, shop, "customers/update", customerUpdate);
    await deliver(db, shop, "orders/create"); // its customer has updated_at null
    const withDated = example("orders/updated");
    (withDated.customer as JsonObject).updated_at = "2022-01-15T00:00:00Z";
    await deliver(db, shop, "orders/updated", withDated);
    const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_CUSTOMER_ID } } });
    expect(customer.email).toBe("john.new@example.com");
  });

  it("lets returns and holds follow the time Shopify triggered them, whatever the arrival order", async () => {
    const shop = newShop();
    await deliver(db, shop, "returns/close", undefined, new Date("2026-03-03T00:00:00Z"));
    await deliver(db, shop, "returns/request", undefined, new Date("2026-03-01T00:00:00Z"));
    await deliver(db, shop, "returns/approve", undefined, new Date("2026-03-02T00:00:00Z"));
    expect((await db.return.findUniqueOrThrow({ where: { shop_id: { shop, id: "123134564567890" } } })).status).toBe(
      "CLOSED",
    );

    await deliver(db, shop, "fulfillment_orders/hold_released", undefined, new Date("2026-03-05T00:00:00Z"));
    await deliver(db, shop, "fulfillment_orders/placed_on_hold", undefined, new Date("2026-03-04T00:00:00Z"));
    expect(await db.fulfillmentOrder.findUniqueOrThrow({ where: { shop_id: { shop, id: "1" } } })).toMatchObject({
      status: "OPEN",
      holds: "[]",
    });
  });

  it("customers/redact leaves no trace of the customer's name, email, phone or address in any table", async () => {
    const shop = newShop();
    const otherShop = newShop();
    const john = changed(example("customers/update"), {
      id: ORDER_CUSTOMER_ID,
      admin_graphql_api_id: `gid://shopify/Customer/${ORDER_CUSTOMER_ID}`,
      first_name: "John",
      last_name: "Smith",
      email: "john@example.com",
      phone: "555-625-1199",
      note: null,
      default_address: {
        first_name: "John",
        last_name: "Smith",
        name: "John Smith",
        address1: "123 Elm St.",
        city: "Ottawa",
        zip: "K2H7A8",
        phone: "123-123-1234",
        country_code: "CA",
      },
    });
    for (const owner of [shop, otherShop]) {
      await deliver(db, owner, "customers/update", john);
      await deliver(db, owner, "customers/create"); // Bob, another customer
      await deliver(db, owner, "orders/create");
      await deliver(db, owner, "fulfillments/create"); // mentions the order's email and delivery address
      await deliver(db, owner, "fulfillment_events/create");
      await deliver(db, owner, "refunds/create");
      await deliver(db, owner, "customers/data_request");
      // What Kizuna wrote to them itself: a notice, a back-in-stock signup, an opt-out.
      await db.notice.create({
        data: {
          shop: owner,
          kind: "delay",
          dedupeKey: `delay:${ORDER_ID}`,
          customerId: ORDER_CUSTOMER_ID,
          orderId: ORDER_ID,
          channel: "email",
          locale: "en",
          recipient: "john@example.com",
          recipientName: "John Smith",
          subject: "Your order #9999, John",
          bodyText: "Hello John Smith",
        },
      });
      // Content stored once for two of John's notices (as a wave stores shared content).
      const content = await db.noticeContent.create({
        data: { shop: owner, subject: "Back in stock, John", bodyText: "Hello again John Smith" },
      });
      for (const n of [1, 2])
        await db.notice.create({
          data: {
            shop: owner,
            kind: "restock",
            dedupeKey: `restock:1:${n}:1`,
            customerId: ORDER_CUSTOMER_ID,
            channel: "email",
            locale: "en",
            recipient: "john@example.com",
            contentId: content.id,
          },
        });
      await db.restockSubscription.create({
        data: { shop: owner, variantId: "1", email: "john@example.com", phone: "555-625-1199", locale: "en" },
      });
      await db.suppression.create({
        data: { shop: owner, channel: "sms", address: "555-625-1199", reason: "STOP" },
      });
    }
    const otherBefore = await snapshot(db, otherShop);
    const traces = [
      "John",
      "Smith",
      "john@example.com",
      "jon@example.com",
      "555-625-1199",
      "123-123-1234",
      "123 Elm St",
      "K2H7A8",
      "Steve",
      "Shipper",
      "123 Shipping Street",
      "555-555-SHIP",
    ];
    const textBefore = await allShopText(db, shop);
    for (const trace of traces) expect(textBefore).toContain(trace.toLowerCase());

    const redact = changed(example("customers/redact"), {
      customer: { id: ORDER_CUSTOMER_ID, email: "john@example.com", phone: "555-625-1199" },
      orders_to_redact: [ORDER_ID],
    });
    await deliver(db, shop, "customers/redact", redact);

    const textAfter = await allShopText(db, shop);
    for (const trace of traces) expect(textAfter, `"${trace}" is still stored`).not.toContain(trace.toLowerCase());
    // What is not theirs stays: Bob, the order itself, the audit trail, the other shop.
    expect(
      (await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: "706405506930370084" } } })).email,
    ).toBe("bob@biller.com");
    expect(await db.order.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_ID } } })).toMatchObject({
      name: "#9999",
      totalPrice: "404.95",
    });
    expect(await db.lineItem.count({ where: { shop } })).toBe(5);
    expect(await db.webhookEvent.count({ where: { shop } })).toBe(8);
    expect(await db.dataExport.count({ where: { shop } })).toBe(0);
    // The notice row stays (its dedupe key still blocks a resend), without them in it.
    expect(await db.notice.findFirstOrThrow({ where: { shop } })).toMatchObject({ recipient: null, bodyText: null });
    expect(await db.notice.count({ where: { shop, contentId: { not: null } } })).toBe(0);
    expect(await db.noticeContent.count({ where: { shop } })).toBe(0);
    expect(await db.restockSubscription.count({ where: { shop } })).toBe(0);
    expect(await snapshot(db, otherShop)).toEqual(otherBefore);

    // A webhook retried after the redaction does not bring the data back.
    await deliver(db, shop, "orders/updated");
    await deliver(db, shop, "customers/update", john);
    // (their raw payloads, stored before projecting, are emptied as well)
    const textLater = await allShopText(db, shop);
    for (const trace of traces) expect(textLater, `"${trace}" came back`).not.toContain(trace.toLowerCase());
    const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_CUSTOMER_ID } } });
    expect(customer).toMatchObject({ email: null, firstName: null, address: null });
    expect(await db.order.findUniqueOrThrow({ where: { shop_id: { shop, id: ORDER_ID } } })).toMatchObject({
      email: null,
      shippingAddress: null,
    });
  });

  it("never touches another shop's rows, whatever it projects", async () => {
    const shop = newShop();
    const otherShop = newShop();
    for (const topic of ALL_TOPICS) if (topic !== "shop/redact") await deliver(db, otherShop, topic);
    const before = await snapshot(db, otherShop);
    for (const topic of ALL_TOPICS) await deliver(db, shop, topic);
    expect(await snapshot(db, otherShop)).toEqual(before);
  });

  it("rejects a payload that lacks what its topic requires, writing nothing", async () => {
    const shop = newShop();
    const order = example("orders/create");
    const lineItems = structuredClone(order.line_items) as JsonObject[];
    delete lineItems[3]!.id;
    delete lineItems[3]!.admin_graphql_api_id;
    await expect(deliver(db, shop, "orders/create", changed(order, { line_items: lineItems }))).rejects.toThrow(
      ProjectionError,
    );
    await expect(
      deliver(db, shop, "orders/create", changed(order, { id: null, admin_graphql_api_id: null })),
    ).rejects.toThrow(/order id/);
    await expect(
      deliver(db, shop, "refunds/create", changed(example("refunds/create"), { order_id: null })),
    ).rejects.toThrow(ProjectionError);
    await expect(
      deliver(db, shop, "returns/request", changed(example("returns/request"), { status: null })),
    ).rejects.toThrow(/return status/);
    await expect(deliver(db, shop, "inventory_levels/update", "[1, 2]")).rejects.toThrow(/not a JSON object/);
    // The held order is written before the remaining one is read: the transaction takes both back.
    const hold = changed(example("fulfillment_orders/placed_on_hold"), {
      remaining_fulfillment_order: { id: "gid://shopify/FulfillmentOrder/2" },
    });
    await expect(deliver(db, shop, "fulfillment_orders/placed_on_hold", hold)).rejects.toThrow(
      /fulfillment order status/,
    );
    const tables = await snapshot(db, shop);
    // The Shop row is the install's (store() installs the shop first).
    const { WebhookEvent: events, Shop: shops, ...mirror } = tables;
    expect(events).toHaveLength(6);
    expect(shops).toHaveLength(1);
    expect(Object.values(mirror).flat()).toEqual([]);
  });

  it("lets two workers project the same new order at once without failing or duplicating", async () => {
    const shop = newShop();
    const events = await Promise.all(
      [1, 2, 3].map(() => store(db, shop, "orders/create", examplePayload("orders/create", API_VERSION))),
    );
    await Promise.all(events.map((event) => process(db, event)));
    expect(await db.order.count({ where: { shop } })).toBe(1);
    expect(await db.lineItem.count({ where: { shop } })).toBe(5);
    expect(await db.customer.count({ where: { shop } })).toBe(1);
  });
});
