// The sandbox's stock page: a seller receives stock for a sold-out variant and
// the app is sent Shopify's signed webhooks about it; bad input changes nothing.
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { createStockPagesHandler } from "../../sandbox/stock/stock-pages.ts";
import { createSandboxStore, seedDemoShop, type InventoryLevel, type ShopData } from "../../sandbox/store/index.ts";
import { emitterFor, type WebhookEmitter } from "../../sandbox/webhooks/emitter.ts";
import { close, listen, originOf, serve } from "../support/serve.ts";

const SECRET = "stock-test-secret";
const SHOP = "kizuna-stock.myshopify.com";

interface Received {
  topic: string;
  hmacValid: boolean;
  body: Record<string, unknown>;
}

let app: Server;
let sandbox: Server;
let origin: string;
let data: ShopData;
let emitter: WebhookEmitter;
let received: Received[] = [];

beforeAll(async () => {
  // Plays the app's /webhooks endpoint: records each delivery and checks its signature.
  app = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const digest = createHmac("sha256", SECRET).update(raw).digest("base64");
      received.push({
        topic: String(request.headers["x-shopify-topic"]),
        hmacValid: digest === request.headers["x-shopify-hmac-sha256"],
        body: JSON.parse(raw.toString("utf8")) as Record<string, unknown>,
      });
      response.writeHead(200).end();
    });
  });
  await listen(app);
  const store = createSandboxStore();
  seedDemoShop(store, SHOP);
  data = store.shop(SHOP)!;
  const config: SandboxConfig = {
    origin: "http://127.0.0.1:0",
    appUrl: originOf(app),
    apiKey: "stock-test",
    apiSecret: SECRET,
    shop: SHOP,
    apiVersion: "2026-07",
  };
  emitter = emitterFor(config);
  sandbox = await serve([createStockPagesHandler(store, config, emitter)]);
  origin = originOf(sandbox);
});

afterAll(async () => {
  await close(sandbox);
  await close(app);
});

beforeEach(() => {
  received = [];
});

function soldOutLevel(): InventoryLevel {
  const level = [...data.inventoryLevels.values()].find((candidate) => candidate.available <= 0);
  if (!level) throw new Error("the seed has no sold-out variant");
  return level;
}

function post(fields: Record<string, string>): Promise<Response> {
  return fetch(`${origin}/stock/adjust`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

describe("the sandbox stock page", () => {
  it("lists every variant's stock per location, sold-out ones marked", async () => {
    const response = await fetch(`${origin}/stock`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1>Stock</h1>");
    expect(html).toContain("sold out");
    expect(html.match(/name="inventoryItemId"/g)?.length).toBe(data.inventoryLevels.size);
  });

  it("receives stock and sends the app signed inventory_levels/update and products/update", async () => {
    const level = soldOutLevel();
    const before = level.available;
    const response = await post({ inventoryItemId: level.inventoryItemId, locationId: level.locationId, delta: "4" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/stock\?changed=/);
    expect(level.available).toBe(before + 4);

    await emitter.flush();
    expect(received.map((webhook) => webhook.topic)).toEqual(["inventory_levels/update", "products/update"]);
    expect(received.every((webhook) => webhook.hmacValid)).toBe(true);
    const [inventory, product] = received;
    expect(inventory!.body.available).toBe(before + 4);
    const variant = data.variantOfItem(level.inventoryItemId)!;
    expect(String(product!.body.admin_graphql_api_id)).toBe(`gid://shopify/Product/${variant.productId}`);

    const page = await (await fetch(`${origin}${response.headers.get("location")}`)).text();
    expect(page).toContain(`${before + 4} available`);
  });

  it.each([
    ["a delta of zero", { delta: "0" }],
    ["a fractional delta", { delta: "1.5" }],
    ["a delta that is not a number", { delta: "lots" }],
    ["an unknown inventory item", { delta: "3", inventoryItemId: "999999999" }],
    ["a removal below zero is allowed, but not an unknown location", { delta: "-1", locationId: "999999999" }],
  ])("refuses %s with a 400 and changes nothing", async (_case, overrides) => {
    const level = soldOutLevel();
    const before = level.available;
    const response = await post({
      inventoryItemId: level.inventoryItemId,
      locationId: level.locationId,
      ...overrides,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Not changed");
    expect(level.available).toBe(before);
    await emitter.flush();
    expect(received).toEqual([]);
  });
});
