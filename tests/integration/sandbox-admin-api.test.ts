// The sandbox's Admin API emulator over real HTTP, driven by the app's own
// client (AdminApi) and by @shopify/shopify-api's token exchange: every
// operation the app sends is answered against the seeded demo shop, invalid
// operations get Shopify's error shape, the leaky bucket throttles, refunds
// need @idempotent, and mutations emit signed webhooks.
import { createHmac } from "node:crypto";
import { readdirSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { LosslessNumber, parse as parseLossless } from "lossless-json";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CustomersQuery } from "../../app/graphql/customers.ts";
import { ordersSinceFilter } from "../../app/graphql/orders.ts";
import { InventoryLevelsQuery } from "../../app/graphql/products.ts";
import { RefundCreateMutation } from "../../app/graphql/refunds.ts";
import { ShopQuery } from "../../app/graphql/shop.ts";
import { AdminApi, AdminApiError, clearAdminApiState } from "../../app/shopify/admin-api.server.ts";
import type { SandboxConfig, SandboxHandler } from "../../sandbox/http.ts";
import { createAdminApiHandler, sessionTokenFor } from "../../sandbox/admin-api/index.ts";
import { createSandboxStore, gid, type SandboxStore, type ShopData } from "../../sandbox/store/index.ts";
import { DEMO_SHOP, seedDemoShop, type Scenario, type SeedSummary } from "../../sandbox/store/seed.ts";
import { emitterFor } from "../../sandbox/webhooks/emitter.ts";

const API_VERSION = "2026-07";
const API_KEY = "sandbox-test-api-key";
const API_SECRET = "sandbox-test-api-secret";
const NOW = new Date();

interface Running {
  origin: string;
  close(): Promise<void>;
}

async function listen(handle: SandboxHandler): Promise<Running> {
  const server: Server = createServer((request, response) => {
    void Promise.resolve(handle(request, response, new URL(request.url ?? "/", "http://127.0.0.1"))).then((handled) => {
      if (!handled) {
        response.writeHead(404);
        response.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function configFor(appUrl = "http://127.0.0.1:9"): SandboxConfig {
  return { origin: "", appUrl, apiKey: API_KEY, apiSecret: API_SECRET, shop: DEMO_SHOP, apiVersion: API_VERSION };
}

function seeded(): { store: SandboxStore; summary: SeedSummary; data: ShopData } {
  const store = createSandboxStore();
  const summary = seedDemoShop(store, DEMO_SHOP, NOW);
  return { store, summary, data: store.requireShop(DEMO_SHOP) };
}

function orderOf(summary: SeedSummary, scenario: Scenario): string {
  const order = summary.orders.find((candidate) => candidate.scenario === scenario);
  if (!order) throw new Error(`the seed has no ${scenario} order`);
  return order.id;
}

async function post(origin: string, token: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${origin}/admin/api/${API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeEach(() => clearAdminApiState());

describe("Admin API emulator: the app's operations against the seeded demo shop", () => {
  let store: SandboxStore;
  let summary: SeedSummary;
  let data: ShopData;
  let running: Running;
  let api: AdminApi;
  let token: string;

  beforeAll(async () => {
    ({ store, summary, data } = seeded());
    running = await listen(createAdminApiHandler(store, configFor()));
    token = store.issueAccessToken(DEMO_SHOP);
    api = new AdminApi({ shop: DEMO_SHOP, accessToken: token, origin: running.origin });
  });
  afterAll(() => running.close());

  it("rejects a misspelled field in Shopify's error shape, without data", async () => {
    const { status, body } = await post(running.origin, token, "query Shop {\n  shop {\n    nmae\n  }\n}");
    expect(status).toBe(200);
    expect(body).toEqual({
      errors: [
        {
          message: "Field 'nmae' doesn't exist on type 'Shop'",
          locations: [{ line: 3, column: 5 }],
          path: ["query Shop", "shop", "nmae"],
          extensions: { code: "undefinedField", typeName: "Shop", fieldName: "nmae" },
        },
      ],
    });
    await expect(api.request("query Shop { shop { nmae } }")).rejects.toThrow(
      "Field 'nmae' doesn't exist on type 'Shop'",
    );
  });

  it("answers parse errors, unknown arguments and missing arguments the way Shopify words them", async () => {
    const parsed = await post(running.origin, token, "query { shop { name }");
    expect(parsed.body).toEqual({
      errors: [{ message: "Unexpected end of document", locations: [{ line: 1, column: 22 }] }],
    });
    const unknown = await post(running.origin, token, "query { orders(frist: 5) { nodes { id } } }");
    expect((unknown.body.errors as Record<string, unknown>[])[0]).toMatchObject({
      message: "Field 'orders' doesn't accept argument 'frist'",
      path: ["query", "orders", "frist"],
      extensions: { code: "argumentNotAccepted", name: "orders", argumentName: "frist" },
    });
    const missing = await post(running.origin, token, "query { order { id } }");
    expect((missing.body.errors as Record<string, unknown>[])[0]).toMatchObject({
      message: "Field 'order' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });
  });

  it("refuses an unknown access token, and answers 404 for an API version it does not serve", async () => {
    const refused = await post(running.origin, "shpat_not_a_token", ShopQuery);
    expect(refused).toEqual({
      status: 401,
      body: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
    });
    const other = await fetch(`${running.origin}/admin/api/2024-01/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: ShopQuery }),
    });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ errors: "Not Found" });
  });

  it("answers every operation in app/graphql/*.ts with data and no errors", async () => {
    const orderGid = (scenario: Scenario) => gid("Order", orderOf(summary, scenario));
    const deliveredRecently = orderOf(summary, "delivered-recently");
    const results: Record<string, Record<string, unknown>> = {};
    // Each operation with the variables it runs with, in an order where later steps use earlier answers.
    const steps: { name: string; variables: () => Record<string, unknown> | undefined }[] = [
      { name: "ShopQuery", variables: () => undefined },
      { name: "CustomersQuery", variables: () => ({ first: 100 }) },
      { name: "CustomerQuery", variables: () => ({ id: gid("Customer", first([...data.customers.keys()][0])) }) },
      { name: "OrdersBackfillQuery", variables: () => ({ first: 5, query: ordersSinceFilter(60, NOW) }) },
      { name: "OrderQuery", variables: () => ({ id: orderGid("in-transit") }) },
      {
        name: "FulfillmentOrderOrderQuery",
        variables: () => ({
          id: gid("FulfillmentOrder", first(data.fulfillmentOrdersOf(orderOf(summary, "in-transit"))[0]).id),
        }),
      },
      { name: "ProductVariantsQuery", variables: () => ({ first: 100 }) },
      {
        name: "InventoryLevelsQuery",
        variables: () => ({ inventoryItemIds: [...data.inventoryItems.keys()].map((id) => gid("InventoryItem", id)) }),
      },
      { name: "WebhookSubscriptionsQuery", variables: () => ({ first: 10 }) },
      { name: "ReturnableFulfillmentsQuery", variables: () => ({ orderId: gid("Order", deliveredRecently) }) },
      {
        name: "ReturnRequestMutation",
        variables: () => {
          const returnable = results.ReturnableFulfillmentsQuery as {
            returnableFulfillments: {
              nodes: { returnableFulfillmentLineItems: { nodes: { fulfillmentLineItem: { id: string } }[] } }[];
            };
          };
          const line = first(first(returnable.returnableFulfillments.nodes[0]).returnableFulfillmentLineItems.nodes[0]);
          return {
            input: {
              orderId: gid("Order", deliveredRecently),
              returnLineItems: [
                { fulfillmentLineItemId: line.fulfillmentLineItem.id, quantity: 1, customerNote: "Too much tea" },
              ],
            },
          };
        },
      },
      {
        name: "ReturnApproveRequestMutation",
        variables: () => ({ input: { id: returnIn(results.ReturnRequestMutation, "returnRequest").id } }),
      },
      {
        name: "ReturnProcessMutation",
        variables: () => {
          const ret = returnIn(results.ReturnApproveRequestMutation, "returnApproveRequest");
          const sale = first(data.requireOrder(deliveredRecently).transactions[0]);
          return {
            input: {
              returnId: ret.id,
              returnLineItems: [{ id: first(ret.returnLineItems.nodes[0]).id, quantity: 1 }],
              financialTransfer: {
                issueRefund: {
                  orderTransactions: [
                    {
                      parentId: gid("OrderTransaction", sale.id),
                      transactionAmount: { amount: "1800", currencyCode: "JPY" },
                    },
                  ],
                },
              },
            },
          };
        },
      },
      {
        name: "ReturnCloseMutation",
        variables: () => ({ id: returnIn(results.ReturnProcessMutation, "returnProcess").id }),
      },
      {
        name: "ReturnDeclineRequestMutation",
        variables: () => {
          const requested = first(data.returnsOf(orderOf(summary, "return-requested"))[0]);
          return {
            input: {
              id: gid("Return", requested.id),
              declineReason: "RETURN_PERIOD_ENDED",
              declineNote: "Over 30 days",
            },
          };
        },
      },
      {
        name: "ReturnCreateMutation",
        variables: () => {
          const fulfillment = first(data.fulfillmentsOf(orderOf(summary, "delivered-long-ago"))[0]);
          const line = first(fulfillment.lines[0]);
          return {
            returnInput: {
              orderId: orderGid("delivered-long-ago"),
              returnLineItems: [{ fulfillmentLineItemId: gid("FulfillmentLineItem", line.id), quantity: 1 }],
            },
          };
        },
      },
      {
        name: "RefundCreateMutation",
        variables: () => {
          const order = data.requireOrder(orderOf(summary, "attempted-delivery"));
          return {
            idempotencyKey: "refund-every-operation-test",
            input: {
              orderId: gid("Order", order.id),
              note: "Sorry for the missed delivery",
              shipping: { amount: "800" },
              transactions: [
                {
                  orderId: gid("Order", order.id),
                  gateway: "shopify_payments",
                  kind: "REFUND",
                  amount: "800",
                  parentId: gid("OrderTransaction", first(order.transactions[0]).id),
                },
              ],
            },
          };
        },
      },
      // Returns, refunds and cancellation (app/graphql/returns.ts, orders.ts).
      { name: "ShopLocalesQuery", variables: () => undefined },
      { name: "ReturnReasonDefinitionsQuery", variables: () => ({ first: 20 }) },
      {
        name: "ReturnQuery",
        variables: () => ({ id: gid("Return", first(data.returnsOf(orderOf(summary, "return-open"))[0]).id) }),
      },
      {
        name: "ReturnSuggestedOutcomeQuery",
        variables: () => {
          const ret = first(data.returnsOf(orderOf(summary, "return-open"))[0]);
          return {
            id: gid("Return", ret.id),
            returnLineItems: [{ id: gid("ReturnLineItem", first(ret.lines[0]).id), quantity: 1 }],
            exchangeLineItems: [],
            refundMethodAllocation: "STORE_CREDIT",
          };
        },
      },
      { name: "OrderSuggestedRefundQuery", variables: () => ({ id: orderGid("refundable"), suggestFullRefund: true }) },
      {
        name: "ReverseDeliveryCreateWithShippingMutation",
        variables: () => {
          const rfo = first(first(data.returnsOf(orderOf(summary, "return-open"))[0]).reverseFulfillmentOrders[0]);
          return {
            reverseFulfillmentOrderId: gid("ReverseFulfillmentOrder", rfo.id),
            reverseDeliveryLineItems: [
              {
                reverseFulfillmentOrderLineItemId: gid("ReverseFulfillmentOrderLineItem", first(rfo.lines[0]).id),
                quantity: 1,
              },
            ],
            trackingInput: {
              number: "360012345678",
              url: "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=360012345678",
            },
            labelInput: { fileUrl: "https://labels.example/return.pdf" },
          };
        },
      },
      {
        name: "ReverseFulfillmentOrderQuery",
        variables: () => ({
          id: gid(
            "ReverseFulfillmentOrder",
            first(first(data.returnsOf(orderOf(summary, "return-open"))[0]).reverseFulfillmentOrders[0]).id,
          ),
        }),
      },
      {
        name: "ReturnCancelMutation",
        variables: () => ({ id: gid("Return", first(data.returnsOf(orderOf(summary, "return-exchange"))[0]).id) }),
      },
      {
        name: "ReturnReopenMutation",
        variables: () => ({ id: returnIn(results.ReturnCloseMutation, "returnClose").id }),
      },
      {
        name: "OrderCancelMutation",
        variables: () => ({
          orderId: orderGid("cancellable"),
          reason: "CUSTOMER",
          restock: false,
          refundMethod: { originalPaymentMethodsRefund: true },
        }),
      },
      {
        name: "StoreCreditAccountCreditMutation",
        variables: () => ({
          id: gid("Customer", data.requireOrder(orderOf(summary, "refundable")).customerId ?? ""),
          creditInput: { creditAmount: { amount: "300", currencyCode: "JPY" }, notify: false },
        }),
      },
      {
        name: "JobQuery",
        variables: () => ({
          id: (results.OrderCancelMutation as { orderCancel: { job: { id: string } } }).orderCancel.job.id,
        }),
      },
    ];
    const operations = await appOperations();
    expect(steps.map((step) => step.name).sort()).toEqual([...operations.keys()].sort());
    for (const step of steps) {
      const source = operations.get(step.name) as string;
      const answer = await api.request<Record<string, unknown>>(source, step.variables());
      expect(answer.data, step.name).toBeTruthy();
      expect(
        Object.values(answer.data).every((value) => value !== null),
        step.name,
      ).toBe(true);
      expect(answer.cost?.requestedQueryCost, step.name).toBeGreaterThan(0);
      results[step.name] = answer.data;
    }

    const orders = results.OrdersBackfillQuery as { orders: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } };
    expect(orders.orders.nodes).toHaveLength(5);
    expect(orders.orders.pageInfo.hasNextPage).toBe(true);
    const closed = returnIn(results.ReturnCloseMutation, "returnClose");
    expect(closed.status).toBe("CLOSED");
    expect(data.refundsOf(deliveredRecently)).toHaveLength(1);
  });

  it("pages through every order of the last 60 days with real cursors", async () => {
    const { OrdersBackfillQuery } = await import("../../app/graphql/orders.ts");
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { data: answer }: { data: OrdersPage } = await api.request<OrdersPage>(OrdersBackfillQuery, {
        first: 5,
        after,
        query: ordersSinceFilter(60, NOW),
      });
      names.push(...answer.orders.nodes.map((order) => order.name));
      if (!answer.orders.pageInfo.hasNextPage) break;
      after = answer.orders.pageInfo.endCursor;
    }
    expect(names).toEqual(summary.orders.map((order) => order.name));
    const recent = await api.request<OrdersPage>(OrdersBackfillQuery, { first: 5, query: ordersSinceFilter(1, NOW) });
    expect(recent.data.orders.nodes.length).toBeGreaterThan(0);
    expect(recent.data.orders.nodes.length).toBeLessThan(summary.orders.length);
  });

  it("rejects a query above 1,000 points with MAX_COST_EXCEEDED, without running it", async () => {
    const { body } = await post(
      running.origin,
      token,
      "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }",
    );
    expect((body.errors as Record<string, unknown>[])[0]).toMatchObject({
      extensions: { code: "MAX_COST_EXCEEDED", maxCost: 1000 },
    });
    expect(body.data).toBeUndefined();
  });

  it("answers nothing about another shop's records", async () => {
    const otherSummary = seedDemoShop(store, "other-shop.myshopify.com", NOW);
    const otherOrder = gid("Order", first(otherSummary.orders[0]).id);
    const { data: answer } = await api.request<{ order: unknown }>("query($id: ID!) { order(id: $id) { id } }", {
      id: otherOrder,
    });
    expect(answer.order).toBeNull();
    const otherApi = new AdminApi({
      shop: "other-shop.myshopify.com",
      accessToken: store.issueAccessToken("other-shop.myshopify.com"),
      origin: running.origin,
    });
    const own = await otherApi.request<{ order: { id: string } }>("query($id: ID!) { order(id: $id) { id } }", {
      id: otherOrder,
    });
    expect(own.data.order.id).toBe(otherOrder);
  });
});

interface OrdersPage {
  orders: { nodes: { name: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

interface ReturnNode {
  id: string;
  status: string;
  returnLineItems: { nodes: { id: string }[] };
}

/** The return a returns mutation answered with. */
function returnIn(answer: Record<string, unknown> | undefined, field: string): ReturnNode {
  return first(answer?.[field] as { return: ReturnNode } | undefined).return;
}

function first<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("expected a value");
  return value;
}

/** Every *Query / *Mutation string exported by app/graphql/*.ts (as the operations unit test finds them). */
async function appOperations(): Promise<Map<string, string>> {
  const dir = fileURLToPath(new URL("../../app/graphql/", import.meta.url));
  const operations = new Map<string, string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ts") && !name.endsWith(".server.ts"))) {
    const module: Record<string, unknown> = await import(pathToFileURL(dir + file).href);
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "string" && /(Query|Mutation)$/.test(name)) operations.set(name, value);
    }
  }
  return operations;
}

describe("Admin API emulator: the leaky bucket", () => {
  it("throttles a burst; the app's client waits and every request succeeds", async () => {
    const { store } = seeded();
    const handler = createAdminApiHandler(store, configFor(), { maximumAvailable: 100, restoreRate: 400 });
    const running = await listen(handler);
    try {
      const api = new AdminApi({
        shop: DEMO_SHOP,
        accessToken: store.issueAccessToken(DEMO_SHOP),
        origin: running.origin,
      });
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          api.request<{ customers: { nodes: unknown[] } }>(CustomersQuery, { first: 10 }),
        ),
      );
      expect(answers.every((answer) => answer.data.customers.nodes.length === 10)).toBe(true);
      expect(handler.stats.throttled).toBeGreaterThanOrEqual(1);
      expect(handler.stats.requests).toBe(12 + handler.stats.throttled);
      const last = answers.at(-1)?.cost;
      expect(last?.throttleStatus).toMatchObject({ maximumAvailable: 100, restoreRate: 400 });
    } finally {
      await running.close();
    }
  });

  it("answers THROTTLED in Shopify's shape when the bucket cannot pay for a query", async () => {
    const { store } = seeded();
    const running = await listen(createAdminApiHandler(store, configFor(), { maximumAvailable: 30, restoreRate: 1 }));
    try {
      const token = store.issueAccessToken(DEMO_SHOP);
      const query = "{ customers(first: 10) { nodes { id defaultAddress { city } } } }";
      const firstAnswer = await post(running.origin, token, query);
      expect(firstAnswer.body.errors).toBeUndefined();
      const second = await post(running.origin, token, query);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
        extensions: {
          cost: { requestedQueryCost: 22, actualQueryCost: null, throttleStatus: { maximumAvailable: 30 } },
        },
      });
      expect(second.body.data).toBeUndefined();
    } finally {
      await running.close();
    }
  });
});

describe("Admin API emulator: refundCreate needs @idempotent", () => {
  let store: SandboxStore;
  let summary: SeedSummary;
  let data: ShopData;
  let running: Running;
  let api: AdminApi;
  let token: string;

  beforeAll(async () => {
    ({ store, summary, data } = seeded());
    running = await listen(createAdminApiHandler(store, configFor()));
    token = store.issueAccessToken(DEMO_SHOP);
    api = new AdminApi({ shop: DEMO_SHOP, accessToken: token, origin: running.origin });
  });
  afterAll(() => running.close());

  function refundInput(orderId: string, amount: string) {
    const order = data.requireOrder(orderId);
    const item = first(order.lineItems[0]);
    return {
      orderId: gid("Order", order.id),
      note: "Damaged on arrival",
      refundLineItems: [{ lineItemId: gid("LineItem", item.id), quantity: 1, restockType: "NO_RESTOCK" }],
      transactions: [
        {
          orderId: gid("Order", order.id),
          gateway: "shopify_payments",
          kind: "REFUND",
          amount,
          parentId: gid("OrderTransaction", first(order.transactions[0]).id),
        },
      ],
    };
  }

  it("fails without @idempotent and refunds nothing", async () => {
    const orderId = orderOf(summary, "delivered-recently");
    const withoutKey = RefundCreateMutation.replace("@idempotent(key: $idempotencyKey)", "").replace(
      ", $idempotencyKey: String!",
      "",
    );
    const { status, body } = await post(running.origin, token, withoutKey, { input: refundInput(orderId, "1800") });
    expect(status).toBe(200);
    expect(body.data).toEqual({ refundCreate: null });
    const errors = body.errors as { message: string; path: string[]; extensions: { code: string } }[];
    expect(errors[0]?.message).toContain("@idempotent");
    expect(errors[0]?.path).toEqual(["refundCreate"]);
    expect(data.refundsOf(orderId)).toHaveLength(0);
    await expect(api.request(withoutKey, { input: refundInput(orderId, "1800") })).rejects.toBeInstanceOf(
      AdminApiError,
    );
    expect(data.refundsOf(orderId)).toHaveLength(0);
  });

  it("refunds once when the same key is sent twice, answering the first refund again", async () => {
    const orderId = orderOf(summary, "delivered-recently");
    const variables = { input: refundInput(orderId, "1800"), idempotencyKey: "return-42-refund" };
    type Answer = { refundCreate: { refund: { id: string; totalRefundedSet: { shopMoney: { amount: string } } } } };
    const firstAnswer = await api.request<Answer>(RefundCreateMutation, variables);
    const second = await api.request<Answer>(RefundCreateMutation, variables);
    expect(second.data.refundCreate.refund.id).toBe(firstAnswer.data.refundCreate.refund.id);
    expect(firstAnswer.data.refundCreate.refund.totalRefundedSet.shopMoney.amount).toBe("1800");
    expect(data.refundsOf(orderId)).toHaveLength(1);
    const order = await api.request<{ order: { displayFinancialStatus: string } }>(
      "query($id: ID!) { order(id: $id) { displayFinancialStatus } }",
      { id: gid("Order", orderId) },
    );
    expect(order.data.order.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
  });

  it("refuses a key reused with other parameters, and a refund above what was paid", async () => {
    const orderId = orderOf(summary, "delivered-recently");
    await expect(
      api.request(RefundCreateMutation, { input: refundInput(orderId, "100"), idempotencyKey: "return-42-refund" }),
    ).rejects.toThrow("different parameters");
    await expect(
      api.request(RefundCreateMutation, { input: refundInput(orderId, "999999"), idempotencyKey: "too-much" }),
    ).rejects.toThrow("refundable amount");
    expect(data.refundsOf(orderId)).toHaveLength(1);
  });
});

describe("Admin API emulator: token exchange", () => {
  let store: SandboxStore;
  let running: Running;

  beforeAll(async () => {
    ({ store } = seeded());
    running = await listen(createAdminApiHandler(store, configFor()));
    // What the app does in sandbox mode: https://<shop>/… goes to the sandbox, naming the shop in a header.
    setAbstractFetchFunc(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!url.hostname.endsWith(".myshopify.com")) return abstractFetch(input, init);
      const headers = new Headers(init?.headers);
      headers.set("X-Sandbox-Shop", url.hostname);
      return fetch(`${running.origin}${url.pathname}${url.search}`, { ...init, headers });
    });
  });
  afterAll(() => running.close());

  const shopify = () =>
    shopifyApi({
      apiKey: API_KEY,
      apiSecretKey: API_SECRET,
      apiVersion: ApiVersion.July26,
      hostName: "localhost:3000",
      isEmbeddedApp: true,
      scopes: ["read_orders"],
      logger: { level: LogSeverity.Error },
    });

  async function exchange(body: Record<string, string>, shopHeader = DEMO_SHOP) {
    const response = await fetch(`${running.origin}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Sandbox-Shop": shopHeader },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const exchangeBody = (sessionToken: string) => ({
    client_id: API_KEY,
    client_secret: API_SECRET,
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: sessionToken,
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    expiring: "0",
  });

  it("gives @shopify/shopify-api an expiring offline token that works for GraphQL, and refreshes it", async () => {
    const api = shopify();
    const sessionToken = sessionTokenFor({ shop: DEMO_SHOP, apiKey: API_KEY, apiSecret: API_SECRET });
    const { session } = await api.auth.tokenExchange({
      shop: DEMO_SHOP,
      sessionToken,
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session.isOnline).toBe(false);
    expect(session.expires?.getTime()).toBeGreaterThan(Date.now());
    expect(session.refreshToken).toMatch(/^shprt_/);
    const admin = new AdminApi({ shop: DEMO_SHOP, accessToken: session.accessToken ?? "", origin: running.origin });
    const shop = await admin.request<{ shop: { myshopifyDomain: string } }>(ShopQuery);
    expect(shop.data.shop.myshopifyDomain).toBe(DEMO_SHOP);

    const refreshed = await api.auth.refreshToken({ shop: DEMO_SHOP, refreshToken: session.refreshToken ?? "" });
    expect(refreshed.session.accessToken).not.toBe(session.accessToken);
    const again = new AdminApi({
      shop: DEMO_SHOP,
      accessToken: refreshed.session.accessToken ?? "",
      origin: running.origin,
    });
    expect((await again.request<{ shop: { name: string } }>(ShopQuery)).data.shop.name).toBe("Kizuna Demo Store");
    await expect(
      api.auth.refreshToken({ shop: DEMO_SHOP, refreshToken: session.refreshToken ?? "" }),
    ).rejects.toThrow();
  });

  it("gives an online token with the staff member it acts for", async () => {
    const sessionToken = sessionTokenFor({ shop: DEMO_SHOP, apiKey: API_KEY, apiSecret: API_SECRET, userId: "42" });
    const { session } = await shopify().auth.tokenExchange({
      shop: DEMO_SHOP,
      sessionToken,
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(42);
  });

  it("refuses a forged session token, an expired one, one for another shop, and a wrong client secret", async () => {
    const forged = sessionTokenFor({ shop: DEMO_SHOP, apiKey: API_KEY, apiSecret: "not-the-secret" });
    expect(await exchange(exchangeBody(forged))).toMatchObject({
      status: 400,
      body: { error: "invalid_subject_token" },
    });

    const expired = sessionTokenFor({
      shop: DEMO_SHOP,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      now: new Date(Date.now() - 5 * 60 * 1000),
    });
    const answer = await exchange(exchangeBody(expired));
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(String(answer.body.error_description)).toContain("expired");

    const valid = sessionTokenFor({ shop: DEMO_SHOP, apiKey: API_KEY, apiSecret: API_SECRET });
    expect(await exchange(exchangeBody(valid), "someone-else.myshopify.com")).toMatchObject({ status: 400 });
    expect(await exchange({ ...exchangeBody(valid), client_secret: "wrong" })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    const ok = await exchange(exchangeBody(valid));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ access_token: expect.stringMatching(/^shpat_/), scope: expect.any(String) });
  });
});

describe("Admin API emulator: mutations emit signed webhooks", () => {
  let received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  let receiver: Running;
  let store: SandboxStore;
  let summary: SeedSummary;
  let data: ShopData;
  let emitter: ReturnType<typeof emitterFor>;
  let running: Running;
  let api: AdminApi;

  beforeAll(async () => {
    receiver = await listen(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(200);
      response.end();
      return true;
    });
    ({ store, summary, data } = seeded());
    emitter = emitterFor(configFor(receiver.origin));
    running = await listen(createAdminApiHandler(store, configFor(receiver.origin), { emit: emitter }));
    api = new AdminApi({ shop: DEMO_SHOP, accessToken: store.issueAccessToken(DEMO_SHOP), origin: running.origin });
  });
  afterAll(async () => {
    await running.close();
    await receiver.close();
  });
  beforeEach(() => {
    received = [];
  });

  const topics = () => received.map((delivery) => String(delivery.headers["x-shopify-topic"])).sort();

  it("inventoryAdjustQuantities sends inventory_levels/update and products/update, signed with the app secret", async () => {
    const indigo = first([...data.variants.values()].find((variant) => variant.sku === "KZ-MUG-IND"));
    const tokyo = first([...data.locations.values()][0]);
    const mutation = `#graphql
      mutation Restock($input: InventoryAdjustQuantitiesInput!, $key: String!) {
        inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
          inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
          userErrors { field message code }
        }
      }`;
    const input = {
      name: "available",
      reason: "restock",
      changes: [
        {
          delta: 5,
          inventoryItemId: gid("InventoryItem", indigo.inventoryItemId),
          locationId: gid("Location", tokyo.id),
        },
      ],
    };
    const answer = await api.request<{
      inventoryAdjustQuantities: { inventoryAdjustmentGroup: { changes: { quantityAfterChange: number }[] } };
    }>(mutation, { input, key: "restock-indigo-1" });
    expect(answer.data.inventoryAdjustQuantities.inventoryAdjustmentGroup.changes[0]?.quantityAfterChange).toBe(5);
    await emitter.flush();

    expect(received.map((delivery) => delivery.headers["x-shopify-topic"]).sort()).toEqual([
      "inventory_levels/update",
      "products/update",
    ]);
    for (const delivery of received) {
      const expected = createHmac("sha256", API_SECRET).update(delivery.body).digest("base64");
      expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(expected);
      expect(delivery.headers["x-shopify-shop-domain"]).toBe(DEMO_SHOP);
      expect(delivery.headers["x-shopify-api-version"]).toBe(API_VERSION);
      expect(delivery.headers["x-shopify-event-id"]).toBeTruthy();
      expect(delivery.headers["x-shopify-webhook-id"]).toBeTruthy();
    }
    const level = received.find((delivery) => delivery.headers["x-shopify-topic"] === "inventory_levels/update");
    const payload = parseLossless(level?.body.toString("utf8") ?? "{}") as Record<string, unknown>;
    // The inventory item id is above 2^53 and arrives with every digit.
    expect(payload.inventory_item_id).toEqual(new LosslessNumber(indigo.inventoryItemId));
    expect(BigInt(indigo.inventoryItemId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(payload.available).toEqual(new LosslessNumber("5"));

    // Same key again: nothing changes and nothing more is sent.
    await api.request(mutation, { input, key: "restock-indigo-1" });
    await emitter.flush();
    expect(received).toHaveLength(2);
    const levels = await api.request<{
      nodes: { inventoryLevels: { nodes: { quantities: { quantity: number }[] }[] } }[];
    }>(InventoryLevelsQuery, { inventoryItemIds: [gid("InventoryItem", indigo.inventoryItemId)] });
    expect(levels.data.nodes[0]?.inventoryLevels.nodes[0]?.quantities[0]?.quantity).toBe(5);
  });

  it("fulfillmentEventCreate records the carrier scan and sends fulfillment_events/create, fulfillments/update and orders/updated", async () => {
    const orderId = orderOf(summary, "in-transit");
    const fulfillment = first(data.fulfillmentsOf(orderId)[0]);
    const mutation = `#graphql
      mutation Scan($event: FulfillmentEventInput!) {
        fulfillmentEventCreate(fulfillmentEvent: $event) {
          fulfillmentEvent { id status happenedAt estimatedDeliveryAt }
          userErrors { field message }
        }
      }`;
    const eta = new Date(Date.now() + 3 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    await api.request(mutation, {
      event: {
        fulfillmentId: gid("Fulfillment", fulfillment.id),
        status: "DELAYED",
        message: "Typhoon: deliveries suspended",
        estimatedDeliveryAt: eta,
      },
    });
    await emitter.flush();
    expect(topics()).toEqual(["fulfillment_events/create", "fulfillments/update", "orders/updated"]);
    const scan = received.find((delivery) => delivery.headers["x-shopify-topic"] === "fulfillment_events/create");
    const payload = parseLossless(scan?.body.toString("utf8") ?? "{}") as Record<string, unknown>;
    expect(payload).toMatchObject({ status: "delayed", message: "Typhoon: deliveries suspended" });
    expect(payload.order_id).toEqual(new LosslessNumber(orderId));
    expect(new Date(String(payload.estimated_delivery_at)).toISOString().replace(/\.\d{3}Z$/, "Z")).toBe(eta);

    const { OrderQuery } = await import("../../app/graphql/orders.ts");
    const order = await api.request<{
      order: {
        fulfillments: { displayStatus: string; estimatedDeliveryAt: string; events: { nodes: { status: string }[] } }[];
      };
    }>(OrderQuery, { id: gid("Order", orderId) });
    const parcel = first(order.data.order.fulfillments[0]);
    expect(parcel.displayStatus).toBe("DELAYED");
    expect(parcel.estimatedDeliveryAt).toBe(eta);
    expect(parcel.events.nodes[0]?.status).toBe("DELAYED");
  });

  it("a userError changes nothing and sends nothing", async () => {
    const before = data.fulfillmentEvents.size;
    await expect(
      api.request(
        "mutation($e: FulfillmentEventInput!) { fulfillmentEventCreate(fulfillmentEvent: $e) { userErrors { field message } } }",
        {
          e: { fulfillmentId: "gid://shopify/Fulfillment/1", status: "DELIVERED" },
        },
      ),
    ).rejects.toThrow("Fulfillment does not exist");
    await emitter.flush();
    expect(received).toHaveLength(0);
    expect(data.fulfillmentEvents.size).toBe(before);
  });
});
