// Returns through the real admin routes, on both databases, with two web
// processes behind one database and one Redis (the production build): a return
// made in Shopify's admin (the emulator's) shows up through its webhooks; a
// decline reaches the customer with its reason in their language; 50 concurrent
// "Receive and settle" posts spread over both web processes make one refund of
// Shopify's suggested amount; bad input and another shop's return change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { issueSessionToken } from "../../sandbox/admin/index.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { adminPage, BROWSER_UA } from "../support/admin-http.ts";
import { createTestDatabase, PROVIDERS, type TestDatabase } from "../support/databases.ts";

async function until<T>(what: string, read: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe.each(PROVIDERS)("returns in the admin on %s", (provider) => {
  let stack: TestStack | undefined;
  let database: TestDatabase | undefined;
  let config: SandboxConfig;
  const shop = `kizuna-returns-${provider}.myshopify.com`;

  beforeAll(async () => {
    database = provider === "postgresql" ? await createTestDatabase("postgresql") : undefined;
    stack = await startStack(shop, { mail: true, webs: 2, ...(database ? { databaseUrl: database.url } : {}) });
    config = stack.config;
    // The first page load exchanges the session token (offline session) and starts the backfill.
    expect((await adminPage(config, "/returns")).status).toBe(200);
    await until("the backfill", async () => (await stack!.app.db.order.count({ where: { shop } })) >= 20, 60_000);
  }, 300_000);

  afterAll(async () => {
    await stack?.close();
    await database?.drop();
  });

  /** A form POST to a route's data URL on web process `web`, as the embedded admin sends it. */
  const post = (path: string, fields: Record<string, string>, web = 0) =>
    fetch(`${stack!.app.webUrls[web]}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "User-Agent": BROWSER_UA,
        Authorization: `Bearer ${issueSessionToken(config, { shop })}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(fields).toString(),
    });

  /** The mirrored order's id (the backfill may still be bringing it in). */
  const orderId = async (name: string) =>
    (await until(`order ${name}`, () => stack!.app.db.order.findFirst({ where: { shop, name }, select: { id: true } })))
      .id;

  /** A return made in Shopify's admin (the emulator's), mirrored by Kizuna from its webhooks. */
  async function returnMadeInShopify(orderName: string, reason = "size-too-small") {
    const made = await fetch(`${config.origin}/admin/sandbox/returns`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ shop, order: orderName, reason }),
    });
    expect(made.status).toBe(201);
    const { return: ret } = (await made.json()) as { return: { id: string; name: string } };
    const id = ret.id.split("/").pop()!;
    const row = await until("the mirrored return", () =>
      stack!.app.db.return.findUnique({ where: { shop_id: { shop, id } } }),
    );
    expect(row).toMatchObject({ status: "REQUESTED", orderId: await orderId(orderName), source: null });
    return { id, name: ret.name };
  }

  const shopifyReturn = (id: string) => stack!.sandbox.store.requireShop(shop).returns.get(id);
  const refundsOf = (order: string) =>
    [...stack!.sandbox.store.requireShop(shop).refunds.values()].filter((refund) => refund.orderId === order);

  it("lists a return made in Shopify's admin, and declines it with the reason in the customer's language", async () => {
    const ret = await returnMadeInShopify("#1016");
    const list = await (await adminPage(config, "/returns", "ja")).text();
    expect(list).toContain(ret.name);
    expect(list).toContain("Shopifyで作成");

    const declined = await post(`/app/returns/${ret.id}.data`, {
      intent: "decline",
      reason: "FINAL_SALE",
      note: "<b>セール品</b>のため",
    });
    expect(declined.status).toBe(200);
    expect(shopifyReturn(ret.id)?.status).toBe("DECLINED");
    expect(shopifyReturn(ret.id)?.decline?.note).toBe("<b>セール品</b>のため");
    // 伊藤 さくら reads Japanese: the reason in her words, the note as text.
    const mail = await stack!.sandbox.mail.waitFor((message) => /返品/.test(message.subject), 20_000);
    expect(mail.text).toContain("伊藤");
    expect(mail.html).toContain("&lt;b&gt;セール品&lt;/b&gt;");
    expect(mail.html).not.toContain("<b>セール品</b>");
    // Declined once: the same post again is refused by Shopify's state rules and changes nothing.
    const again = await post(`/app/returns/${ret.id}.data`, { intent: "decline", reason: "OTHER" });
    expect(again.status).toBe(409);
    expect(shopifyReturn(ret.id)?.decline?.reason).toBe("FINAL_SALE");
  });

  it("settles a return once from 50 concurrent posts over two web processes, for Shopify's suggested amount", async () => {
    const ret = await returnMadeInShopify("#1012");
    expect((await post(`/app/returns/${ret.id}.data`, { intent: "approve" }, 1)).status).toBe(200);
    expect(shopifyReturn(ret.id)?.status).toBe("OPEN");

    const page = await (await adminPage(config, `/returns/${ret.id}`)).text();
    const amount = /name="amount" value="(\d+)"/.exec(page)?.[1];
    const seen = /name="seen" value="(\d+)"/.exec(page)?.[1];
    expect(amount).toBeDefined();
    expect(seen).toBe("0");
    const order = await orderId("#1012");
    const before = refundsOf(order).length;

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        post(
          `/app/returns/${ret.id}.data`,
          { intent: "process", method: "original", restock: "1", amount: amount!, seen: seen! },
          index % 2,
        ).then((response) => response.status),
      ),
    );
    expect(answers.filter((status) => status >= 500)).toEqual([]);
    expect(answers.filter((status) => ![200, 202].includes(status))).toEqual([]);
    const refunds = refundsOf(order);
    expect(refunds).toHaveLength(before + 1);
    expect(refunds.at(-1)!.transactions.map((transaction) => transaction.amount)).toEqual([amount]);
    expect(await stack!.app.db.moneyAction.count({ where: { shop, returnId: ret.id } })).toBe(1);

    // The refund notice reaches the customer, once.
    await stack!.sandbox.mail.waitFor(
      (message) => /返金/.test(message.subject) && (message.text ?? "").includes("#1012"),
      20_000,
    );
  });

  it("answers bad input with a 400 and another shop's return with a 404, changing nothing", async () => {
    const ret = await returnMadeInShopify("#1001");
    const bad = await post(`/app/returns/${ret.id}.data`, {
      intent: "process",
      method: "original",
      restock: "1",
      amount: "1e3",
      seen: "0",
    });
    expect(bad.status).toBe(400);
    const unknownIntent = await post(`/app/returns/${ret.id}.data`, { intent: "refund-everything" });
    expect(unknownIntent.status).toBe(400);
    expect(shopifyReturn(ret.id)?.status).toBe("REQUESTED");

    await stack!.app.db.return.create({
      data: { shop: "another-shop.myshopify.com", id: "777001", status: "REQUESTED" },
    });
    expect((await adminPage(config, "/returns/777001")).status).toBe(404);
    expect((await post("/app/returns/777001.data", { intent: "approve" })).status).toBe(404);
    expect((await post("/app/returns/not-a-number.data", { intent: "approve" })).status).toBe(404);
    expect(await stack!.app.db.moneyAction.count({ where: { shop, returnId: ret.id } })).toBe(0);
  });
});
