// The Orders page's search, on both databases: by order number, email, phone
// and the customer's name in Japanese or English, the same answers whatever the
// letter case or width, and % and _ typed by the seller are literal characters,
// not wildcards.
import { afterAll, beforeAll, expect, it } from "vitest";
import { listOrders } from "../../app/orders/list-orders.server.ts";
import { fillMissingOrderSearch, refreshCustomerOrdersSearch } from "../../app/orders/order-search.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "kizuna-search.myshopify.com";

const ORDERS = [
  { id: "1", name: "#1001", email: "Hanako.Sato@Example.JP" },
  { id: "2", name: "#1002", email: "ken_tanaka@example.jp" },
  { id: "3", name: "#1003", email: "kenXtanaka@example.jp" },
  { id: "4", name: "#1004", email: "sale100%@example.jp" },
  { id: "5", name: "#1005", email: "sale1000@example.jp" },
  { id: "6", name: "#1006", email: "ÉMILE@example.fr" },
  { id: "7", name: "#1007", email: "k.tanaka@example.jp", customerId: "c-tanaka", phone: "+819012345678" },
  { id: "8", name: "#1008", email: "emma@example.com", customerId: "c-emma" },
];

const CUSTOMERS = [
  { id: "c-tanaka", firstName: "健太", lastName: "田中", locale: "ja", phone: "+819012345678" },
  { id: "c-emma", firstName: "Emma", lastName: "Wilson", locale: "en", phone: null },
];

describeEachDatabase("order search", (provider) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await database.db.order.createMany({
      data: ORDERS.map((order, index) => ({
        shop: SHOP,
        ...order,
        currency: "JPY",
        totalPrice: "1000",
        shopifyCreatedAt: new Date(Date.UTC(2026, 0, 1 + index)),
        shopifyUpdatedAt: new Date(Date.UTC(2026, 0, 1 + index)),
      })),
    });
    await database.db.customer.createMany({ data: CUSTOMERS.map((customer) => ({ shop: SHOP, ...customer })) });
    // Written without the projections, as rows from before the search text existed: the worker's fill.
    expect(await fillMissingOrderSearch(database.db, { pageSize: 3 })).toBe(ORDERS.length);
  });

  afterAll(async () => {
    await database.drop();
  });

  const found = async (search: string) =>
    (await listOrders(database.db, SHOP, { search })).orders.map((order) => order.name).sort();

  it("ignores letter case in emails and order names", async () => {
    expect(await found("hanako.sato@example.jp")).toEqual(["#1001"]);
    expect(await found("HANAKO")).toEqual(["#1001"]);
    expect(await found("KEN_TANAKA")).toEqual(["#1002"]);
  });

  it("ignores letter case beyond ASCII, and full-width letters", async () => {
    expect(await found("émile")).toEqual(["#1006"]);
    expect(await found("ÉMILE")).toEqual(["#1006"]);
    expect(await found("ＨＡＮＡＫＯ")).toEqual(["#1001"]);
  });

  it("finds the customer's name in Japanese, in either order, with or without a space", async () => {
    expect(await found("田中")).toEqual(["#1007"]);
    expect(await found("田中健太")).toEqual(["#1007"]);
    expect(await found("田中 健太")).toEqual(["#1007"]);
    expect(await found("健太 田中")).toEqual(["#1007"]);
    expect(await found("wilson")).toEqual(["#1008"]);
    expect(await found("Emma Wilson")).toEqual(["#1008"]);
  });

  it("finds a phone number as the seller types it, and an order by its number", async () => {
    expect(await found("090-1234-5678")).toEqual(["#1007"]);
    expect(await found("+81 90 1234 5678")).toEqual(["#1007"]);
    expect(await found("1007")).toEqual(["#1007"]);
    expect(await found("#1003")).toEqual(["#1003"]);
  });

  it("follows a renamed customer: the old name is not found any more", async () => {
    await database.db.customer.update({
      where: { shop_id: { shop: SHOP, id: "c-emma" } },
      data: { lastName: "Stone" },
    });
    expect(await refreshCustomerOrdersSearch(database.db, SHOP, "c-emma")).toBe(1);
    expect(await found("wilson")).toEqual([]);
    expect(await found("emma stone")).toEqual(["#1008"]);
  });

  it("takes % and _ literally", async () => {
    expect(await found("ken_tanaka")).toEqual(["#1002"]);
    expect(await found("100%")).toEqual(["#1004"]);
    expect(await found("%")).toEqual(["#1004"]);
    expect(await found("_")).toEqual(["#1002"]);
  });

  it("counts what it finds", async () => {
    const page = await listOrders(database.db, SHOP, { search: "EXAMPLE.JP" });
    expect(page.total).toBe(6);
  });
});
