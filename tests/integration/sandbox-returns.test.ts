// The Admin API emulator's returns, refunds and cancellation over real HTTP,
// driven by the app's own documents (app/graphql): Shopify's state rules and
// userErrors, the suggested outcome in JPY (no minor unit), refunds to the card
// or as store credit, exchanges that ship, restocking dispositions, reverse
// deliveries, orderCancel as a job, @idempotent refunds, and the webhooks
// Shopify would send — also for a return made in the sandbox's admin.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseLossless } from "lossless-json";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JobQuery, OrderCancelMutation, OrderSuggestedRefundQuery } from "../../app/graphql/orders.ts";
import { RefundCreateMutation } from "../../app/graphql/refunds.ts";
import {
  ReturnApproveRequestMutation,
  ReturnCancelMutation,
  ReturnCloseMutation,
  ReturnCreateMutation,
  ReturnDeclineRequestMutation,
  ReturnProcessMutation,
  ReturnQuery,
  ReturnReasonDefinitionsQuery,
  ReturnReopenMutation,
  ReturnRequestMutation,
  ReturnSuggestedOutcomeQuery,
  ReverseDeliveryCreateWithShippingMutation,
} from "../../app/graphql/returns.ts";
import type { SandboxConfig, SandboxHandler } from "../../sandbox/http.ts";
import { createAdminApiHandler } from "../../sandbox/admin-api/index.ts";
import { createSandboxStore, gid, type SandboxStore, type ShopData } from "../../sandbox/store/index.ts";
import { DEMO_SHOP, seedDemoShop, type Scenario, type SeedSummary } from "../../sandbox/store/seed.ts";
import { emitterFor } from "../../sandbox/webhooks/emitter.ts";

const API_VERSION = "2026-07";
const NOW = new Date();

type Json = Record<string, unknown>;

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

let store: SandboxStore;
let summary: SeedSummary;
let data: ShopData;
let running: Running;
let receiver: Running;
let emitter: ReturnType<typeof emitterFor>;
let token: string;
let received: { topic: string; payload: Json }[] = [];

beforeAll(async () => {
  receiver = await listen(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      topic: String(request.headers["x-shopify-topic"]),
      // Numbers exactly: small ones as numbers, ids above 2^53 as their digits.
      payload: parseLossless(Buffer.concat(chunks).toString("utf8"), null, (digits) =>
        Number.isSafeInteger(Number(digits)) ? Number(digits) : digits,
      ) as Json,
    });
    response.writeHead(200);
    response.end();
    return true;
  });
  store = createSandboxStore();
  summary = seedDemoShop(store, DEMO_SHOP, NOW);
  data = store.requireShop(DEMO_SHOP);
  const config: SandboxConfig = {
    origin: "",
    appUrl: receiver.origin,
    apiKey: "returns-test-key",
    apiSecret: "returns-test-secret",
    shop: DEMO_SHOP,
    apiVersion: API_VERSION,
  };
  // Every topic the emulator sends, whatever the app subscribes to today.
  emitter = emitterFor(config, { topics: null });
  running = await listen(createAdminApiHandler(store, config, { emit: emitter }));
  token = store.issueAccessToken(DEMO_SHOP);
});
afterAll(async () => {
  await running.close();
  await receiver.close();
});
beforeEach(() => {
  received = [];
});

async function gql(query: string, variables?: Json): Promise<{ data: Json; errors?: Json[] }> {
  const response = await fetch(`${running.origin}/admin/api/${API_VERSION}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data: Json; errors?: Json[] };
}

/** The payload of one mutation field, with no top-level errors. */
async function mutation(query: string, field: string, variables?: Json): Promise<Json> {
  const answer = await gql(query, variables);
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return answer.data[field] as Json;
}

async function webhooks(): Promise<{ topic: string; payload: Json }[]> {
  await emitter.flush();
  return received;
}

function orderOf(scenario: Scenario): string {
  const order = summary.orders.find((candidate) => candidate.scenario === scenario);
  if (!order) throw new Error(`the seed has no ${scenario} order`);
  return order.id;
}

function returnOf(scenario: Scenario) {
  const ret = data.returnsOf(orderOf(scenario))[0];
  if (!ret) throw new Error(`the ${scenario} order has no return`);
  return ret;
}

function fulfillmentLineOf(scenario: Scenario, sku?: string): string {
  const order = data.requireOrder(orderOf(scenario));
  for (const fulfillment of data.fulfillmentsOf(order.id)) {
    for (const line of fulfillment.lines) {
      const item = order.lineItems.find((candidate) => candidate.id === line.lineItemId);
      if (!sku || item?.sku === sku) return gid("FulfillmentLineItem", line.id);
    }
  }
  throw new Error(`no fulfilled line on ${scenario}`);
}

function variantBySku(sku: string) {
  const variant = [...data.variants.values()].find((candidate) => candidate.sku === sku);
  if (!variant) throw new Error(`no variant ${sku}`);
  return variant;
}

function available(sku: string, locationIndex = 0): number {
  const location = [...data.locations.values()][locationIndex];
  return data.level(variantBySku(sku).inventoryItemId, location?.id ?? "")?.available ?? -1;
}

const tokyo = () => gid("Location", [...data.locations.values()][0]?.id ?? "");

function reasonId(handle: string): string {
  const definition = data.returnReasonByHandle(handle);
  if (!definition) throw new Error(`no return reason ${handle}`);
  return gid("ReturnReasonDefinition", definition.id);
}

interface ReturnAnswer {
  id: string;
  status: string;
  returnLineItems: { nodes: { id: string; quantity: number }[] };
  reverseFulfillmentOrders: { nodes: { id: string; lineItems: { nodes: { id: string }[] } }[] };
}

async function fullReturn(id: string): Promise<Json> {
  const answer = await gql(ReturnQuery, { id });
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return answer.data.return as Json;
}

describe("return reasons and requests", () => {
  it("lists the shop's return reasons with their handles and names", async () => {
    const answer = await gql(ReturnReasonDefinitionsQuery);
    const nodes = (answer.data.returnReasonDefinitions as { nodes: { id: string; handle: string; name: string }[] })
      .nodes;
    const handles = nodes.map((node) => node.handle);
    for (const handle of ["size-too-small", "damaged", "wrong-item", "changed-mind", "not-as-described", "other"]) {
      expect(handles).toContain(handle);
    }
    expect(nodes.every((node) => /^gid:\/\/shopify\/ReturnReasonDefinition\/\d+$/.test(node.id) && node.name)).toBe(
      true,
    );
  });

  it("takes a request with a reason and a note per line, and sends returns/request", async () => {
    const orderId = gid("Order", orderOf("refundable"));
    const payload = await mutation(ReturnRequestMutation, "returnRequest", {
      input: {
        orderId,
        returnLineItems: [
          {
            fulfillmentLineItemId: fulfillmentLineOf("refundable"),
            quantity: 1,
            returnReasonDefinitionId: reasonId("damaged"),
            customerNote: "蓋が欠けていました",
          },
        ],
      },
    });
    expect(payload.userErrors).toEqual([]);
    const ret = payload.return as ReturnAnswer & { returnLineItems: { nodes: Json[] } };
    expect(ret.status).toBe("REQUESTED");
    expect(ret.returnLineItems.nodes[0]).toMatchObject({
      customerNote: "蓋が欠けていました",
      returnReasonDefinition: { handle: "damaged", name: "Arrived damaged" },
    });
    const sent = await webhooks();
    const request = sent.find((webhook) => webhook.topic === "returns/request");
    expect(request?.payload).toMatchObject({
      admin_graphql_api_id: ret.id,
      status: "requested",
      order: { admin_graphql_api_id: orderId },
    });
    expect((request?.payload.return_line_items as Json[])[0]).toMatchObject({
      customer_note: "蓋が欠けていました",
      return_reason_definition: { handle: "damaged" },
    });
    expect(sent.map((webhook) => webhook.topic)).toContain("orders/updated");
  });

  it("refuses an unknown reason and more than was delivered, changing nothing", async () => {
    const before = data.returns.size;
    const unknown = await mutation(ReturnRequestMutation, "returnRequest", {
      input: {
        orderId: gid("Order", orderOf("delivered-recently")),
        returnLineItems: [
          {
            fulfillmentLineItemId: fulfillmentLineOf("delivered-recently"),
            quantity: 1,
            returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/1",
          },
        ],
      },
    });
    expect(unknown.return).toBeNull();
    expect(unknown.userErrors).toEqual([
      {
        field: ["input", "returnLineItems", "0", "returnReasonDefinitionId"],
        message: "Return reason definition does not exist",
        code: "NOT_FOUND",
      },
    ]);
    const tooMany = await mutation(ReturnRequestMutation, "returnRequest", {
      input: {
        orderId: gid("Order", orderOf("delivered-recently")),
        returnLineItems: [{ fulfillmentLineItemId: fulfillmentLineOf("delivered-recently"), quantity: 9 }],
      },
    });
    expect(tooMany.userErrors).toEqual([
      expect.objectContaining({ field: ["input", "returnLineItems", "0", "quantity"], code: "LESS_THAN_OR_EQUAL_TO" }),
    ]);
    expect(data.returns.size).toBe(before);
    expect(await webhooks()).toEqual([]);
  });
});

describe("state rules", () => {
  it("approves only a requested return; the approved one has a reverse fulfillment order", async () => {
    const ret = returnOf("return-requested");
    const approved = await mutation(ReturnApproveRequestMutation, "returnApproveRequest", {
      input: { id: gid("Return", ret.id) },
    });
    expect(approved.userErrors).toEqual([]);
    expect((approved.return as ReturnAnswer).status).toBe("OPEN");
    expect((await webhooks()).map((webhook) => webhook.topic)).toContain("returns/approve");
    const again = await mutation(ReturnApproveRequestMutation, "returnApproveRequest", {
      input: { id: gid("Return", ret.id) },
    });
    expect(again).toEqual({
      return: null,
      userErrors: [
        { field: ["input", "id"], message: "A return with status OPEN cannot be approved", code: "INVALID_STATE" },
      ],
    });
    const full = (await fullReturn(gid("Return", ret.id))) as unknown as ReturnAnswer;
    expect(full.reverseFulfillmentOrders.nodes).toHaveLength(1);
    expect(full.reverseFulfillmentOrders.nodes[0]?.lineItems.nodes).toHaveLength(1);
  });

  it("declines only a requested return, with FINAL_SALE, RETURN_PERIOD_ENDED or OTHER and a note of at most 500 characters", async () => {
    const request = await mutation(ReturnRequestMutation, "returnRequest", {
      input: {
        orderId: gid("Order", orderOf("past-return-window")),
        returnLineItems: [{ fulfillmentLineItemId: fulfillmentLineOf("past-return-window"), quantity: 1 }],
      },
    });
    const id = (request.return as ReturnAnswer).id;
    const long = await mutation(ReturnDeclineRequestMutation, "returnDeclineRequest", {
      input: { id, declineReason: "RETURN_PERIOD_ENDED", declineNote: "x".repeat(501) },
    });
    expect(long.userErrors).toEqual([
      {
        field: ["input", "declineNote"],
        message: "Decline note is too long (maximum is 500 characters)",
        code: "TOO_LONG",
      },
    ]);
    const unknownReason = await gql(ReturnDeclineRequestMutation, { input: { id, declineReason: "TOO_LATE" } });
    expect(unknownReason.errors?.[0]?.message).toMatch(
      /^Variable \$input of type ReturnDeclineRequestInput! was provided invalid value/,
    );
    received = [];
    const declined = await mutation(ReturnDeclineRequestMutation, "returnDeclineRequest", {
      input: { id, declineReason: "RETURN_PERIOD_ENDED", declineNote: "x".repeat(500) },
    });
    expect(declined.userErrors).toEqual([]);
    expect(declined.return).toMatchObject({
      status: "DECLINED",
      decline: { reason: "RETURN_PERIOD_ENDED", note: "x".repeat(500) },
    });
    const decline = (await webhooks()).find((webhook) => webhook.topic === "returns/decline");
    expect(decline?.payload).toMatchObject({ status: "declined", decline: { reason: "return_period_ended" } });
    const open = returnOf("return-open");
    const notRequested = await mutation(ReturnDeclineRequestMutation, "returnDeclineRequest", {
      input: { id: gid("Return", open.id), declineReason: "OTHER" },
    });
    expect(notRequested.userErrors).toEqual([
      { field: ["input", "id"], message: "A return with status OPEN cannot be declined", code: "INVALID_STATE" },
    ]);
  });

  it("cancels a return only before any work: an untouched one is cancelled, a processed one is refused", async () => {
    const untouched = await mutation(ReturnRequestMutation, "returnRequest", {
      input: {
        orderId: gid("Order", orderOf("delivered-long-ago")),
        returnLineItems: [{ fulfillmentLineItemId: fulfillmentLineOf("delivered-long-ago"), quantity: 1 }],
      },
    });
    received = [];
    const cancelled = await mutation(ReturnCancelMutation, "returnCancel", { id: (untouched.return as Json).id });
    expect(cancelled.userErrors).toEqual([]);
    expect((cancelled.return as Json).status).toBe("CANCELED");
    const sent = await webhooks();
    expect(sent.find((webhook) => webhook.topic === "returns/cancel")?.payload).toMatchObject({
      admin_graphql_api_id: (untouched.return as Json).id,
      status: "canceled",
    });
    // Processed (inspected, nothing refunded yet): too late to cancel.
    const open = returnOf("return-open");
    const line = open.lines[0];
    const processed = await mutation(ReturnProcessMutation, "returnProcess", {
      input: {
        returnId: gid("Return", open.id),
        returnLineItems: [{ id: gid("ReturnLineItem", line?.id ?? ""), quantity: 1 }],
      },
    });
    expect(processed.userErrors).toEqual([]);
    const refused = await mutation(ReturnCancelMutation, "returnCancel", { id: gid("Return", open.id) });
    expect(refused).toEqual({
      return: null,
      userErrors: [
        {
          field: ["id"],
          message: "Return can't be canceled because it has been processed or refunded",
          code: "INVALID_STATE",
        },
      ],
    });
    const closed = await mutation(ReturnCancelMutation, "returnCancel", {
      id: gid("Return", returnOf("return-closed").id),
    });
    expect(closed.userErrors).toEqual([
      expect.objectContaining({ message: "A return with status CLOSED cannot be canceled", code: "INVALID_STATE" }),
    ]);
  });

  it("reopens only a closed return, and sends returns/reopen", async () => {
    const open = returnOf("return-exchange");
    const notClosed = await mutation(ReturnReopenMutation, "returnReopen", { id: gid("Return", open.id) });
    expect(notClosed.userErrors).toEqual([
      { field: ["id"], message: "A return with status OPEN cannot be reopened", code: "INVALID_STATE" },
    ]);
    const closed = returnOf("return-closed");
    const reopened = await mutation(ReturnReopenMutation, "returnReopen", { id: gid("Return", closed.id) });
    expect(reopened.userErrors).toEqual([]);
    expect(reopened.return).toMatchObject({ status: "OPEN", closedAt: null });
    const sent = await webhooks();
    expect(sent.find((webhook) => webhook.topic === "returns/reopen")?.payload).toMatchObject({ status: "open" });
    const closedAgain = await mutation(ReturnCloseMutation, "returnClose", { id: gid("Return", closed.id) });
    expect((closedAgain.return as Json).status).toBe("CLOSED");
  });
});

describe("money", () => {
  let returnId: string;
  let lineId: string;
  let rfoLineId: string;

  beforeAll(async () => {
    // Two white mugs (¥3,300 each) kept as a refundable order: a return created with a 10% restocking fee and ¥500 return shipping.
    const order = data.requireOrder(orderOf("partly-refunded"));
    const mugLine = fulfillmentLineOf("partly-refunded", "KZ-MUG-WHT");
    expect(order.currency).toBe("JPY");
    const created = await mutation(ReturnCreateMutation, "returnCreate", {
      returnInput: {
        orderId: gid("Order", order.id),
        returnLineItems: [
          {
            fulfillmentLineItemId: mugLine,
            quantity: 1,
            returnReasonDefinitionId: reasonId("changed-mind"),
            restockingFee: { percentage: 10 },
          },
        ],
        returnShippingFee: { amount: { amount: "500", currencyCode: "JPY" } },
      },
    });
    expect(created.userErrors).toEqual([]);
    const ret = created.return as ReturnAnswer;
    returnId = ret.id;
    lineId = ret.returnLineItems.nodes[0]?.id ?? "";
    const full = (await fullReturn(returnId)) as unknown as ReturnAnswer;
    rfoLineId = full.reverseFulfillmentOrders.nodes[0]?.lineItems.nodes[0]?.id ?? "";
  });

  it("suggests 3300 − 10% − 500 = 2470 in JPY, as whole-yen strings, to the card or as store credit", async () => {
    const outcome = async (allocation: string) => {
      const answer = await gql(ReturnSuggestedOutcomeQuery, {
        id: returnId,
        returnLineItems: [{ id: lineId, quantity: 1 }],
        exchangeLineItems: [],
        refundMethodAllocation: allocation,
      });
      expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
      return (answer.data.return as Json).suggestedFinancialOutcome as Json;
    };
    const card = await outcome("ORIGINAL_PAYMENT_METHODS");
    expect(card.discountedSubtotal).toEqual({ shopMoney: { amount: "3300", currencyCode: "JPY" } });
    expect(card.totalTax).toEqual({ shopMoney: { amount: "270", currencyCode: "JPY" } });
    const transfer = card.financialTransfer as Json;
    expect(transfer.__typename).toBe("RefundReturnOutcome");
    expect(transfer.amount).toEqual({ shopMoney: { amount: "2470", currencyCode: "JPY" } });
    expect(transfer.suggestedRefundMethods).toEqual([]);
    const [suggested] = transfer.suggestedTransactions as Json[];
    expect(suggested).toMatchObject({
      gateway: "shopify_payments",
      kind: "SUGGESTED_REFUND",
      amountSet: { shopMoney: { amount: "2470", currencyCode: "JPY" } },
      parentTransaction: { id: expect.stringMatching(/^gid:\/\/shopify\/OrderTransaction\//) },
    });
    const credit = await outcome("STORE_CREDIT");
    expect((credit.financialTransfer as Json).suggestedTransactions).toEqual([]);
    expect((credit.financialTransfer as Json).suggestedRefundMethods).toEqual([
      {
        __typename: "SuggestedStoreCreditRefund",
        amount: { shopMoney: { amount: "2470", currencyCode: "JPY" } },
        maximumRefundable: { shopMoney: { amount: expect.stringMatching(/^\d+$/), currencyCode: "JPY" } },
      },
    ]);
    expect(JSON.stringify([card, credit])).not.toMatch(/"\d+\.0"/);
  });

  it("never refunds more than is refundable, and a refused processing changes nothing", async () => {
    const order = data.requireOrder(orderOf("partly-refunded"));
    const refunds = data.refundsOf(order.id).length;
    const tooMuch = await mutation(ReturnProcessMutation, "returnProcess", {
      input: {
        returnId,
        returnLineItems: [{ id: lineId, quantity: 1 }],
        financialTransfer: {
          issueRefund: {
            orderTransactions: [
              {
                parentId: gid("OrderTransaction", order.transactions[0]?.id ?? ""),
                transactionAmount: { amount: "99999", currencyCode: "JPY" },
              },
            ],
          },
        },
      },
    });
    expect(tooMuch.userErrors).toEqual([
      {
        field: ["input", "financialTransfer", "issueRefund", "transactions"],
        message: expect.stringMatching(/^Refund amount 99999 is greater than the refundable amount \d+$/),
        code: "INVALID",
      },
    ]);
    const noLocation = await mutation(ReturnProcessMutation, "returnProcess", {
      input: {
        returnId,
        returnLineItems: [
          {
            id: lineId,
            quantity: 1,
            dispositions: [{ reverseFulfillmentOrderLineItemId: rfoLineId, quantity: 1, dispositionType: "RESTOCKED" }],
          },
        ],
      },
    });
    expect(noLocation.userErrors).toEqual([
      {
        field: ["input", "returnLineItems", "0", "dispositions", "0", "locationId"],
        message: "Location is required to restock an item",
        code: "BLANK",
      },
    ]);
    expect(data.refundsOf(order.id)).toHaveLength(refunds);
    expect(data.returns.get(returnId.split("/").pop() ?? "")?.lines[0]?.processedQuantity).toBe(0);
    expect(await webhooks()).toEqual([]);
  });

  it("refunds as store credit (no money back to the card), restocks, and sends returns/process, dispose, refunds/create and the stock webhooks", async () => {
    const order = data.requireOrder(orderOf("partly-refunded"));
    const customerId = order.customerId ?? "";
    const stock = available("KZ-MUG-WHT");
    const processed = await mutation(ReturnProcessMutation, "returnProcess", {
      input: {
        returnId,
        returnLineItems: [
          {
            id: lineId,
            quantity: 1,
            dispositions: [
              {
                reverseFulfillmentOrderLineItemId: rfoLineId,
                quantity: 1,
                dispositionType: "RESTOCKED",
                locationId: tokyo(),
              },
            ],
          },
        ],
        financialTransfer: {
          issueRefund: {
            orderTransactions: [],
            refundMethods: [{ storeCreditRefund: { amount: { amount: "2470", currencyCode: "JPY" } } }],
          },
        },
      },
    });
    expect(processed.userErrors).toEqual([]);
    const [refund] = ((processed.return as Json).refunds as { nodes: Json[] }).nodes;
    expect(refund).toMatchObject({
      totalRefundedSet: { shopMoney: { amount: "2470", currencyCode: "JPY" } },
      transactions: {
        nodes: [{ kind: "REFUND", gateway: "shopify_store_credit", amountSet: { shopMoney: { amount: "2470" } } }],
      },
    });
    expect(data.storeCreditAccounts.get(customerId)?.balance).toBe("2470");
    expect(available("KZ-MUG-WHT")).toBe(stock + 1);
    const sent = await webhooks();
    const topics = sent.map((webhook) => webhook.topic);
    for (const topic of [
      "returns/process",
      "reverse_fulfillment_orders/dispose",
      "refunds/create",
      "orders/updated",
      "inventory_levels/update",
      "products/update",
    ]) {
      expect(topics).toContain(topic);
    }
    expect(sent.find((webhook) => webhook.topic === "reverse_fulfillment_orders/dispose")?.payload).toMatchObject({
      dispositions: [{ type: "restocked", quantity: 1, location: { admin_graphql_api_id: tokyo() } }],
      total_dispositions: 1,
    });
    const refundWebhook = sent.find((webhook) => webhook.topic === "refunds/create")?.payload;
    expect(refundWebhook?.return).toMatchObject({ admin_graphql_api_id: returnId });
    expect((refundWebhook?.transactions as Json[])[0]).toMatchObject({
      gateway: "shopify_store_credit",
      amount: "2470",
    });
    // Nothing is left to process: a second processing of the line is refused.
    const again = await mutation(ReturnProcessMutation, "returnProcess", {
      input: { returnId, returnLineItems: [{ id: lineId, quantity: 1 }] },
    });
    expect(again.userErrors).toEqual([expect.objectContaining({ code: "INVALID" })]);
  });

  it("suggests a refund without a return from the order's lines, and refundCreate built from it refunds once per key", async () => {
    const orderId = gid("Order", orderOf("delivered-recently"));
    const item = data.requireOrder(orderOf("delivered-recently")).lineItems[0];
    const answer = await gql(OrderSuggestedRefundQuery, {
      id: orderId,
      refundLineItems: [{ lineItemId: gid("LineItem", item?.id ?? ""), quantity: 1 }],
    });
    expect(answer.errors).toBeUndefined();
    const suggestion = (answer.data.order as Json).suggestedRefund as Json;
    expect(suggestion.amountSet).toEqual({ shopMoney: { amount: "1800", currencyCode: "JPY" } });
    expect(suggestion.totalTaxSet).toEqual({ shopMoney: { amount: "163", currencyCode: "JPY" } });
    const [transaction] = suggestion.suggestedTransactions as {
      gateway: string;
      amountSet: { shopMoney: { amount: string } };
      parentTransaction: { id: string };
    }[];
    const input = {
      orderId,
      note: "Goodwill: the tea arrived late",
      refundLineItems: [{ lineItemId: gid("LineItem", item?.id ?? ""), quantity: 1, restockType: "NO_RESTOCK" }],
      transactions: [
        {
          orderId,
          gateway: transaction?.gateway,
          kind: "REFUND",
          amount: transaction?.amountSet.shopMoney.amount,
          parentId: transaction?.parentTransaction.id,
        },
      ],
    };
    const withoutKey = RefundCreateMutation.replace(", $idempotencyKey: String!", "").replace(
      " @idempotent(key: $idempotencyKey)",
      "",
    );
    const without = await gql(withoutKey, { input });
    expect(without.errors?.[0]?.message).toMatch(/@idempotent directive is required/);
    const first = await mutation(RefundCreateMutation, "refundCreate", { input, idempotencyKey: "goodwill-1012" });
    const second = await mutation(RefundCreateMutation, "refundCreate", { input, idempotencyKey: "goodwill-1012" });
    expect((first.refund as Json).id).toBeTruthy();
    expect(second).toEqual(first);
    expect(data.refundsOf(orderOf("delivered-recently"))).toHaveLength(1);
    const other = await mutation(RefundCreateMutation, "refundCreate", {
      input: { ...input, note: "another note" },
      idempotencyKey: "goodwill-1012",
    });
    expect(other.userErrors).toEqual([
      { field: null, message: "The idempotency key was already used with different parameters." },
    ]);
    const refunds = (await webhooks()).filter((webhook) => webhook.topic === "refunds/create");
    expect(refunds).toHaveLength(1);
  });
});

describe("exchanges and reverse deliveries", () => {
  it("attaches a label and tracking (the customer is notified unless told not to) and sends attach_deliverable", async () => {
    const ret = returnOf("return-exchange");
    const rfo = ret.reverseFulfillmentOrders[0];
    const input = {
      reverseFulfillmentOrderId: gid("ReverseFulfillmentOrder", rfo?.id ?? ""),
      reverseDeliveryLineItems: [
        {
          reverseFulfillmentOrderLineItemId: gid("ReverseFulfillmentOrderLineItem", rfo?.lines[0]?.id ?? ""),
          quantity: 1,
        },
      ],
      trackingInput: {
        number: "451200012345",
        url: "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number01=451200012345",
      },
      labelInput: { fileUrl: "https://labels.example/return-1025.pdf" },
    };
    const tooMany = await mutation(ReverseDeliveryCreateWithShippingMutation, "reverseDeliveryCreateWithShipping", {
      ...input,
      reverseDeliveryLineItems: [{ ...input.reverseDeliveryLineItems[0], quantity: 2 }],
    });
    expect(tooMany.userErrors).toEqual([
      expect.objectContaining({ field: ["reverseDeliveryLineItems", "0", "quantity"], code: "INVALID" }),
    ]);
    const created = await mutation(
      ReverseDeliveryCreateWithShippingMutation,
      "reverseDeliveryCreateWithShipping",
      input,
    );
    expect(created.userErrors).toEqual([]);
    expect((created.reverseDelivery as Json).deliverable).toEqual({
      tracking: { carrierName: "Yamato (JA)", number: "451200012345", url: input.trackingInput.url },
      label: { publicFileUrl: "https://labels.example/return-1025.pdf", createdAt: expect.any(String) },
    });
    // The app's document sends notifyCustomer: false (Kizuna sends its own notice); Shopify's default is true.
    expect(rfo?.deliveries[0]?.customerNotified).toBe(false);
    const sent = await webhooks();
    expect(sent.find((webhook) => webhook.topic === "reverse_deliveries/attach_deliverable")?.payload).toMatchObject({
      return: { admin_graphql_api_id: gid("Return", ret.id) },
      shipping_deliverable: {
        tracking: { carrier_name: "Yamato (JA)", tracking_number: "451200012345" },
        label: { public_file_url: "https://labels.example/return-1025.pdf" },
      },
    });
    const full = await fullReturn(gid("Return", ret.id));
    const rfos = (full.reverseFulfillmentOrders as { nodes: { reverseDeliveries: { nodes: Json[] } }[] }).nodes;
    expect(rfos[0]?.reverseDeliveries.nodes).toHaveLength(1);
  });

  it("processes an exchange of equal value: nothing to pay or refund, a new fulfillment order ships the variant from stock", async () => {
    const ret = returnOf("return-exchange");
    const returnId = gid("Return", ret.id);
    const exchange = ret.exchangeLines[0];
    const outcome = await gql(ReturnSuggestedOutcomeQuery, {
      id: returnId,
      returnLineItems: [{ id: gid("ReturnLineItem", ret.lines[0]?.id ?? ""), quantity: 1 }],
      exchangeLineItems: [{ id: gid("ExchangeLineItem", exchange?.id ?? ""), quantity: 1 }],
    });
    expect(((outcome.data.return as Json).suggestedFinancialOutcome as Json).financialTransfer).toBeNull();
    const orderId = orderOf("return-exchange");
    const fulfillmentOrders = data.fulfillmentOrdersOf(orderId).length;
    const stock = available("KZ-FRS-ASA");
    const processed = await mutation(ReturnProcessMutation, "returnProcess", {
      input: {
        returnId,
        returnLineItems: [{ id: gid("ReturnLineItem", ret.lines[0]?.id ?? ""), quantity: 1 }],
        exchangeLineItems: [{ id: gid("ExchangeLineItem", exchange?.id ?? ""), quantity: 1 }],
      },
    });
    expect(processed.userErrors).toEqual([]);
    expect(available("KZ-FRS-ASA")).toBe(stock - 1);
    const created = data.fulfillmentOrdersOf(orderId).slice(fulfillmentOrders);
    expect(created).toHaveLength(1);
    const newLine = data.requireOrder(orderId).lineItems.find((item) => item.id === created[0]?.lines[0]?.lineItemId);
    expect(newLine?.sku).toBe("KZ-FRS-ASA");
    expect(created[0]?.status).toBe("OPEN");
    const full = await fullReturn(returnId);
    expect((full.exchangeLineItems as { nodes: Json[] }).nodes[0]).toMatchObject({
      processedQuantity: 1,
      variantId: gid("ProductVariant", variantBySku("KZ-FRS-ASA").id),
      lineItems: [{ variant: { id: gid("ProductVariant", variantBySku("KZ-FRS-ASA").id) } }],
    });
    const topics = (await webhooks()).map((webhook) => webhook.topic);
    expect(topics).toContain("returns/process");
    expect(topics).toContain("inventory_levels/update");
    expect(topics).not.toContain("refunds/create");
  });
});

describe("orderCancel", () => {
  it("refuses an order with a return in progress, a fulfilled order and an over-long staff note", async () => {
    const cancel = (scenario: Scenario, extra: Json = {}) =>
      mutation(OrderCancelMutation, "orderCancel", {
        orderId: gid("Order", orderOf(scenario)),
        reason: "CUSTOMER",
        restock: true,
        ...extra,
      });
    expect(await cancel("return-exchange")).toEqual({
      job: null,
      orderCancelUserErrors: [
        { field: ["orderId"], message: "Order can't be cancelled while a return is in progress", code: "INVALID" },
      ],
    });
    expect((await cancel("in-transit")).orderCancelUserErrors).toEqual([
      { field: ["orderId"], message: "Order can't be cancelled because it has fulfillments", code: "INVALID" },
    ]);
    expect((await cancel("cancellable", { staffNote: "x".repeat(256) })).orderCancelUserErrors).toEqual([
      { field: ["staffNote"], message: "Staff note is too long (maximum is 255 characters)", code: "INVALID" },
    ]);
    expect(data.requireOrder(orderOf("cancellable")).cancelledAt).toBeNull();
  });

  it("answers a job that is not done yet, then cancels, refunds and restocks, sending orders/cancelled", async () => {
    const orderId = orderOf("cancellable");
    const order = data.requireOrder(orderId);
    const stock = available("KZ-TNG-SET3");
    const answer = await mutation(OrderCancelMutation, "orderCancel", {
      orderId: gid("Order", orderId),
      reason: "CUSTOMER",
      restock: true,
      refundMethod: { originalPaymentMethodsRefund: true },
      staffNote: "The customer asked by phone",
    });
    expect(answer.orderCancelUserErrors).toEqual([]);
    const job = answer.job as { id: string; done: boolean };
    expect(job).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Job\/\d+$/), done: false });
    const polled = await gql(JobQuery, { id: job.id });
    expect(polled.data.job).toEqual({ id: job.id, done: false });
    expect(order.cancelledAt).toBeNull();
    let done = false;
    for (let attempt = 0; attempt < 50 && !done; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = ((await gql(JobQuery, { id: job.id })).data.job as { done: boolean }).done;
    }
    expect(done).toBe(true);
    expect(order.cancelledAt).not.toBeNull();
    expect(order.cancelReason).toBe("CUSTOMER");
    const [refund] = data.refundsOf(orderId);
    expect(refund?.transactions.map((transaction) => transaction.amount)).toEqual(["4600"]);
    expect(refund?.note).toBe("The customer asked by phone");
    expect(available("KZ-TNG-SET3")).toBe(stock + 1);
    const sent = await webhooks();
    const cancelled = sent.find((webhook) => webhook.topic === "orders/cancelled");
    expect(cancelled?.payload).toMatchObject({
      admin_graphql_api_id: gid("Order", orderId),
      cancel_reason: "customer",
      financial_status: "refunded",
    });
    expect(cancelled?.payload.cancelled_at).toBeTruthy();
    const topics = sent.map((webhook) => webhook.topic);
    expect(topics).toContain("refunds/create");
    expect(topics).toContain("orders/updated");
    expect(topics).toContain("inventory_levels/update");
    const again = await mutation(OrderCancelMutation, "orderCancel", {
      orderId: gid("Order", orderId),
      reason: "CUSTOMER",
      restock: false,
    });
    expect(again.orderCancelUserErrors).toEqual([
      { field: ["orderId"], message: "Order has already been cancelled", code: "INVALID" },
    ]);
  });
});

describe("the sandbox admin (a return made outside Kizuna)", () => {
  const adminReturn = (body: Json) =>
    fetch(`${running.origin}/admin/sandbox/returns`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  it("makes a return for an order and sends returns/request, as Shopify's admin would", async () => {
    const response = await adminReturn({
      order: summary.orders.find((o) => o.scenario === "in-transit")?.name,
      reason: "wrong-item",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { return: { id: string; status: string; orderId: string } };
    expect(body.return).toMatchObject({ status: "REQUESTED", orderId: gid("Order", orderOf("in-transit")) });
    const sent = await webhooks();
    const request = sent.find((webhook) => webhook.topic === "returns/request");
    expect(request?.payload).toMatchObject({
      admin_graphql_api_id: body.return.id,
      status: "requested",
      order: { admin_graphql_api_id: gid("Order", orderOf("in-transit")) },
    });
    expect((request?.payload.return_line_items as Json[])[0]).toMatchObject({
      return_reason_definition: { handle: "wrong-item" },
    });
    const full = await fullReturn(body.return.id);
    expect(full.status).toBe("REQUESTED");
  });

  it("creates an open return with an exchange, and refuses an unknown order or a cancelled one with a 400", async () => {
    const order = data.requireOrder(orderOf("out-for-delivery"));
    const response = await adminReturn({
      order: order.id,
      open: true,
      exchange: [{ variantId: gid("ProductVariant", variantBySku("KZ-TNG-SET3").id), quantity: 1 }],
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { return: { status: string } };
    expect(body.return.status).toBe("OPEN");
    expect((await webhooks()).map((webhook) => webhook.topic)).toContain("returns/approve");
    const unknown = await adminReturn({ order: "#9999" });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      errors: [{ field: ["order"], message: "Order does not exist", code: "NOT_FOUND" }],
    });
    const notJson = await fetch(`${running.origin}/admin/sandbox/returns`, { method: "POST", body: "[" });
    expect(notJson.status).toBe(400);
  });
});
