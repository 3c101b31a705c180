// "Notify me" signups through the storefront stand-in's app proxy, which signs
// every request like Shopify, into the real signup handler and a real database.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import type { SignupDeps } from "../../app/restock/signup-request.server.ts";
import { fixedWindowLimiter } from "../../app/restock/rate-limit.server.ts";
import type { RestockSubscription } from "../../app/restock/types.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { proxiedUrl, signProxyQuery } from "../../sandbox/storefront/app-proxy.ts";
import { createStorefrontHandler } from "../../sandbox/storefront/storefront.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SECRET = "restock-signup-secret";
const SHOP = "kizuna-demo.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const ENDPOINT = "/apps/kizuna/restock-subscriptions";

async function seedMirror(db: Db) {
  await db.product.create({ data: { shop: SHOP, id: "1001", title: "藍染めトートバッグ", handle: "aizome-tote" } });
  await db.variant.createMany({
    data: [
      { shop: SHOP, id: "2001", productId: "1001", inventoryItemId: "3001", title: "Indigo", price: "4800" },
      { shop: SHOP, id: "2002", productId: "1001", inventoryItemId: "3002", title: "Natural", price: "4500" },
      { shop: OTHER_SHOP, id: "2009", productId: "1009", inventoryItemId: "3009", title: "Theirs", price: "100" },
    ],
  });
  await db.inventoryLevel.createMany({
    data: [
      { shop: SHOP, inventoryItemId: "3001", locationId: "1", available: 0 },
      { shop: SHOP, inventoryItemId: "3001", locationId: "2", available: -2 },
      { shop: SHOP, inventoryItemId: "3002", locationId: "1", available: 5 },
      { shop: OTHER_SHOP, inventoryItemId: "3009", locationId: "1", available: 0 },
    ],
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describeEachDatabase("restock signup through the app proxy", (provider) => {
  let database: TestDatabase;
  let app: Server;
  let storefront: Server;
  let appOrigin: string;
  let storeOrigin: string;
  let confirmed: RestockSubscription[] = [];
  const deps = {} as SignupDeps;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const { handleRestockSignup } = await import("../../app/restock/signup-request.server.ts");
    const url = new URL(request.url ?? "/", appOrigin);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers))
      if (typeof value === "string") headers.set(name, value);
    const body = request.method === "POST" ? Buffer.concat(chunks) : undefined;
    const answer =
      url.pathname === "/proxy/restock-subscriptions"
        ? await handleRestockSignup(new Request(url, { method: request.method, headers, body }), deps, {
            socketAddress: request.socket.remoteAddress ?? null,
          }).catch((thrown: unknown) => thrown as Response)
        : Response.json({ error: "not here" }, { status: 404 });
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await seedMirror(database.db);
    app = createServer((request, response) => void handle(request, response));
    appOrigin = await listen(app);
    Object.assign(process.env, {
      SHOPIFY_API_KEY: "restock-test-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: appOrigin,
      DATABASE_URL: database.url,
    });
    const config: SandboxConfig = {
      origin: "http://127.0.0.1",
      appUrl: appOrigin,
      apiKey: "restock-test-key",
      apiSecret: SECRET,
      shop: SHOP,
      apiVersion: "2026-07",
    };
    const handler = createStorefrontHandler(config, {
      products: () => [],
      proxy: { subpath: "kizuna", prefix: "apps" },
    });
    storefront = createServer((request, response) => {
      void handler(request, response, new URL(request.url ?? "/", "http://store.local"));
    });
    storeOrigin = await listen(storefront);
  });

  beforeEach(async () => {
    confirmed = [];
    Object.assign(deps, {
      db: database.db,
      limiters: { perIp: fixedWindowLimiter(100, 60_000), perEmail: fixedWindowLimiter(100, 60_000) },
      trustedProxyHops: 0,
      confirm: async (subscription: RestockSubscription) => {
        confirmed.push(subscription);
      },
    } satisfies SignupDeps);
    await database.db.restockSubscription.deleteMany({});
  });

  afterAll(async () => {
    await new Promise((done) => storefront?.close(done));
    await new Promise((done) => app?.close(done));
    await database?.drop();
  });

  /** What the block's script sends, through the storefront's signed proxy. */
  function post(body: unknown, init: { type?: string; language?: string } = {}) {
    return fetch(`${storeOrigin}${ENDPOINT}`, {
      method: "POST",
      headers: {
        "Content-Type": init.type ?? "application/json",
        Accept: "application/json",
        ...(init.language ? { "Accept-Language": init.language } : {}),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  const signup = {
    variantId: "2001",
    productId: "1001",
    email: "Hanako@Example.jp",
    phone: "090-1234-5678",
    smsConsent: true,
    locale: "ja",
  };

  it("stores one subscription with an E.164 phone and sends a confirmation", async () => {
    const response = await post(signup);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { ok: boolean; status: string; message: string };
    expect(body).toMatchObject({ ok: true, status: "subscribed" });
    expect(body.message).toContain("入荷");
    const rows = await database.db.restockSubscription.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      shop: SHOP,
      variantId: "2001",
      productId: "1001",
      email: "hanako@example.jp",
      phone: "+819012345678",
      smsConsent: true,
      locale: "ja",
    });
    expect(confirmed.map((s) => s.id)).toEqual([rows[0]!.id]);
  });

  it("merges a duplicate signup into the same row (new phone and consent)", async () => {
    expect((await post(signup)).status).toBe(201);
    const again = await post({ ...signup, email: "hanako@example.jp", phone: null, smsConsent: false, locale: "en" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, status: "updated" });
    const rows = await database.db.restockSubscription.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ phone: null, smsConsent: false, locale: "en" });
    expect(confirmed).toHaveLength(1);
  });

  it("accepts the block's no-JavaScript form post", async () => {
    const form = new URLSearchParams({
      variant_id: "2001",
      product_id: "1001",
      email: "taro@example.com",
      locale: "en",
    });
    const response = await post(form.toString(), { type: "application/x-www-form-urlencoded" });
    expect(response.status).toBe(201);
    expect(await database.db.restockSubscription.count({ where: { email: "taro@example.com" } })).toBe(1);
  });

  it("answers 401 to a bad signature and stores nothing", async () => {
    const url = proxiedUrl(new URL(`${storeOrigin}${ENDPOINT}`), {
      url: `${appOrigin}/proxy`,
      pathPrefix: "/apps/kizuna",
      shop: SHOP,
      secret: "not-the-app-secret",
    });
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(signup),
    });
    expect(response.status).toBe(401);
    // A body naming another shop changes nothing either: the shop comes from the signature.
    expect(await database.db.restockSubscription.count()).toBe(0);
  });

  it("rejects an invalid email with 400 in the shopper's language", async () => {
    const ja = await post({ ...signup, email: "not-an-email" });
    expect(ja.status).toBe(400);
    expect(await ja.json()).toMatchObject({
      ok: false,
      error: "invalid_email",
      message: "正しいメールアドレスを入力してください。",
    });
    const en = await post({ ...signup, email: "a@b\r\nBcc: x@y.z", locale: "en" });
    expect(en.status).toBe(400);
    expect(((await en.json()) as { message: string }).message).toBe("Please enter a valid email address.");
    expect(await database.db.restockSubscription.count()).toBe(0);
  });

  it("rejects a phone without consent, a bad phone, malformed JSON", async () => {
    expect((await post({ ...signup, smsConsent: false })).status).toBe(400);
    const bad = await post({ ...signup, phone: "12ab" });
    expect(await bad.json()).toMatchObject({ error: "invalid_phone" });
    const malformed = await post("{not json", { language: "en-US" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: "malformed", message: "The request could not be read." });
    expect(await database.db.restockSubscription.count()).toBe(0);
  });

  it("answers 409 for a variant in stock, 404 for an unknown or other shop's variant", async () => {
    const inStock = await post({ ...signup, variantId: "2002", locale: "en" });
    expect(inStock.status).toBe(409);
    expect(((await inStock.json()) as { message: string }).message).toContain("in stock");
    expect((await post({ ...signup, variantId: "2009" })).status).toBe(404);
    expect((await post({ ...signup, variantId: "gid://shopify/ProductVariant/9999" })).status).toBe(404);
    expect(await database.db.restockSubscription.count()).toBe(0);
  });

  it("rate-limits per IP and per email with 429", async () => {
    deps.limiters = { perIp: fixedWindowLimiter(3, 60_000), perEmail: fixedWindowLimiter(100, 60_000) };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post({ ...signup, email: `shopper${i}@example.com` })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(await database.db.restockSubscription.count()).toBe(3);

    deps.limiters = { perIp: fixedWindowLimiter(100, 60_000), perEmail: fixedWindowLimiter(2, 60_000) };
    const perEmail: number[] = [];
    for (let i = 0; i < 3; i++) perEmail.push((await post({ ...signup, email: "same@example.com" })).status);
    expect(perEmail).toEqual([201, 200, 429]);
    const limited = await post({ ...signup, email: "same@example.com", locale: "en" });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { message: string }).message).toContain("Too many requests");
  });
  /** A request signed by "Shopify" for `shop`, sent straight to the app, with `extra` query and headers. */
  function direct(shop: string, init: { query?: string; headers?: Record<string, string>; body?: unknown } = {}) {
    const url = proxiedUrl(new URL(`${storeOrigin}${ENDPOINT}${init.query ? `?${init.query}` : ""}`), {
      url: `${appOrigin}/proxy`,
      pathPrefix: "/apps/kizuna",
      shop,
      secret: SECRET,
    });
    return {
      url,
      send: (target = url) =>
        fetch(target, {
          method: "POST",
          headers: { "Content-Type": "application/json", ...init.headers },
          body: JSON.stringify(init.body ?? signup),
        }),
    };
  }

  it("refuses a repeated shop parameter (400) and stores nothing: a signature for one shop never lands in another", async () => {
    // Signed for the attacker's own shop; the victim's shop put in front of it.
    const { url, send } = direct(OTHER_SHOP);
    const forged = new URL(url);
    forged.search = `shop=${SHOP}&${url.search.slice(1)}`;
    const response = await send(forged);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining("shop") });
    // The same with the values Shopify would have signed (joined with ","): still refused.
    const resigned = new URL(forged);
    resigned.searchParams.delete("signature");
    resigned.searchParams.append("signature", signProxyQuery(resigned.searchParams, SECRET));
    expect((await send(resigned)).status).toBe(400);
    expect(await database.db.restockSubscription.count()).toBe(0);
  });

  it("verifies the signature over every parameter as Shopify does (a repeated key's values joined with ,)", async () => {
    const { send } = direct(SHOP, { query: "ref=a&ref=b" });
    expect((await send()).status).toBe(201);
    // Dropping one of the repeated values breaks the signature.
    const { url } = direct(SHOP, { query: "ref=a&ref=b" });
    const altered = new URL(url.toString().replace("ref=b&", ""));
    expect(altered.searchParams.getAll("ref")).toEqual(["a"]);
    expect((await send(altered)).status).toBe(401);
  });

  it("keys the per-IP limit on the socket's address by default: rotating X-Forwarded-For does not help", async () => {
    deps.limiters = { perIp: fixedWindowLimiter(3, 60_000), perEmail: fixedWindowLimiter(100, 60_000) };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { send } = direct(SHOP, {
        headers: { "X-Forwarded-For": `198.51.100.${i}` },
        body: { ...signup, email: `rotate${i}@example.com` },
      });
      statuses.push((await send()).status);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
  });

  it("with TRUSTED_PROXY_HOPS, keys on the client the trusted proxies saw: shoppers behind one balancer do not share a bucket", async () => {
    deps.limiters = { perIp: fixedWindowLimiter(2, 60_000), perEmail: fixedWindowLimiter(100, 60_000) };
    deps.trustedProxyHops = 2; // Shopify's app proxy, then the load balancer
    try {
      const from = (client: string, spoofed: string, n: number) =>
        direct(SHOP, {
          // What the shopper sent, then what Shopify appended (the shopper), then the balancer (Shopify's address).
          headers: { "X-Forwarded-For": `${spoofed}, ${client}, 203.0.113.250` },
          body: { ...signup, email: `${client.replaceAll(".", "-")}-${n}@example.com` },
        }).send();
      const first: number[] = [];
      for (let i = 0; i < 3; i++) first.push((await from("192.0.2.10", `10.0.0.${i}`, i)).status);
      expect(first).toEqual([201, 201, 429]);
      // Another shopper behind the same balancer has a bucket of their own.
      expect((await from("192.0.2.20", "10.9.9.9", 0)).status).toBe(201);
    } finally {
      deps.trustedProxyHops = 0;
    }
  });
});
