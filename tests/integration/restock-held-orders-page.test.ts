// The Restock page through the production build: a restock that an order on
// hold is waiting for shows that order first (both languages), and "Tell
// subscribers now" starts the wave in the request — the worker then tells them.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEpisodeIfRestocked } from "../../app/restock/episodes.server.ts";
import { adminPage, adminPost } from "../support/admin-http.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;

beforeAll(async () => {
  stack = await startStack("kizuna-held-page.myshopify.com", { mail: true });
  config = stack.config;
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

it("shows the held order before the wave, and the seller can tell subscribers now", async () => {
  const db = stack!.app.db;
  const shop = config.shop;
  await db.shopSettings.upsert({
    where: { shop },
    create: { shop, quietStart: "00:00", quietEnd: "00:00" },
    update: { quietStart: "00:00", quietEnd: "00:00" },
  });
  await db.product.create({ data: { shop, id: "p-mug", title: "Indigo mug" } });
  await db.variant.create({ data: { shop, id: "v-mug", productId: "p-mug", inventoryItemId: "i-mug" } });
  await db.inventoryLevel.create({ data: { shop, inventoryItemId: "i-mug", locationId: "1", available: 2 } });
  await db.restockSubscription.create({
    data: { shop, variantId: "v-mug", email: "waiting@example.com", locale: "en" },
  });
  await db.order.create({
    data: {
      shop,
      id: "o-held",
      name: "#1015",
      currency: "JPY",
      totalPrice: "2400",
      fulfillmentStatus: "UNFULFILLED",
      shopifyCreatedAt: new Date(),
      shopifyUpdatedAt: new Date(),
    },
  });
  await db.lineItem.create({
    data: {
      shop,
      id: "li-held",
      orderId: "o-held",
      variantId: "v-mug",
      title: "Indigo mug",
      quantity: 1,
      price: "1200",
    },
  });
  await db.fulfillmentOrder.create({
    data: {
      shop,
      id: "fo-held",
      orderId: "o-held",
      status: "ON_HOLD",
      holds: JSON.stringify([{ reason: "INVENTORY_OUT_OF_STOCK" }]),
    },
  });
  const [episode] = await startEpisodeIfRestocked(db, shop, "i-mug");
  expect(episode?.status).toBe("waiting_for_orders");

  for (const [locale, heading, order] of [
    ["en", "Stock is back for Indigo mug: orders on hold are waiting for it", "#1015: 1 unit"],
    ["ja", "Indigo mug が再入荷しました：保留中の注文がこの商品を待っています", "#1015：1点"],
  ] as const) {
    const page = await adminPage(config, "/restock", locale);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(heading);
    expect(html).toContain(order);
  }

  // Bad input: a malformed id or an unknown intent is a 400 and changes nothing.
  for (const fields of [
    { intent: "tell-subscribers", episodeId: "1e5" },
    { intent: "tell-everyone", episodeId: String(episode!.id) },
  ])
    expect((await adminPost(config, "/app/restock.data", fields)).status).toBe(400);
  expect((await db.restockEpisode.findUniqueOrThrow({ where: { id: episode!.id } })).status).toBe("waiting_for_orders");

  const told = await adminPost(config, "/app/restock.data", {
    intent: "tell-subscribers",
    episodeId: String(episode!.id),
  });
  expect(told.status).toBe(200);
  expect(await told.text()).toContain("Subscribers are being told, for 2 units in stock.");
  expect((await db.restockEpisode.findUniqueOrThrow({ where: { id: episode!.id } })).status).toBe("running");
  await stack!.sandbox.mail.waitFor(
    (mail) => mail.to.includes("waiting@example.com") && /back in stock/i.test(mail.subject),
  );

  // Again: it is not waiting any more.
  const again = await adminPost(config, "/app/restock.data", {
    intent: "tell-subscribers",
    episodeId: String(episode!.id),
  });
  expect(again.status).toBe(409);
}, 120_000);
