// The order page's one statement (app/storefront/order-page-read.server.ts)
// finds every part through an index on the order: no part walks the shop's
// rows (SQLite turns an ORDER BY on a (shop, id) key into exactly that walk,
// which made the page 300× slower at 200,000 orders), and it reads back the
// same rows the Prisma client wrote, on both databases.
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlitePath } from "../../app/db.server.ts";
import { closeHotReader } from "../../app/database/hot-reads.server.ts";
import { orderPageStatement, readOrderPage } from "../../app/storefront/order-page-read.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "read-test.myshopify.com";
const OTHER = "other-read-test.myshopify.com";

describeEachDatabase("the order page's statement", (provider) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(provider);
    const { db } = test;
    const at = new Date("2026-11-20T03:04:05.678Z");
    await db.shop.create({ data: { domain: SHOP, name: "Kizuna Tea", timezone: "Asia/Tokyo", locale: "ja" } });
    await db.customer.create({ data: { shop: SHOP, id: "c1", firstName: "花子", lastName: "山田", locale: "ja" } });
    for (const shop of [SHOP, OTHER])
      await db.order.create({
        data: {
          shop,
          id: "o1",
          name: shop === SHOP ? "#1001" : "#9999",
          customerId: "c1",
          currency: "JPY",
          totalPrice: "6600",
          shopifyCreatedAt: at,
          shopifyUpdatedAt: at,
        },
      });
    await db.lineItem.createMany({
      data: [
        { shop: SHOP, id: "l2", orderId: "o1", title: "Sencha", quantity: 1, price: "3300" },
        { shop: SHOP, id: "l1", orderId: "o1", title: "Matcha", quantity: 1, price: "3300" },
        { shop: OTHER, id: "l3", orderId: "o1", title: "Other shop's", quantity: 1, price: "1" },
      ],
    });
    await db.fulfillment.create({
      data: { shop: SHOP, id: "f1", orderId: "o1", status: "success", trackingCompany: "Yamato", shopifyCreatedAt: at },
    });
    await db.fulfillmentEvent.create({
      data: { shop: SHOP, id: "e1", fulfillmentId: "f1", orderId: "o1", status: "in_transit", happenedAt: at },
    });
    await db.returnPolicy.create({ data: { shop: SHOP, windowDays: 14, allowCancel: false, autoApprove: true } });
  });
  afterAll(async () => {
    await closeHotReader(test.db);
    await test.drop();
  });

  it("reads the shop, the order and its parts, and nothing of another shop", async () => {
    const page = await readOrderPage(test.db, SHOP, "o1");
    expect(page).not.toBeNull();
    expect(page!.shop).toEqual({ name: "Kizuna Tea", locale: "ja", timezone: "Asia/Tokyo", installed: true });
    expect(page!.order).toMatchObject({ name: "#1001", totalPrice: "6600", currency: "JPY", cancelledAt: null });
    expect(page!.order.shopifyCreatedAt.toISOString()).toBe("2026-11-20T03:04:05.678Z");
    expect(page!.customer).toEqual({ firstName: "花子", lastName: "山田", locale: "ja" });
    expect(page!.items.map((item) => item.title)).toEqual(["Matcha", "Sencha"]);
    expect(page!.fulfillments[0]).toMatchObject({ id: "f1", trackingCompany: "Yamato" });
    expect(page!.scans[0]!.happenedAt!.toISOString()).toBe("2026-11-20T03:04:05.678Z");
    expect(page!.policy).toMatchObject({ windowDays: 14, allowCancel: false, autoApprove: true, offerRefund: true });
    expect(await readOrderPage(test.db, SHOP, "nope")).toBeNull();
    const other = await readOrderPage(test.db, OTHER, "o1");
    expect(other!.items.map((item) => item.title)).toEqual(["Other shop's"]);
    expect(other!.shop.installed).toBe(false);
  });

  if (provider === "sqlite")
    it("finds every part by an index on the order, never by the shop alone", () => {
      const { sql, params } = orderPageStatement("sqlite");
      const sqlite = new Database(sqlitePath(test.url), { readonly: true });
      const plan = sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql.replace(/\$\d+/g, "?")}`)
        .all(...params.map((param) => (param === "shop" ? SHOP : "o1"))) as { detail: string }[];
      sqlite.close();
      const reads = plan.map((step) => step.detail).filter((detail) => /^(SEARCH|SCAN) (?!CONSTANT|\()/.test(detail));
      expect(reads.length).toBeGreaterThan(10);
      for (const read of reads) {
        expect(read, read).toMatch(/^SEARCH/);
        // A search of a table keyed (shop, …) on its shop alone walks the whole shop.
        // A shop's own settings and its few self-help answers are found by the shop alone.
        if (!/^SEARCH (Shop|ReturnPolicy|SelfHelpAnswer) /.test(read)) expect(read, read).toMatch(/\(shop=\? AND /);
      }
    });
});
