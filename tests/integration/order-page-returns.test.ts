// Returns and cancellation from the customer's order page, against the sandbox's
// Admin API emulator (the seeded shop, backfilled into a fresh database): the
// return form lists the shop's reasons, the policy's answer shows before
// sending, a request is sent once however often it is submitted (the second
// lands on "already requested"), a reason that needs a photo takes a real image
// and stores it with the shop and order, and an unshipped order is cancelled
// through the money-action state machine with its progress on the page.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { OrderPageDeps } from "../../app/storefront/order-page-context.server.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { Scenario } from "../../sandbox/store/seed.ts";
import { createStorefrontHandler } from "../../sandbox/storefront/storefront.ts";
import { startBackfilledSandbox, type BackfilledSandbox } from "../support/backfilled-sandbox.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { REDIS_URL, testPrefix } from "../support/pipeline.ts";

const SECRET = "order-page-returns-secret";
const SHOP = "kizuna-returns-page.myshopify.com";
// The smallest PNG: one transparent pixel.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

/** With ORDER_PAGE_DUMP=<dir>, the pages are written there to be looked at (screenshots). */
function dump(name: string, html: string) {
  const dir = process.env.ORDER_PAGE_DUMP;
  if (dir) writeFileSync(`${dir}/${name}.html`, html);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describeEachDatabase("returns and cancellation from the order page, against the emulator", (provider) => {
  let started: BackfilledSandbox;
  let app: Server;
  let storefront: Server;
  let storeOrigin: string;
  let appOrigin: string;
  let redis: Redis;
  const prefix = testPrefix();

  async function serve(request: IncomingMessage, response: ServerResponse, deps: OrderPageDeps) {
    const page = await import("../../app/storefront/order-page.server.ts");
    const returns = await import("../../app/storefront/order-page-return.server.ts");
    const cancel = await import("../../app/storefront/order-page-cancel.server.ts");
    const url = new URL(request.url ?? "/", appOrigin);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === "string") headers.set(name, value);
    const method = request.method ?? "GET";
    const req = new Request(url, { method, headers, ...(method === "POST" ? { body: Buffer.concat(chunks) } : {}) });
    const match = /^\/proxy\/orders\/(\d+)(?:\/(return|cancel))?$/.exec(url.pathname);
    const info = { socketAddress: request.socket.remoteAddress ?? null, orderId: match?.[1] ?? "" };
    let answer: Response;
    try {
      if (!match) answer = new Response("not here", { status: 404 });
      else if (match[2] === "return")
        answer = await (method === "POST" ? returns.handleReturnPost : returns.handleReturnForm)(req, deps, info);
      else if (match[2] === "cancel")
        answer = await (method === "POST" ? cancel.handleCancelPost : cancel.handleCancelForm)(req, deps, info);
      else answer = await page.handleOrderPage(req, deps, info);
    } catch (error) {
      answer = new Response(String(error instanceof Error ? error.stack : error), { status: 500 });
    }
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  beforeAll(async () => {
    started = await startBackfilledSandbox(provider, SHOP);
    redis = new Redis(REDIS_URL);
    const { redisAttemptLimiter, redisSubmitLocks } = await import("../../app/storefront/order-lookup.server.ts");
    const deps: OrderPageDeps = {
      db: started.database.db,
      adminApi: async () => started.api,
      limiters: {
        perClient: redisAttemptLimiter(redis, async () => prefix, "client", 100, 60_000),
        perOrderNumber: redisAttemptLimiter(redis, async () => prefix, "number", 100, 60_000),
      },
      locks: redisSubmitLocks(redis, async () => prefix),
      trustedProxyHops: 0,
      secret: SECRET,
    };
    app = createServer((request, response) => void serve(request, response, deps));
    appOrigin = await listen(app);
    // The notices the steps queue read the app's environment (the test database, this run's Redis prefix).
    Object.assign(process.env, {
      SHOPIFY_API_KEY: "order-page-returns-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: appOrigin,
      DATABASE_URL: started.database.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    const config: SandboxConfig = {
      origin: "http://127.0.0.1",
      appUrl: appOrigin,
      apiKey: "order-page-returns-key",
      apiSecret: SECRET,
      shop: SHOP,
      apiVersion: "2026-07",
    };
    const handler = createStorefrontHandler(config, {
      products: () => [],
      proxy: { subpath: "kizuna", prefix: "apps" },
    });
    storefront = createServer((request: IncomingMessage, response: ServerResponse) => {
      void handler(request, response, new URL(request.url ?? "/", "http://store.local"));
    });
    storeOrigin = await listen(storefront);
  }, 120_000);

  afterAll(async () => {
    await new Promise((done) => storefront?.close(done));
    await new Promise((done) => app?.close(done));
    const { closeSharedQueues } = await import("../../app/jobs/queues.server.ts");
    await closeSharedQueues();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    const { disconnectDb } = await import("../../app/db.server.ts");
    await disconnectDb();
    await started?.close();
  });

  const orderOf = (scenario: Scenario) => {
    const order = started.sandbox.seed!.orders.find((candidate) => candidate.scenario === scenario);
    if (!order) throw new Error(`no seeded order for ${scenario}`);
    return String(order.id).replace(/^gid:\/\/shopify\/Order\//, "");
  };
  const path = async (orderId: string, rest = "") => {
    const { orderLinkToken } = await import("../../app/storefront/order-link.server.ts");
    const token = orderLinkToken(SHOP, orderId, { secret: SECRET });
    return `/apps/kizuna/orders/${orderId}${rest}?t=${encodeURIComponent(token)}&locale=en`;
  };
  const get = async (to: string) => fetch(`${storeOrigin}${to}`, { redirect: "manual" });
  const post = async (to: string, body: FormData | URLSearchParams) =>
    fetch(`${storeOrigin}${to}`, { method: "POST", body, redirect: "manual" });

  async function returnForm(orderId: string) {
    const response = await get(await path(orderId, "/return"));
    const html = await response.text();
    expect(response.status, html).toBe(200);
    const lineItemId = /name="line_0" value="(\d+)"/.exec(html)?.[1];
    expect(lineItemId, html).toBeTruthy();
    const requestKey = /name="request_key" value="([\w-]+)"/.exec(html)?.[1];
    expect(requestKey, html).toBeTruthy();
    return { html, lineItemId: lineItemId!, requestKey: requestKey! };
  }

  function wish(lineItemId: string, reason: string, extra: Record<string, string> = {}) {
    const body = new FormData();
    body.set("resolution", "refund");
    body.set("line_0", lineItemId);
    body.set("qty_0", "1");
    body.set("reason_0", reason);
    body.set("note", "Thank you <b>anyway</b>");
    for (const [key, value] of Object.entries(extra)) body.set(key, value);
    return body;
  }

  it("requests a return once: the verdict first, then the request, then 'already requested'", async () => {
    const orderId = orderOf("delivered-recently");
    const { html, lineItemId, requestKey } = await returnForm(orderId);
    dump("return-form", html);
    const { returnableLines } = await import("../../app/returns/shopify-returns.server.ts");
    const returnableBefore = (await returnableLines(started.api, orderId)).reduce(
      (sum, line) => sum + line.quantity,
      0,
    );
    expect(html).toContain("Changed my mind");
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain("within 30 days of delivery");

    const preview = await post(
      await path(orderId, "/return"),
      wish(lineItemId, "changed-mind", { intent: "preview", fragment: "1" }),
    );
    const verdict = await preview.text();
    expect(preview.status, verdict).toBe(200);
    expect(verdict).toContain("The shop will review your request");
    expect(verdict).toContain("The shop reviews every return request");

    const sent = await post(
      await path(orderId, "/return"),
      wish(lineItemId, "changed-mind", { intent: "submit", request_key: requestKey }),
    );
    const sentBody = await sent.text();
    expect(sent.status, sentBody).toBe(303);
    const location = sent.headers.get("location") ?? "";
    expect(location).toContain("notice=return_requested");
    const page = await (await get(location)).text();
    dump("return-requested", page);
    expect(page).toContain("Your return request has been sent");
    expect(page).toContain("Requested");
    expect(page).toContain("Thank you &lt;b&gt;anyway&lt;/b&gt;");

    const again = await post(
      await path(orderId, "/return"),
      wish(lineItemId, "changed-mind", { intent: "submit", request_key: requestKey }),
    );
    expect(again.status, await again.text()).toBe(303);
    expect(again.headers.get("location")).toContain("notice=already_requested");
    expect(await started.database.db.return.count({ where: { shop: SHOP, orderId } })).toBe(1);
    // Shopify's side (the emulator) has the one return: one unit less is returnable.
    const returnableAfter = (await returnableLines(started.api, orderId)).reduce((sum, line) => sum + line.quantity, 0);
    expect(returnableAfter).toBe(returnableBefore - 1);
    const ret = await started.database.db.return.findFirst({ where: { shop: SHOP, orderId } });
    expect(ret?.status).toBe("REQUESTED");
    expect(ret?.source).toBe("order_page");
  });

  it("asks for a photo where the reason needs one, and stores a real one with the shop and order", async () => {
    const orderId = orderOf("refundable");
    const { lineItemId } = await returnForm(orderId);
    const without = await post(await path(orderId, "/return"), wish(lineItemId, "damaged", { intent: "submit" }));
    const withoutBody = await without.text();
    expect(without.status).toBe(400);
    expect(withoutBody).toContain("Please add a photo for");
    expect(await started.database.db.returnPhoto.count({ where: { shop: SHOP, orderId } })).toBe(0);

    const body = wish(lineItemId, "damaged", { intent: "submit" });
    body.set("photo", new Blob([PNG], { type: "image/png" }), "crack.png");
    const sent = await post(await path(orderId, "/return"), body);
    expect(sent.status, await sent.text()).toBe(303);
    const photos = await started.database.db.returnPhoto.findMany({ where: { shop: SHOP, orderId } });
    expect(photos).toHaveLength(1);
    expect(photos[0]!.contentType).toBe("image/png");
    const ret = await started.database.db.return.findFirst({ where: { shop: SHOP, orderId } });
    expect(ret?.photoId).toBe(photos[0]!.id);
  });

  it("offers an exchange only for a variant in stock, and sends it with the wanted variant", async () => {
    const orderId = orderOf("attempted-delivery");
    const { html, lineItemId, requestKey } = await returnForm(orderId);
    const asanoha = /<option value="(\d+)">Asanoha<\/option>/.exec(html)?.[1];
    expect(asanoha, html).toBeTruthy();
    expect(html).toMatch(/<option value="\d+" disabled>Sakura \(out of stock\)<\/option>/);
    expect(html).toContain('value="exchange"');

    const exchange = { intent: "submit", resolution: "exchange", request_key: requestKey };
    const noVariant = await post(await path(orderId, "/return"), wish(lineItemId, "color", exchange));
    expect(noVariant.status).toBe(400);
    expect(await noVariant.text()).toContain("Choose the option you want instead of");

    const sent = await post(
      await path(orderId, "/return"),
      wish(lineItemId, "color", { ...exchange, exchange_0: asanoha! }),
    );
    expect(sent.status, await sent.text()).toBe(303);
    const ret = await started.database.db.return.findFirst({ where: { shop: SHOP, orderId, source: "order_page" } });
    expect(ret?.resolution).toBe("exchange");
    expect(JSON.parse(ret?.requestedLines ?? "[]")).toEqual([
      expect.objectContaining({ lineItemId, quantity: 1, reasonHandle: "color", exchangeVariantId: asanoha }),
    ]);
  });

  it("shows the policy's answer as the customer chooses, on a phone-sized screen", async () => {
    const { launchBrowser } = await import("../support/browser.ts");
    const browser = await launchBrowser({ width: 375, height: 812 });
    try {
      const tab = await browser.context.newPage();
      const response = await tab.goto(`${storeOrigin}${await path(orderOf("in-transit"), "/return")}`);
      expect(response?.status()).toBe(200);
      await tab.selectOption("#qty-0", "1");
      await tab.selectOption("#reason-0", "changed-mind");
      await tab.locator("#verdict").getByText("The shop will review your request").waitFor({ timeout: 10_000 });
      // Readable at 375 px: nothing wider than the screen, tap targets at least 44 px high.
      expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      const heights = await tab.$$eval("button, select", (nodes) =>
        nodes.map((node) => node.getBoundingClientRect().height),
      );
      expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
      mkdirSync("artifacts/screenshots", { recursive: true });
      await tab.screenshot({ path: "artifacts/screenshots/order-page-return-375.png", fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it("counts the window from the shipment, and says so, while no delivery is known", async () => {
    const html = await (await get(await path(orderOf("in-transit"), "/return"))).text();
    expect(html).toContain("within 30 days of shipping (we have no delivery date yet)");
    expect(html).not.toContain("days of delivery");
  });

  it("says why an order outside the window cannot be returned", async () => {
    const response = await get(await path(orderOf("past-return-window"), "/return"));
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toMatch(/The 30-day return window ended on/);
  });

  it("cancels an unshipped order after a confirm step, once, and shows its progress", async () => {
    const orderId = orderOf("cancellable");
    const page = await (await get(await path(orderId))).text();
    expect(page).toContain("Cancel this order");
    const confirm = await get(await path(orderId, "/cancel"));
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Yes, cancel my order");

    const unconfirmed = await post(await path(orderId, "/cancel"), new URLSearchParams({}));
    expect(unconfirmed.status).toBe(400);
    expect(await started.database.db.moneyAction.count({ where: { shop: SHOP, orderId } })).toBe(0);

    const sent = await post(await path(orderId, "/cancel"), new URLSearchParams({ confirm: "yes" }));
    expect(sent.status, await sent.text()).toBe(303);
    const location = sent.headers.get("location") ?? "";
    expect(location).toContain("notice=cancel_requested");
    const progress = await (await get(location)).text();
    dump("cancel-progress", progress);
    expect(progress).toContain("Cancellation requested");
    expect(progress).not.toContain("Cancel this order");

    const twice = await post(await path(orderId, "/cancel"), new URLSearchParams({ confirm: "yes" }));
    expect(twice.status).toBe(303);
    const actions = await started.database.db.moneyAction.findMany({ where: { shop: SHOP, orderId } });
    expect(actions).toHaveLength(1);
    expect(actions[0]!.kind).toBe("order_cancel");
    expect(actions[0]!.actor).toBe("customer");
  });
});
