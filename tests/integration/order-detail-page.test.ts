// The order page through the production build: the customer, the items and one
// timeline (ordered, shipped with tracking, carrier scans, the delay case, the
// notice sent), in English and Japanese; the Orders list links to it; another
// shop's order and a malformed id are 404s. Customer text is escaped.
import { afterAll, beforeAll, expect, it } from "vitest";
import { adminPage } from "../support/admin-http.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;

const page = (path: string, locale = "en") => adminPage(config, path, locale);

beforeAll(async () => {
  stack = await startStack("kizuna-order-page.myshopify.com");
  config = stack.config;
  const db = stack.app.db;
  const shop = config.shop;
  const at = (iso: string) => new Date(iso);
  await db.customer.create({
    data: { shop, id: "c1", firstName: "健太", lastName: "田中", email: "kenta@example.jp", locale: "ja" },
  });
  await db.order.create({
    data: {
      shop,
      id: "5001",
      name: "#5001",
      customerId: "c1",
      email: "kenta@example.jp",
      currency: "JPY",
      totalPrice: "3300",
      financialStatus: "PAID",
      fulfillmentStatus: "FULFILLED",
      statusUrl: "https://shop.example/orders/5001/authenticate?key=k",
      shopifyCreatedAt: at("2026-11-20T01:00:00Z"),
      shopifyUpdatedAt: at("2026-11-22T01:00:00Z"),
    },
  });
  await db.lineItem.create({
    data: { shop, id: "li1", orderId: "5001", title: "Hinoki <b>soap</b>", quantity: 2, price: "1650" },
  });
  await db.fulfillment.create({
    data: {
      shop,
      id: "f1",
      orderId: "5001",
      status: "SUCCESS",
      trackingCompany: "Yamato Transport",
      trackingNumbers: JSON.stringify(["4711-2222"]),
      trackingUrls: JSON.stringify(["https://track.example/4711"]),
      shopifyCreatedAt: at("2026-11-21T01:00:00Z"),
    },
  });
  await db.fulfillmentEvent.create({
    data: {
      shop,
      id: "e1",
      fulfillmentId: "f1",
      orderId: "5001",
      status: "DELAYED",
      message: "Typhoon <script>alert(1)</script>",
      happenedAt: at("2026-11-22T01:00:00Z"),
      city: "Naha",
    },
  });
  await db.delayCase.create({
    data: {
      shop,
      orderId: "5001",
      subject: "f1",
      rule: "carrier_exception",
      reason: "DELAYED",
      openedAt: at("2026-11-22T02:00:00Z"),
    },
  });
  await db.notice.create({
    data: {
      shop,
      kind: "delay",
      dedupeKey: "delay:5001",
      orderId: "5001",
      channel: "email",
      locale: "ja",
      status: "sent",
      sentAt: at("2026-11-22T03:00:00Z"),
    },
  });
  // Another shop's order with the same id pattern.
  await db.order.create({
    data: {
      shop: "someone-else.myshopify.com",
      id: "6001",
      name: "#6001",
      currency: "JPY",
      totalPrice: "1",
      shopifyCreatedAt: new Date(),
      shopifyUpdatedAt: new Date(),
    },
  });
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

it("shows the customer, the items and the timeline, newest first, escaped", async () => {
  const response = await page("/orders/5001");
  expect(response.status).toBe(200);
  const html = await response.text();
  for (const text of [
    "田中 健太",
    "kenta@example.jp",
    "Timeline",
    "Order placed",
    "Shipped with Yamato Transport",
    'href="https://track.example/4711"',
    "Delayed",
    "Delay found",
    "Delay notice by Email",
    "Open in Shopify admin",
    "The customer&#x27;s order status page",
  ])
    expect(html).toContain(text);
  expect(html).not.toContain("<script>alert(1)</script>");
  expect(html).not.toContain("Hinoki <b>soap</b>");
  // Newest first: the notice before the shipment, the shipment before the order.
  const notice = html.indexOf("Delay notice by Email");
  const shipped = html.indexOf("Shipped with Yamato Transport");
  const ordered = html.indexOf("Order placed");
  expect(notice).toBeLessThan(shipped);
  expect(shipped).toBeLessThan(ordered);
});

it("speaks Japanese, and the Orders list links each row to its order", async () => {
  const html = await (await page("/orders/5001", "ja")).text();
  expect(html).toContain("タイムライン");
  expect(html).toContain("Yamato Transportで発送しました");
  expect(html).toContain("配送遅延の通知（メール）");
  const list = await (await page("/orders")).text();
  expect(list).toMatch(/href="\/app\/orders\/5001[^"]*"/);
});

it("answers 404 for another shop's order, an unknown one and a malformed id", async () => {
  for (const id of ["6001", "999999", "..%2F..%2Fetc"]) expect((await page(`/orders/${id}`)).status).toBe(404);
});
