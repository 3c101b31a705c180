// The storefront stand-in: a product page rendering the theme app extension
// from extensions/ with liquidjs, and the app proxy signing requests like
// Shopify. Signatures are checked by @shopify/shopify-api (the library under
// authenticate.public.appProxy) and by the app's own /proxy/ping route.
import "@shopify/shopify-api/adapters/node";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { proxiedUrl, signProxyQuery } from "../../sandbox/storefront/app-proxy.ts";
import { createStorefrontHandler, type StorefrontProduct } from "../../sandbox/storefront/storefront.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { close, listen, originOf, serve } from "../support/serve.ts";

const SECRET = "storefront-test-secret";
const SHOP = "kizuna-demo.myshopify.com";

const products: StorefrontProduct[] = [
  {
    id: "gid://shopify/Product/1001",
    handle: "aizome-tote",
    title: "藍染めトートバッグ",
    description: "Hand-dyed <indigo> canvas.",
    variants: [
      {
        id: "gid://shopify/ProductVariant/2001",
        title: "Indigo",
        price: "4800",
        available: false,
        inventoryQuantity: 0,
      },
      {
        id: "gid://shopify/ProductVariant/2002",
        title: "Natural",
        price: "4500",
        available: true,
        inventoryQuantity: 5,
      },
    ],
  },
  {
    id: "gid://shopify/Product/1002",
    handle: "hinoki-soap",
    title: "Hinoki soap",
    description: "Cypress scented.",
    variants: [
      {
        id: "gid://shopify/ProductVariant/2003",
        title: "Default Title",
        price: "1200",
        available: true,
        inventoryQuantity: 40,
      },
    ],
  },
];

const shopifyLib = shopifyApi({
  apiKey: "storefront-test-key",
  apiSecretKey: SECRET,
  hostName: "localhost:3000",
  apiVersion: ApiVersion.July26,
  isEmbeddedApp: true,
  logger: { level: 0 },
});

interface Received {
  path: string;
  query: URLSearchParams;
  method: string;
  headers: IncomingMessage["headers"];
  body: string;
  valid: boolean;
}

let appServer: Server;
let sandbox: Server;
let origin: string;
let appOrigin: string;
let database: TestDatabase;
let received: Received[] = [];
/** Merchant block settings; the storefront reads them on every request. */
const blockSettings: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  database = await createTestDatabase("sqlite");
  appServer = createServer((request, response) => void app(request, response));
  await listen(appServer);
  appOrigin = originOf(appServer);
  // The app's real Remix route reads its configuration from the environment.
  Object.assign(process.env, {
    SHOPIFY_API_KEY: "storefront-test-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: appOrigin,
    DATABASE_URL: database.url,
  });

  const config: SandboxConfig = {
    origin: "http://127.0.0.1",
    appUrl: appOrigin,
    apiKey: "storefront-test-key",
    apiSecret: SECRET,
    shop: SHOP,
    apiVersion: "2026-07",
  };
  const storefront = createStorefrontHandler(config, {
    products: () => products,
    proxy: { subpath: "kizuna", prefix: "apps" },
    blockSettings,
  });
  sandbox = await serve([storefront]);
  origin = originOf(sandbox);
});

afterAll(async () => {
  await close(sandbox);
  await close(appServer);
  const { disconnectDb } = await import("../../app/db.server.ts");
  await disconnectDb();
  await database.drop();
});

/** Plays the app: /proxy/ping is the real route; the rest echo what arrived. */
async function app(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? "/", appOrigin);
  if (url.pathname === "/proxy/ping") {
    const { loader } = await import("../../app/routes/proxy.ping.tsx");
    const answer = await loader({ request: new Request(url, { method: "GET" }), params: {}, context: {} }).catch(
      (thrown: unknown) => thrown as Response,
    );
    response.writeHead(answer.status, { "Content-Type": answer.headers.get("content-type") ?? "text/plain" });
    response.end(await answer.text());
    return;
  }
  let body = "";
  request.setEncoding("utf8");
  for await (const chunk of request) body += chunk;
  const query = url.searchParams;
  const valid = await shopifyLib.utils.validateHmac(Object.fromEntries(query), { signator: "appProxy" });
  received.push({ path: url.pathname, query, method: request.method ?? "", headers: request.headers, body, valid });
  if (url.pathname === "/proxy/liquid") {
    response.writeHead(200, { "Content-Type": "application/liquid" });
    response.end('<p class="from-app">{{ shop.name }} via Liquid</p>');
    return;
  }
  response.writeHead(request.method === "POST" ? 201 : 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Set-Cookie": "app_session=should-not-reach-the-shopper",
    "X-Internal": "app-only",
  });
  response.end(JSON.stringify({ answered: url.pathname }));
}

describe("storefront pages", () => {
  it("lists products on the home page with sold-out state", async () => {
    const html = await page("/store?locale=en");
    expect(html).toContain("藍染めトートバッグ");
    expect(html).toContain('href="/store/products/hinoki-soap?locale=en"');
    expect(html).toContain("¥4,500");
  });

  it("renders the Notify me block with its form for a sold-out variant", async () => {
    const html = await page("/store/products/aizome-tote?variant=2001");
    expect(html).toContain('<div id="shopify-block-AppBlock1" class="shopify-app-block">');
    expect(panelTag(html)).not.toContain("hidden");
    expect(html).toContain("入荷したらお知らせ");
    expect(html).toMatch(/<label for="AppBlock1-notify-email">メールアドレス<\/label>/);
    expect(html).toMatch(/type="checkbox"\s+name="sms_consent"/);
    expect(html).toContain('role="status" aria-live="polite"');
    expect(html).toMatch(/name="variant_id" value="2001"/);
    expect(html).toContain('data-variants="2001:0,2002:1"');
    expect(html).toContain('data-endpoint="/apps/kizuna/restock-subscriptions"');
    expect(html).toContain('<script src="/store/extensions/kizuna-notify/assets/notify-me.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/store/extensions/kizuna-notify/assets/notify-me.css">');
    // The theme: sold-out button, escaped description.
    expect(html).toMatch(/<button type="submit" class="add" data-add-to-cart disabled>売り切れ<\/button>/);
    expect(html).toContain("Hand-dyed &#60;indigo&#62; canvas.");
  });

  it("hides the form while the selected variant is available", async () => {
    const html = await page("/store/products/aizome-tote?variant=2002&locale=en");
    expect(panelTag(html)).toContain("hidden");
    expect(html).toMatch(/name="variant_id" value="2002"/);
    expect(html).toMatch(/data-add-to-cart>Add to cart<\/button>/);
    // Without ?variant the first available variant is selected, as on Shopify.
    expect(panelTag(await page("/store/products/aizome-tote"))).toContain("hidden");
  });

  it("speaks the shopper's language and escapes merchant settings", async () => {
    const english = await page("/store/products/aizome-tote?variant=2001&locale=en");
    expect(english).toContain("Notify me when available");
    expect(english).toContain("Send me one text message when this item is back in stock.");

    blockSettings["kizuna-notify/notify-me"] = { heading: "<b>Back soon</b>", show_phone: false };
    try {
      const custom = await page("/store/products/aizome-tote?variant=2001&locale=en");
      expect(custom).toContain("&lt;b&gt;Back soon&lt;/b&gt;");
      expect(custom).not.toContain("<b>Back soon");
      expect(custom).not.toContain('name="phone"');
    } finally {
      delete blockSettings["kizuna-notify/notify-me"];
    }
  });

  it("serves the extension's assets and nothing outside them", async () => {
    const script = await fetch(`${origin}/store/extensions/kizuna-notify/assets/notify-me.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toContain("data-kizuna-notify");
    const css = await fetch(`${origin}/store/extensions/kizuna-notify/assets/notify-me.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");

    for (const path of [
      "/store/extensions/kizuna-notify/assets/..%2Fblocks%2Fnotify-me.liquid",
      "/store/extensions/kizuna-notify/assets/missing.js",
      "/store/extensions/../shopify.app.toml",
      "/store/products/no-such-product",
    ]) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
  });
});

describe("app proxy", () => {
  it("forwards with Shopify's parameters and a signature the Shopify library accepts; no cookies", async () => {
    received = [];
    const response = await fetch(
      `${origin}/apps/kizuna/echo/sub?color=blue&note=%E8%97%8D+%E6%9F%93%E3%82%81&shop=evil.myshopify.com&signature=forged`,
      {
        headers: { Cookie: "_secure_session_id=shopper-session", "Accept-Language": "ja" },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("x-internal")).toBeNull();
    expect(await response.json()).toEqual({ answered: "/proxy/echo/sub" });

    const hit = received[0]!;
    expect(hit.path).toBe("/proxy/echo/sub");
    expect(hit.valid).toBe(true);
    expect(hit.query.get("color")).toBe("blue");
    expect(hit.query.get("note")).toBe("藍 染め");
    expect(hit.query.getAll("shop")).toEqual([SHOP]);
    expect(hit.query.get("logged_in_customer_id")).toBe("");
    expect(hit.query.get("path_prefix")).toBe("/apps/kizuna");
    expect(Math.abs(Number(hit.query.get("timestamp")) - Date.now() / 1000)).toBeLessThan(5);
    expect(hit.query.get("signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(hit.headers.cookie).toBeUndefined();
    expect(hit.headers["accept-language"]).toBe("ja");
  });

  it("produces a signature that no longer validates once the query is tampered with", async () => {
    received = [];
    await fetch(`${origin}/apps/kizuna/echo?variant=2001`);
    const signed = Object.fromEntries(received[0]!.query);
    const validate = (query: Record<string, string>) => shopifyLib.utils.validateHmac(query, { signator: "appProxy" });
    expect(await validate(signed)).toBe(true);
    expect(await validate({ ...signed, variant: "2002" })).toBe(false);
    expect(await validate({ ...signed, shop: "other-shop.myshopify.com" })).toBe(false);
    expect(await validate({ ...signed, extra: "1" })).toBe(false);
  });

  it("forwards a POST body and passes the app's status back", async () => {
    received = [];
    const payload = JSON.stringify({ variantId: "2001", email: "hanako@example.jp" });
    const response = await fetch(`${origin}/apps/kizuna/restock-subscriptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: payload,
    });
    expect(response.status).toBe(201);
    const hit = received[0]!;
    expect(hit).toMatchObject({ method: "POST", path: "/proxy/restock-subscriptions", body: payload, valid: true });
    expect(hit.headers["content-type"]).toBe("application/json");
  });

  it("is accepted by the app's own route (authenticate.public.appProxy), which refuses bad signatures with 401", async () => {
    const response = await fetch(`${origin}/apps/kizuna/ping`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, shop: SHOP });

    const signed = proxiedUrl(new URL(`${origin}/apps/kizuna/ping`), {
      url: `${appOrigin}/proxy`,
      pathPrefix: "/apps/kizuna",
      shop: SHOP,
      secret: SECRET,
    });
    expect((await fetch(signed)).status).toBe(200);

    const tampered = new URL(signed);
    tampered.searchParams.set("shop", "other-shop.myshopify.com");
    expect((await fetch(tampered)).status).toBe(401);

    const wrongSecret = proxiedUrl(new URL(`${origin}/apps/kizuna/ping`), {
      url: `${appOrigin}/proxy`,
      pathPrefix: "/apps/kizuna",
      shop: SHOP,
      secret: "not-the-secret",
    });
    expect((await fetch(wrongSecret)).status).toBe(401);

    const stale = proxiedUrl(new URL(`${origin}/apps/kizuna/ping`), {
      url: `${appOrigin}/proxy`,
      pathPrefix: "/apps/kizuna",
      shop: SHOP,
      secret: SECRET,
      now: () => new Date(Date.now() - 10 * 60_000),
    });
    expect((await fetch(stale)).status).toBe(401);

    expect((await fetch(`${appOrigin}/proxy/ping?shop=${SHOP}`)).status).toBe(401);
  });

  it("renders an application/liquid answer inside the storefront, as Shopify does", async () => {
    const response = await fetch(`${origin}/apps/kizuna/liquid`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<p class="from-app">Kizuna Demo Store via Liquid</p>');
    expect(html).toContain('class="site-header"');
  });

  it("signs Shopify's documented example exactly", () => {
    // shopify.dev "Authenticate app proxies": secret "hush", query below → signature 4c68c862…
    const query = new URLSearchParams(
      "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555",
    );
    expect(signProxyQuery(query, "hush")).toBe("4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb");
    expect(signProxyQuery({ ...Object.fromEntries(query), extra: ["1", "2"] }, "hush")).toBe(
      "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb",
    );
  });
});

// ---- helpers ----

async function page(path: string): Promise<string> {
  const response = await fetch(`${origin}${path}`);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** The opening tag of the block's form panel. */
function panelTag(html: string): string {
  const tag = /<div class="kizuna-notify__panel"[^>]*>/.exec(html)?.[0];
  expect(tag, "the Notify me panel").toBeDefined();
  return tag ?? "";
}
