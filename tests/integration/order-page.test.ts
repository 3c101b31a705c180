// The customer's order page through the storefront stand-in's app proxy (which
// signs every request like Shopify) into the real handlers, a real database and
// a real Redis: the signed link opens the page in the customer's language with
// their name and the shop's; a tampered token and another shop's order answer
// the same 404 with no order data; the look-up answers a wrong number and a
// wrong email alike and is limited (in Redis, across limiter instances);
// customer text is escaped; a photo of the wrong type is refused with nothing stored.
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Redis from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../app/db.server.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { createStorefrontHandler } from "../../sandbox/storefront/storefront.ts";
import { orderLinkToken } from "../../app/storefront/order-link.server.ts";
import { redisAttemptLimiter, redisSubmitLocks } from "../../app/storefront/order-lookup.server.ts";
import type { OrderPageDeps } from "../../app/storefront/order-page-context.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";
import { REDIS_URL, testPrefix } from "../support/pipeline.ts";

const SECRET = "order-page-test-secret";
const SHOP = "kizuna-demo.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const at = (iso: string) => new Date(iso);

async function seed(db: Db) {
  await db.shop.createMany({
    data: [
      { domain: SHOP, name: "Kizuna Demo Store", locale: "ja", timezone: "Asia/Tokyo", currency: "JPY" },
      { domain: OTHER_SHOP, name: "Someone Else", locale: "en", timezone: "UTC", currency: "JPY" },
    ],
  });
  await db.customer.createMany({
    data: [
      { shop: SHOP, id: "c1", firstName: "健太", lastName: "田中", email: "Kenta@Example.jp", locale: "ja" },
      { shop: OTHER_SHOP, id: "c9", firstName: "Secret", lastName: "Person", email: "secret@example.com" },
    ],
  });
  const order = (shop: string, id: string, name: string, customerId: string, extra: object = {}) => ({
    shop,
    id,
    name,
    customerId,
    currency: "JPY",
    totalPrice: "3300",
    financialStatus: "PAID",
    shopifyCreatedAt: at("2026-11-20T01:00:00Z"),
    shopifyUpdatedAt: at("2026-11-22T01:00:00Z"),
    ...extra,
  });
  await db.order.createMany({
    data: [
      order(SHOP, "5001", "#5001", "c1", { fulfillmentStatus: "FULFILLED" }),
      order(OTHER_SHOP, "7001", "#7001", "c9", { email: "secret@example.com" }),
    ],
  });
  await db.lineItem.createMany({
    data: [
      { shop: SHOP, id: "11", orderId: "5001", title: "檜の石けん", quantity: 2, price: "1650" },
      { shop: OTHER_SHOP, id: "91", orderId: "7001", title: "Secret thing", quantity: 1, price: "3300" },
    ],
  });
  await db.fulfillment.create({
    data: {
      shop: SHOP,
      id: "f1",
      orderId: "5001",
      status: "SUCCESS",
      shipmentStatus: "delivered",
      trackingCompany: "ヤマト運輸",
      trackingNumbers: JSON.stringify(["4711-2222"]),
      trackingUrls: JSON.stringify(["https://track.example/4711"]),
      shopifyCreatedAt: at("2026-11-21T01:00:00Z"),
      shopifyUpdatedAt: at("2026-11-25T01:00:00Z"),
    },
  });
  await db.fulfillmentEvent.createMany({
    data: [
      {
        shop: SHOP,
        id: "e1",
        fulfillmentId: "f1",
        orderId: "5001",
        status: "DELAYED",
        message: "Typhoon <b>closed</b> the port",
        happenedAt: at("2026-11-22T01:00:00Z"),
        city: "Naha",
      },
      {
        shop: SHOP,
        id: "e2",
        fulfillmentId: "f1",
        orderId: "5001",
        status: "DELIVERED",
        happenedAt: at("2026-11-25T01:00:00Z"),
      },
    ],
  });
  await db.delayCase.create({
    data: {
      shop: SHOP,
      orderId: "5001",
      subject: "f1",
      rule: "carrier_exception",
      reason: "DELAYED",
      openedAt: at("2026-11-22T02:00:00Z"),
      resolvedAt: at("2026-11-25T01:00:00Z"),
      status: "resolved",
    },
  });
  await db.return.create({
    data: {
      shop: SHOP,
      id: "801",
      orderId: "5001",
      name: "#5001-R1",
      status: "CLOSED",
      source: "order_page",
      resolution: "refund",
      customerNote: "<script>alert('note')</script>",
      requestedLines: JSON.stringify([
        {
          lineItemId: "11",
          fulfillmentLineItemId: "21",
          quantity: 2,
          reasonHandle: "damaged",
          note: null,
          exchangeVariantId: null,
        },
      ]),
      requestedAt: at("2026-11-26T01:00:00Z"),
    },
  });
  await db.returnEvent.createMany({
    data: [
      {
        shop: SHOP,
        returnId: "801",
        orderId: "5001",
        action: "requested",
        actor: "customer",
        detail: "<script>alert('note')</script>",
        at: at("2026-11-26T01:00:00Z"),
      },
      {
        shop: SHOP,
        returnId: "801",
        orderId: "5001",
        action: "closed",
        actor: "shopify",
        at: at("2026-12-04T03:00:00Z"),
      },
    ],
  });
  await db.moneyAction.create({
    data: {
      shop: SHOP,
      orderId: "5001",
      returnId: "801",
      kind: "return_process",
      subjectKey: "return:801:process:0",
      idempotencyKey: "k-801-0",
      state: "succeeded",
      method: "original",
      amount: "3300",
      currency: "JPY",
      request: "{}",
      actor: "staff:1",
      finishedAt: at("2026-12-04T02:00:00Z"),
    },
  });
}

/** Admin API calls the pages made (a refused photo must make none). */
const adminCalls = { count: 0 };

function limiterFor(redis: Redis, prefix: string, limit: number) {
  return redisAttemptLimiter(redis, async () => prefix, `test-${limit}`, limit, 60_000);
}

function testDeps(db: Db, redis: Redis, prefix: string): OrderPageDeps {
  return {
    db,
    adminApi: async () => {
      adminCalls.count += 1;
      return null;
    },
    limiters: {
      perClient: redisAttemptLimiter(redis, async () => prefix, "order-lookup-client", 20, 60_000),
      perOrderNumber: redisAttemptLimiter(redis, async () => prefix, "order-lookup-number", 4, 60_000),
    },
    locks: redisSubmitLocks(redis, async () => prefix),
    trustedProxyHops: 1,
    secret: SECRET,
  };
}

/** The app's side: /proxy/orders… to the real handlers, as the Remix routes call them. */
async function serveOrderPages(
  request: IncomingMessage,
  response: ServerResponse,
  deps: OrderPageDeps,
  origin: string,
) {
  const lookup = await import("../../app/storefront/order-lookup.server.ts");
  const page = await import("../../app/storefront/order-page.server.ts");
  const returns = await import("../../app/storefront/order-page-return.server.ts");
  const cancel = await import("../../app/storefront/order-page-cancel.server.ts");
  const contact = await import("../../app/storefront/order-page-contact.server.ts");
  const help = await import("../../app/storefront/order-page-help.server.ts");
  const url = new URL(request.url ?? "/", origin);
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
  const method = request.method ?? "GET";
  const req = new Request(url, { method, headers, ...(method === "POST" ? { body: Buffer.concat(chunks) } : {}) });
  const info = { socketAddress: request.socket.remoteAddress ?? null };
  const match = /^\/proxy\/orders(?:\/([^/]+)(?:\/(return|cancel|contact|help))?)?\/?$/.exec(url.pathname);
  let answer: Response;
  if (!match) answer = new Response("not here", { status: 404 });
  else if (!match[1])
    answer = await (method === "POST" ? lookup.handleLookupPost : lookup.handleLookupGet)(req, deps, info);
  else {
    const args = { ...info, orderId: decodeURIComponent(match[1]) };
    if (match[2] === "return")
      answer = await (method === "POST" ? returns.handleReturnPost : returns.handleReturnForm)(req, deps, args);
    else if (match[2] === "cancel")
      answer = await (method === "POST" ? cancel.handleCancelPost : cancel.handleCancelForm)(req, deps, args);
    else if (match[2] === "contact") answer = await contact.handleContactPost(req, deps, args);
    else if (match[2] === "help") answer = await help.handleHelpRead(req, deps, args);
    else answer = await page.handleOrderPage(req, deps, args);
  }
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
}

/** The storefront path of a signed order link. */
function signedPath(shop: string, orderId: string) {
  return `/apps/kizuna/orders/${orderId}?t=${encodeURIComponent(orderLinkToken(shop, orderId, { secret: SECRET }))}`;
}

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

describeEachDatabase("the customer's order page through the app proxy", (provider) => {
  let database: TestDatabase;
  let app: Server;
  let storefront: Server;
  let storeOrigin: string;
  let redis: Redis;
  let otherRedis: Redis;
  const prefix = testPrefix();
  let appOrigin: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await seed(database.db);
    redis = new Redis(REDIS_URL);
    otherRedis = new Redis(REDIS_URL);
    const deps = testDeps(database.db, redis, prefix);
    app = createServer((request, response) => void serveOrderPages(request, response, deps, appOrigin));
    appOrigin = await listen(app);
    const config: SandboxConfig = {
      origin: "http://127.0.0.1",
      appUrl: appOrigin,
      apiKey: "order-page-test-key",
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
  });

  afterAll(async () => {
    await new Promise((done) => storefront?.close(done));
    await new Promise((done) => app?.close(done));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    otherRedis?.disconnect();
    await database?.drop();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${storeOrigin}${path}`, { redirect: "manual", headers });
  const post = (path: string, body: URLSearchParams | FormData, headers: Record<string, string> = {}) =>
    fetch(`${storeOrigin}${path}`, { method: "POST", body, redirect: "manual", headers });
  const link = (shop: string, orderId: string) => signedPath(shop, orderId);

  it("opens from the signed link in Japanese with the customer's name, the shop's name and the timeline", async () => {
    const response = await get(link(SHOP, "5001"), { "Accept-Language": "en-US,en;q=0.9" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(response.headers.get("cache-control")).toContain("no-store");
    const html = await response.text();
    dump("order-ja", html);
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain("田中 健太 様");
    expect(html).toContain("Kizuna Demo Store");
    expect(html).toContain("ご注文 #5001");
    expect(html).toContain("発送しました");
    expect(html).toContain("配送業者：ヤマト運輸");
    expect(html).toContain('href="https://track.example/4711"');
    expect(html).toContain("お届けしました");
    // The delay with what the notice said.
    expect(html).toContain("配送業者から遅延の連絡がありました");
    expect(html).toContain("遅れは解消しました");
    expect(html).toContain("12月4日に￥3,300をお支払い方法に返金しました");
    expect(html).toContain("返品 #5001-R1");
    expect(html).toContain("完了");
    // Carrier text is escaped.
    expect(html).toContain("Typhoon &lt;b&gt;closed&lt;/b&gt; the port");
  });

  it("speaks English when the link asks for it", async () => {
    const html = await (await get(`${link(SHOP, "5001")}&locale=en`)).text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("Refunded ¥3,300 to your original payment on December 4");
    expect(html).toContain("Order #5001");
  });

  it("shows a customer's note with <script> escaped", async () => {
    const html = await (await get(link(SHOP, "5001"))).text();
    expect(html).toContain("&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(");
  });

  it("answers a tampered token, an unknown order and another shop's order with the same 404 and no order data", async () => {
    const good = link(SHOP, "5001");
    const tampered = good.replace(/.(?=&|$)/, (c) => (c === "A" ? "B" : "A"));
    const answers = [
      await get(tampered),
      await get(good.replace("/5001?", "/5002?")),
      // A link that has expired (made 200 days ago, valid 120).
      await get(
        `/apps/kizuna/orders/5001?t=${encodeURIComponent(orderLinkToken(SHOP, "5001", { secret: SECRET, now: new Date(Date.now() - 200 * 86_400_000) }))}`,
      ),
      // A real link of the other shop, opened through this shop's storefront.
      await get(link(OTHER_SHOP, "7001")),
      // This shop's signature for an order id that only the other shop has.
      await get(link(SHOP, "7001")),
    ];
    const bodies = await Promise.all(answers.map((answer) => answer.text()));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, `answer ${i}`).toBe(404);
      for (const secret of ["田中", "#5001", "檜の石けん", "Secret", "7001", "secret@example.com", "ヤマト"])
        expect(bodies[i], `answer ${i}`).not.toContain(secret);
      expect(bodies[i]).toContain('name="number"');
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it("refuses a request that did not come through the app proxy", async () => {
    const response = await fetch(`${appOrigin}/proxy/orders/5001?shop=${SHOP}&t=x`);
    expect(response.status).toBe(401);
  });

  it("looks up by number and email: the same answer for a wrong number and a wrong email, then 429", async () => {
    const form = (number: string, email: string) => new URLSearchParams({ number, email });
    const page = await get("/apps/kizuna/orders");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ご注文を探す");

    const wrongNumber = await post("/apps/kizuna/orders", form("9999", "kenta@example.jp"));
    const wrongEmail = await post("/apps/kizuna/orders", form("#5001", "someone@example.jp"));
    expect(wrongNumber.status).toBe(404);
    expect(wrongEmail.status).toBe(404);
    expect(await wrongNumber.text()).toBe(await wrongEmail.text());

    // Another shop's order with its right email is not found either.
    const theirs = await post("/apps/kizuna/orders", form("7001", "secret@example.com"));
    expect(theirs.status).toBe(404);

    const found = await post("/apps/kizuna/orders", form("＃5001", " KENTA@example.jp "));
    expect(found.status).toBe(303);
    const location = found.headers.get("location") ?? "";
    expect(location).toMatch(/^\/apps\/kizuna\/orders\/5001\?t=\d+\.[\w-]{43}&locale=ja$/);
    const opened = await get(location);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain("田中 健太 様");

    // The limit per order number (4 in this test) holds: 5001 has been tried twice.
    await post("/apps/kizuna/orders", form("5001", "x@example.jp"));
    await post("/apps/kizuna/orders", form("5001", "y@example.jp"));
    const limited = await post("/apps/kizuna/orders", form("5001", "kenta@example.jp"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited.text()).toContain("試行回数が多すぎます");
  });

  it("keeps the limit in Redis, so that another web process sees the same count", async () => {
    const first = limiterFor(redis, prefix, 3);
    const second = limiterFor(otherRedis, prefix, 3);
    const key = `${SHOP}|203.0.113.9`;
    const answers = [await first.hit(key), await second.hit(key), await first.hit(key), await second.hit(key)];
    expect(answers.map((answer) => answer.ok)).toEqual([true, true, true, false]);
  });

  it("is linked from the storefront's header", async () => {
    const home = await (await get("/store")).text();
    expect(home).toContain('href="/apps/kizuna/orders?locale=ja"');
    expect(home).toContain("注文状況");
    expect(await (await get("/store?locale=en")).text()).toContain(">My orders</a>");
  });

  it("answers a malformed look-up with 400", async () => {
    const response = await post("/apps/kizuna/orders", new URLSearchParams({ number: "<x>", email: "nope" }));
    expect(response.status).toBe(400);
  });

  it("refuses a photo that is not JPEG, PNG or WebP with 415 and stores nothing", async () => {
    const before = await database.db.returnPhoto.count();
    const returnsBefore = await database.db.return.count();
    const body = new FormData();
    body.set("intent", "submit");
    body.set("resolution", "refund");
    body.set("line_0", "11");
    body.set("qty_0", "1");
    body.set("reason_0", "damaged");
    body.set("photo", new Blob(["<svg xmlns='http://www.w3.org/2000/svg'/>"], { type: "image/png" }), "broken.png");
    const response = await post(link(SHOP, "5001").replace("?", "/return?"), body);
    expect(response.status).toBe(415);
    expect(await response.text()).toContain("JPEG・PNG・WebP");
    expect(await database.db.returnPhoto.count()).toBe(before);
    expect(await database.db.return.count()).toBe(returnsBefore);
    expect(adminCalls.count).toBe(0);
  });

  it("takes a message about the order into the inbox once, and shows the shop's reply on the page, escaped", async () => {
    const { db } = database;
    const path = link(SHOP, "5001").replace("?", "/contact?");
    const body = () =>
      new URLSearchParams({
        message: "  届いた石けんが<script>alert(1)</script>割れていました  ",
        submission: "sub-0001-abcd",
      });
    const first = await post(path, body());
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toMatch(/\/apps\/kizuna\/orders\/5001\?.*notice=message_sent.*#messages$/);
    // The same form sent twice (a double tap): one message.
    expect((await post(path, body())).status).toBe(303);
    const conversations = await db.conversation.findMany({ where: { shop: SHOP, orderId: "5001" } });
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ channel: "order_page", status: "open" });
    const messages = await db.message.findMany({ where: { shop: SHOP, conversationId: conversations[0]!.id } });
    expect(messages.map((message) => [message.direction, message.text])).toEqual([
      ["incoming", "届いた石けんが<script>alert(1)</script>割れていました"],
    ]);
    const identities = await db.contactIdentity.findMany({
      where: { shop: SHOP, contactId: conversations[0]!.contactId },
    });
    expect(identities.map((identity) => `${identity.kind}:${identity.value}`)).toContain("shopify_customer:c1");
    await db.message.create({
      data: {
        shop: SHOP,
        conversationId: conversations[0]!.id,
        direction: "outgoing",
        channel: "order_page",
        text: "申し訳ありません。新しいものをお送りします。",
        status: "sent",
        author: "Aiko",
        createdAt: new Date(Date.now() + 1000),
      },
    });
    await db.message.create({
      data: {
        shop: SHOP,
        conversationId: conversations[0]!.id,
        direction: "note",
        channel: "order_page",
        text: "staff only: check the courier",
      },
    });
    const page = await (await get(link(SHOP, "5001"))).text();
    expect(page).toContain("このご注文についてのメッセージ");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>alert(1)");
    expect(page).toContain("新しいものをお送りします");
    expect(page).not.toContain("staff only");
    expect(page.indexOf("割れていました")).toBeLessThan(page.indexOf("新しいものをお送りします"));
  });

  it("refuses an empty message, a wrong token and another shop's order, storing nothing", async () => {
    const before = await database.db.message.count();
    const empty = await post(link(SHOP, "5001").replace("?", "/contact?"), new URLSearchParams({ message: "   " }));
    expect(empty.status).toBe(400);
    const forged = await post(
      link(SHOP, "5001")
        .replace("?", "/contact?")
        .replace(/t=[^&]+/, "t=1.x"),
      new URLSearchParams({ message: "hello" }),
    );
    expect(forged.status).toBe(404);
    const other = await post(
      link(SHOP, "5001")
        .replace("5001?", "7001/contact?")
        .replace(/t=[^&]+/, `t=${encodeURIComponent(orderLinkToken(SHOP, "7001", { secret: SECRET }))}`),
      new URLSearchParams({ message: "hello" }),
    );
    expect(other.status).toBe(404);
    expect(await database.db.message.count()).toBe(before);
  });

  it("shows the seller's answers that fit the order, in the customer's language, and counts those opened", async () => {
    const { db } = database;
    const [returnsJa, , shippingJa] = await Promise.all([
      db.selfHelpAnswer.create({
        data: {
          shop: SHOP,
          topic: "returns",
          locale: "ja",
          title: "返品について",
          body: "お届けから30日以内に<b>承ります</b>。",
        },
      }),
      db.selfHelpAnswer.create({
        data: { shop: SHOP, topic: "returns", locale: "en", title: "Returns", body: "Within 30 days." },
      }),
      db.selfHelpAnswer.create({
        data: { shop: SHOP, topic: "shipping", locale: "ja", title: "配送日数", body: "通常2〜3日でお届けします。" },
      }),
    ]);
    const foreign = await db.selfHelpAnswer.create({
      data: { shop: OTHER_SHOP, topic: "returns", locale: "ja", title: "他店の返品", body: "secret" },
    });
    const page = await (await get(link(SHOP, "5001"))).text();
    expect(page).toContain("よくあるご質問");
    // Delivered: the returns answer comes first, in Japanese; the seller's markup is text.
    expect(page.indexOf("返品について")).toBeLessThan(page.indexOf("配送日数"));
    expect(page).toContain("お届けから30日以内に&lt;b&gt;承ります&lt;/b&gt;。");
    expect(page).not.toContain(">Returns<");
    expect(page).not.toContain("他店の返品");
    expect(page).toMatch(/<script nonce="[^"]+">document\.querySelectorAll\("details\[data-answer\]"\)/);

    const read = (answer: number, path = link(SHOP, "5001").replace("?", "/help?")) =>
      post(path, new URLSearchParams({ answer: String(answer) }));
    expect((await read(returnsJa.id)).status).toBe(204);
    expect((await read(returnsJa.id)).status).toBe(204);
    expect((await read(foreign.id)).status).toBe(404);
    expect(
      (
        await read(
          shippingJa.id,
          link(SHOP, "5001")
            .replace("?", "/help?")
            .replace(/t=[^&]+/, "t=1.x"),
        )
      ).status,
    ).toBe(404);
    const reads = async (id: number) => (await db.selfHelpAnswer.findUniqueOrThrow({ where: { id } })).reads;
    expect(await reads(returnsJa.id)).toBe(2);
    expect(await reads(shippingJa.id)).toBe(0);
    expect(await reads(foreign.id)).toBe(0);
  });

  it("refuses a POST whose token is not the order's", async () => {
    const body = new URLSearchParams({ intent: "submit", resolution: "refund" });
    const response = await post(
      link(SHOP, "5002")
        .replace("5002?", "5001/return?")
        .replace(/t=[^&]+/, "t=1.x"),
      body,
    );
    expect(response.status).toBe(404);
  });
});
