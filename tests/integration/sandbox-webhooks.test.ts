// The sandbox's webhook side over real HTTP: the seeded shop replayed as the
// webhooks Shopify would have sent (example payloads filled with the store's
// own values, ids exact), and the emitter's delivery plans — duplicates,
// reordering, bursts — and retries, each delivery signed like Shopify's.
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { LosslessNumber, parse as parseLossless } from "lossless-json";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALL_TOPICS } from "../../app/webhooks/topics.ts";
import { createSandboxStore, derive, type SandboxStore } from "../../sandbox/store/index.ts";
import { DEMO_SHOP, seedDemoShop, type SeedSummary } from "../../sandbox/store/seed.ts";
import { createWebhookEmitter, deliverWebhooks } from "../../sandbox/webhooks/emitter.ts";
import { orderPayload } from "../../sandbox/webhooks/payloads.ts";
import { replayShop, shopWebhooks } from "../../sandbox/webhooks/replay.ts";

const SECRET = "sandbox-webhook-secret";
const NOW = new Date();

interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let receiverUrl: string;
let received: Delivery[] = [];
/** Statuses to answer with before answering 200, one per delivery. */
let failFirst: number[] = [];
let closeReceiver: () => Promise<void>;

beforeAll(async () => {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(failFirst.shift() ?? 200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  closeReceiver = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => closeReceiver());
beforeEach(() => {
  received = [];
  failFirst = [];
});

function signedCorrectly(delivery: Delivery): boolean {
  return (
    delivery.headers["x-shopify-hmac-sha256"] === createHmac("sha256", SECRET).update(delivery.body).digest("base64")
  );
}

function seeded(): { store: SandboxStore; summary: SeedSummary } {
  const store = createSandboxStore();
  return { store, summary: seedDemoShop(store, DEMO_SHOP, NOW) };
}

describe("replaying the seeded shop", () => {
  it("describes every record with a topic the app subscribes to, in a stable way", () => {
    const { store } = seeded();
    const webhooks = shopWebhooks(store, DEMO_SHOP);
    const topics = new Set(webhooks.map((webhook) => webhook.topic));
    expect([...topics].every((topic) => (ALL_TOPICS as readonly string[]).includes(topic))).toBe(true);
    const data = store.requireShop(DEMO_SHOP);
    const count = (topic: string) => webhooks.filter((webhook) => webhook.topic === topic).length;
    expect(count("customers/create")).toBe(data.customers.size);
    expect(count("orders/create")).toBe(data.orders.size);
    expect(count("fulfillment_events/create")).toBe(data.fulfillmentEvents.size);
    expect(count("inventory_levels/update")).toBe(data.inventoryLevels.size);
    expect(count("fulfillment_orders/placed_on_hold")).toBe(2);
    expect(count("returns/request") + count("returns/approve")).toBe(data.returns.size);
    expect(count("refunds/create")).toBe(data.refunds.size);
    // The same shop replays as the same events, so the app stores each once.
    expect(shopWebhooks(store, DEMO_SHOP).map((webhook) => webhook.eventId)).toEqual(webhooks.map((w) => w.eventId));
  });

  it("is deterministic: the same `now` seeds the same shop and the same payloads", () => {
    const one = seeded();
    const two = seeded();
    expect(two.summary).toEqual(one.summary);
    const bodies = (store: SandboxStore) => shopWebhooks(store, DEMO_SHOP).map((webhook) => String(webhook.body));
    expect(bodies(two.store)).toEqual(bodies(one.store));
  });

  it("fills Shopify's example payloads with the store's own values, ids exact above 2^53", () => {
    const { store, summary } = seeded();
    const data = store.requireShop(DEMO_SHOP);
    const refunded = summary.orders.find((order) => order.scenario === "partly-refunded");
    const order = data.requireOrder(refunded?.id ?? "");
    const payload = parseLossless(orderPayload(store, DEMO_SHOP, order.id)) as Record<string, unknown>;
    expect(BigInt(order.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(payload.id).toEqual(new LosslessNumber(order.id));
    expect(payload.admin_graphql_api_id).toBe(`gid://shopify/Order/${order.id}`);
    expect(payload).toMatchObject({
      name: order.name,
      currency: "JPY",
      customer_locale: "ja",
      financial_status: "partially_refunded",
      fulfillment_status: "fulfilled",
      total_price: derive.orderTotal(order),
    });
    // Times are written in the shop's zone, as Shopify's REST payloads are.
    expect(String(payload.created_at)).toMatch(/\+09:00$/);
    expect(new Date(String(payload.created_at)).getTime()).toBe(order.createdAt.getTime());
    // Fields Shopify sends that the sandbox does not model keep the example's shape.
    expect(payload).toHaveProperty("total_tax_set.shop_money.currency_code", "JPY");
    expect((payload.refunds as unknown[]).length).toBe(1);
    expect((payload.line_items as { sku: string }[]).map((item) => item.sku)).toEqual(
      order.lineItems.map((i) => i.sku),
    );
  });
});

describe("delivering webhooks", () => {
  it("replays the whole shop to the app's /webhooks endpoint", async () => {
    const { store } = seeded();
    const appUrl = receiverUrl.replace(/\/webhooks$/, "");
    const config = { origin: "", appUrl, apiKey: "key", apiSecret: SECRET, shop: DEMO_SHOP, apiVersion: "2026-07" };
    const records = await replayShop(store, config);
    expect(records.length).toBe(shopWebhooks(store, DEMO_SHOP).length);
    expect(records.every((record) => record.status === 200)).toBe(true);
    expect(received.every(signedCorrectly)).toBe(true);
    expect(received.every((delivery) => delivery.headers["x-shopify-triggered-at"])).toBe(true);
  });

  it("sends duplicates with the same event id, in a shuffled order, all signed", async () => {
    const { store } = seeded();
    const webhooks = shopWebhooks(store, DEMO_SHOP).slice(0, 12);
    const records = await deliverWebhooks(webhooks, {
      url: receiverUrl,
      secret: SECRET,
      plan: { duplicates: 1, reorder: true, seed: 7, concurrency: 4 },
    });
    expect(records).toHaveLength(24);
    expect(records.every((record) => record.status === 200)).toBe(true);
    expect(received).toHaveLength(24);
    expect(received.every(signedCorrectly)).toBe(true);
    const byEvent = new Map<string, Set<string>>();
    for (const delivery of received) {
      const event = String(delivery.headers["x-shopify-event-id"]);
      byEvent.set(event, (byEvent.get(event) ?? new Set()).add(String(delivery.headers["x-shopify-webhook-id"])));
    }
    expect(byEvent.size).toBe(12);
    expect([...byEvent.values()].every((webhookIds) => webhookIds.size === 2)).toBe(true);
    const sentOrder = records.map((record) => record.eventId);
    const inputOrder = webhooks.flatMap((webhook) => [webhook.eventId, webhook.eventId]);
    expect(sentOrder).not.toEqual(inputOrder);
  });

  it("retries a failed delivery and drops topics the app does not subscribe to", async () => {
    const emitter = createWebhookEmitter({ url: receiverUrl, secret: SECRET, retries: 2, retryDelayMs: 5 });
    failFirst = [500, 503];
    emitter.emit({ topic: "orders/updated", shop: DEMO_SHOP, body: '{"id":1}' });
    emitter.emit({ topic: "draft_orders/create", shop: DEMO_SHOP, body: "{}" });
    const records = await emitter.flush();
    expect(records).toEqual([expect.objectContaining({ topic: "orders/updated", status: 200, attempts: 3 })]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((delivery) => delivery.headers["x-shopify-webhook-id"])).size).toBe(1);
    expect(received.every(signedCorrectly)).toBe(true);
  });

  it("delivers a burst concurrently and late deliveries after a delay", async () => {
    const burst = Array.from({ length: 30 }, (_, index) => ({
      topic: "orders/updated",
      shop: DEMO_SHOP,
      body: JSON.stringify({ id: index }),
    }));
    const started = Date.now();
    const records = await deliverWebhooks(burst, { url: receiverUrl, secret: SECRET, plan: { concurrency: 30 } });
    expect(records.every((record) => record.status === 200)).toBe(true);
    expect(received).toHaveLength(30);

    received = [];
    const delayed = createWebhookEmitter({ url: receiverUrl, secret: SECRET, plan: { delayMs: 50 } });
    delayed.emit(burst[0] as (typeof burst)[number]);
    expect(received).toHaveLength(0);
    await delayed.flush();
    expect(received).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });
});
