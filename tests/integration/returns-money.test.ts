// Money moves once: the seller's actions against the Admin API emulator (real
// HTTP, Shopify's state rules) on both databases. Approve → label → process
// refunds exactly Shopify's suggested amount once; 50 concurrent attempts make
// one refund; a crash between Shopify's answer and our write is finished by the
// recovery job without a second refund; refusals change nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deleteRedisKeys } from "../e2e/support/app.ts";
import { CALL_LEASE_MS, recoverMoneyActions } from "../../app/returns/money-actions.server.ts";
import { MONEY_OPERATIONS } from "../../app/returns/money-operations.server.ts";
import {
  afterMoneyMoved,
  addReturnLabel,
  approveReturn,
  previewProcessing,
  processReturn,
  refundOrder,
  StalePageError,
} from "../../app/returns/return-actions.server.ts";
import { findReturn } from "../../app/returns/returns.server.ts";
import { submitReturnRequest } from "../../app/returns/request-return.server.ts";
import { tellExchangeShipped } from "../../app/returns/return-notices.server.ts";
import { saveReturnPolicy } from "../../app/returns/return-policy.server.ts";
import { DEFAULT_POLICY } from "../../app/returns/policy.ts";

/** The default policy as the Settings form sends it. */
function policyInput() {
  return {
    ...DEFAULT_POLICY,
    windowDays: String(DEFAULT_POLICY.windowDays),
    restockingFeePercent: String(DEFAULT_POLICY.restockingFeePercent),
    storeCreditBonusPercent: String(DEFAULT_POLICY.storeCreditBonusPercent),
    autoApproveUpTo: DEFAULT_POLICY.autoApproveUpTo ?? "",
    keepItemUpTo: DEFAULT_POLICY.keepItemUpTo ?? "",
  };
}
import {
  requestReturnOnShopify,
  returnableLines,
  suggestOrderRefund,
} from "../../app/returns/shopify-returns.server.ts";
import { refreshReturn } from "../../app/returns/refresh-return.server.ts";
import { PROVIDERS } from "../support/databases.ts";
import { useBackfilledSandbox } from "../support/backfilled-sandbox.ts";

const SHOP = "kizuna-returns-money.myshopify.com";
// Notices read the app's environment (the order page link's secret, the notice queue's Redis prefix).
const REDIS_PREFIX = `kizuna-test-returns-${process.pid}`;
beforeAll(() => {
  vi.stubEnv("SHOPIFY_API_KEY", "returns-money-key");
  vi.stubEnv("SHOPIFY_API_SECRET", "returns-money-secret");
  vi.stubEnv("SHOPIFY_APP_URL", "http://127.0.0.1:9");
  vi.stubEnv("DATABASE_URL", "file:./data/unused-returns-money.db");
  vi.stubEnv("REDIS_PREFIX", REDIS_PREFIX);
});
afterAll(async () => {
  await deleteRedisKeys(REDIS_PREFIX);
});
const STAFF = { id: "staff:902541635" };

describe.each(PROVIDERS)("money actions on %s", (provider) => {
  const running = useBackfilledSandbox(provider, SHOP);

  const orderOf = (scenario: string) => {
    const order = running.sandbox.seed?.orders.find((candidate) => candidate.scenario === scenario);
    if (!order) throw new Error(`no seeded order for ${scenario}`);
    return order;
  };
  const shopData = () => running.sandbox.store.requireShop(SHOP);
  const refundsOf = (orderId: string) =>
    [...shopData().refunds.values()].filter((refund) => refund.orderId === orderId);

  /** A fresh return requested on Shopify for the delivered order, mirrored as the webhook would. */
  async function requestedReturn(scenario: string) {
    const order = orderOf(scenario);
    const lines = await returnableLines(running.api, order.id);
    expect(lines.length).toBeGreaterThan(0);
    const ret = await requestReturnOnShopify(running.api, order.id, [
      {
        fulfillmentLineItemId: lines[0]!.fulfillmentLineItemId,
        quantity: 1,
        reasonDefinitionId: null,
        customerNote: null,
      },
    ]);
    await refreshReturn(running.database.db, running.api, SHOP, ret.id);
    return { order, ret };
  }

  it("approve → label → process refunds Shopify's suggested amount exactly once, and says who did it", async () => {
    const db = running.database.db;
    const { order, ret } = await requestedReturn("delivered-recently");
    await approveReturn(db, running.api, SHOP, ret.id, STAFF);
    expect(shopData().returns.get(ret.id)?.status).toBe("OPEN");
    await addReturnLabel(
      db,
      running.api,
      SHOP,
      ret.id,
      { labelUrl: "https://labels.example.com/r1.pdf", trackingNumber: "1234-5678", trackingUrl: null, carrier: null },
      STAFF,
    );
    const { outcome } = await previewProcessing(running.api, ret.id, "original");
    expect(outcome.amount).toMatch(/^\d+$/); // JPY: whole yen, no minor unit
    const before = refundsOf(order.id).length;

    const result = await processReturn(
      db,
      running.api,
      SHOP,
      ret.id,
      { method: "original", restock: true, confirmedAmount: outcome.amount, seen: 0 },
      STAFF,
    );
    expect(result.status).toBe("succeeded");
    const refunds = refundsOf(order.id);
    expect(refunds).toHaveLength(before + 1);
    const refunded = refunds.at(-1)!.transactions.reduce((total, t) => total + Number(t.amount), 0);
    expect(String(refunded)).toBe(outcome.amount);

    // The same click again (another tab that saw the same page): done already, not again.
    const again = await processReturn(
      db,
      running.api,
      SHOP,
      ret.id,
      { method: "original", restock: true, confirmedAmount: outcome.amount, seen: 0 },
      STAFF,
    );
    expect(again).toMatchObject({ status: "succeeded", already: true });
    expect(refundsOf(order.id)).toHaveLength(before + 1);
    const record = await findReturn(db, SHOP, ret.id);
    expect(record?.events.map((event) => event.action)).toEqual(["approved", "label_added", "processed"]);
    expect(record?.events.every((event) => event.actor === STAFF.id)).toBe(true);
    expect(record?.deliveries[0]).toMatchObject({ trackingNumber: "1234-5678" });
    const actions = await db.moneyAction.findMany({ where: { shop: SHOP, returnId: ret.id } });
    expect(actions).toMatchObject([{ state: "succeeded", amount: outcome.amount, actor: STAFF.id, attempts: 1 }]);
  });

  it("makes one refund from 50 concurrent attempts at the same refund", async () => {
    const db = running.database.db;
    const order = orderOf("refundable");
    const suggestion = await suggestOrderRefund(running.api, order.id);
    const before = refundsOf(order.id).length;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        refundOrder(db, running.api, SHOP, order.id, { amount: "500", note: "Goodwill", seen: 0 }, STAFF).catch(
          (error: unknown) => error,
        ),
      ),
    );
    expect(results.filter((result) => result instanceof Error)).toEqual([]);
    expect(refundsOf(order.id)).toHaveLength(before + 1);
    expect(await db.moneyAction.count({ where: { shop: SHOP, orderId: order.id, kind: "refund" } })).toBe(1);
    expect(Number(suggestion.maximum)).toBeGreaterThanOrEqual(500);
    // A page loaded before that refund cannot make another by accident.
    await expect(
      refundOrder(db, running.api, SHOP, order.id, { amount: "500", note: null, seen: 0 }, STAFF),
    ).resolves.toMatchObject({ status: "succeeded", already: true });
    // …but a page that saw it may refund again, on purpose.
    await expect(
      refundOrder(db, running.api, SHOP, order.id, { amount: "100", note: null, seen: 1 }, STAFF),
    ).resolves.toMatchObject({ status: "succeeded", already: false });
    expect(refundsOf(order.id)).toHaveLength(before + 2);
    // The first page once more: it names the first refund, which is done.
    await expect(
      refundOrder(db, running.api, SHOP, order.id, { amount: "100", note: null, seen: 0 }, STAFF),
    ).resolves.toMatchObject({ status: "succeeded", already: true, action: { amount: "500" } });
    expect(refundsOf(order.id)).toHaveLength(before + 2);
    // A page that claims to have seen refunds that never were is refused.
    await expect(
      refundOrder(db, running.api, SHOP, order.id, { amount: "100", note: null, seen: 7 }, STAFF),
    ).rejects.toBeInstanceOf(StalePageError);
    expect(refundsOf(order.id)).toHaveLength(before + 2);
  });

  it("finishes a return's refund whose answer was lost in a crash, without refunding again", async () => {
    const db = running.database.db;
    const { order, ret } = await requestedReturn("delivered-long-ago");
    await approveReturn(db, running.api, SHOP, ret.id, STAFF);
    const { outcome } = await previewProcessing(running.api, ret.id, "original");
    const before = refundsOf(order.id).length;
    const crash = new Error("the process died after Shopify answered");
    const choice = { method: "original" as const, restock: false, confirmedAmount: outcome.amount, seen: 0 };
    await expect(
      processReturn(db, running.api, SHOP, ret.id, choice, STAFF, {
        afterCall: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    // Shopify refunded; Kizuna's row still says the call is in flight.
    expect(refundsOf(order.id)).toHaveLength(before + 1);
    const inFlight = await db.moneyAction.findFirstOrThrow({ where: { shop: SHOP, returnId: ret.id } });
    expect(inFlight.state).toBe("calling");
    // Another click meanwhile: the call is someone else's, nothing is sent.
    await expect(processReturn(db, running.api, SHOP, ret.id, choice, STAFF)).resolves.toMatchObject({
      status: "in_progress",
    });
    // The recovery job, once the lease ran out: asks Shopify, sees it happened, finishes it.
    const later = new Date(Date.now() + CALL_LEASE_MS + 1_000);
    const afterSuccess = (
      api: typeof running.api,
      action: { actor: string | null } & Parameters<typeof afterMoneyMoved>[2],
    ) => afterMoneyMoved(db, api, action, { id: action.actor ?? "kizuna" });
    const recovered = await recoverMoneyActions(db, async () => running.api, MONEY_OPERATIONS, {
      now: () => later,
      afterSuccess,
    });
    expect(recovered).toEqual({ recovered: 1, stillOpen: 0 });
    expect(refundsOf(order.id)).toHaveLength(before + 1);
    expect(await db.moneyAction.findUniqueOrThrow({ where: { id: inFlight.id } })).toMatchObject({
      state: "succeeded",
      attempts: 2,
    });
    // What the click would have done next is done by the recovery: the step recorded, the customer told once.
    const steps = await db.returnEvent.findMany({ where: { shop: SHOP, returnId: ret.id, action: "processed" } });
    expect(steps).toHaveLength(1);
    expect(steps[0]!.actor).toBe(STAFF.id);
    const told = () => db.notice.count({ where: { shop: SHOP, orderId: order.id, kind: "refund_issued" } });
    expect(await told()).toBe(1);
    // A second pass finds nothing left to finish and tells no one again.
    await recoverMoneyActions(db, async () => running.api, MONEY_OPERATIONS, { now: () => later, afterSuccess });
    expect(await told()).toBe(1);
  });

  it("resends a lost refundCreate with its idempotency key: Shopify answers the first refund", async () => {
    const db = running.database.db;
    const order = orderOf("partly-refunded");
    const before = refundsOf(order.id).length;
    const crash = new Error("crash");
    await expect(
      refundOrder(db, running.api, SHOP, order.id, { amount: "100", note: null, seen: 0 }, STAFF, {
        afterCall: () => {
          throw crash;
        },
      }),
    ).rejects.toBe(crash);
    expect(refundsOf(order.id)).toHaveLength(before + 1);
    const later = new Date(Date.now() + CALL_LEASE_MS + 1_000);
    expect(await recoverMoneyActions(db, async () => running.api, MONEY_OPERATIONS, { now: () => later })).toEqual({
      recovered: 1,
      stillOpen: 0,
    });
    expect(refundsOf(order.id)).toHaveLength(before + 1);
  });

  it("keeps a refusal as a failed action that changed nothing, and lets the seller try again", async () => {
    const db = running.database.db;
    const order = orderOf("cancellable");
    const before = refundsOf(order.id).length;
    // More than was paid: Shopify refuses (suggestion's maximum is checked first, so go round it).
    const suggestion = await suggestOrderRefund(running.api, order.id);
    const tooMuch = String(Number(suggestion.maximum) + 1);
    await expect(
      refundOrder(db, running.api, SHOP, order.id, { amount: tooMuch, note: null, seen: 0 }, STAFF),
    ).rejects.toMatchObject({ code: "amount_changed" });
    expect(await db.moneyAction.count({ where: { shop: SHOP, orderId: order.id } })).toBe(0);
    expect(refundsOf(order.id)).toHaveLength(before);
  });

  it("an exchange the seller approves ends with the new variant on its way", async () => {
    const db = running.database.db;
    const order = orderOf("attempted-delivery");
    const line = await db.lineItem.findFirstOrThrow({ where: { shop: SHOP, orderId: order.id, sku: "KZ-FRS-WAV" } });
    const wanted = await db.variant.findFirstOrThrow({ where: { shop: SHOP, sku: "KZ-FRS-ASA" } });
    expect(wanted.inventoryQuantity).toBeGreaterThan(0);
    const submitted = await submitReturnRequest(
      db,
      running.api,
      SHOP,
      order.id,
      {
        resolution: "exchange",
        lines: [
          { lineItemId: line.id, quantity: 1, reasonHandle: "changed-mind", note: null, exchangeVariantId: wanted.id },
        ],
        photoId: null,
        note: null,
      },
      { locale: "ja" },
    );
    expect(submitted).toMatchObject({ ok: true, verdict: { decision: "review" } });
    const requestId = (submitted as { returnId: string }).returnId;
    expect(shopData().returns.get(requestId)?.status).toBe("REQUESTED");

    const exchange = await approveReturn(db, running.api, SHOP, requestId, STAFF);
    // The request cannot carry exchange lines: it is cancelled and the exchange made open in its place.
    expect(shopData().returns.get(requestId)?.status).toBe("CANCELED");
    expect(exchange.status).toBe("OPEN");
    expect(exchange.exchangeLines).toMatchObject([{ variantId: wanted.id, quantity: 1 }]);
    expect(await db.return.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: requestId } } })).toMatchObject({
      replacedBy: exchange.id,
    });

    const fulfillmentOrders = shopData().fulfillmentOrdersOf(order.id).length;
    const { outcome } = await previewProcessing(running.api, exchange.id, "original");
    const processed = await processReturn(
      db,
      running.api,
      SHOP,
      exchange.id,
      { method: "original", restock: true, confirmedAmount: outcome.amount, seen: 0 },
      STAFF,
    );
    expect(processed.status).toBe("succeeded");
    const shipping = shopData().fulfillmentOrdersOf(order.id).slice(fulfillmentOrders);
    expect(shipping).toHaveLength(1);
    const shipped = shopData()
      .requireOrder(order.id)
      .lineItems.find((item) => item.id === shipping[0]?.lines[0]?.lineItemId);
    expect(shipped?.sku).toBe("KZ-FRS-ASA");
    expect(shipping[0]?.status).toBe("OPEN");

    // The seller ships it (fulfillments/create mirrored): the customer hears it is on its way, once.
    await db.fulfillment.create({
      data: {
        shop: SHOP,
        id: "990001",
        orderId: order.id,
        trackingCompany: "Yamato",
        trackingNumbers: JSON.stringify(["4455-6677"]),
        trackingUrls: JSON.stringify(["https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number=445566770000"]),
        shopifyCreatedAt: new Date(),
      },
    });
    await tellExchangeShipped(db, SHOP, order.id);
    await tellExchangeShipped(db, SHOP, order.id);
    const told = await db.notice.findMany({ where: { shop: SHOP, orderId: order.id, kind: "exchange_shipped" } });
    expect(told).toHaveLength(1);
    expect(told[0]?.bodyText).toContain("4455-6677");
  });

  it("store credit with the policy's bonus: the credit and 10% more, given once", async () => {
    const db = running.database.db;
    await saveReturnPolicy(db, SHOP, { ...policyInput(), storeCreditBonusPercent: "10" });
    const { order, ret } = await requestedReturn("past-estimated-delivery");
    await approveReturn(db, running.api, SHOP, ret.id, STAFF);
    const { outcome } = await previewProcessing(running.api, ret.id, "store_credit");
    const choice = { method: "store_credit" as const, restock: true, confirmedAmount: outcome.amount, seen: 0 };
    expect((await processReturn(db, running.api, SHOP, ret.id, choice, STAFF)).status).toBe("succeeded");
    await processReturn(db, running.api, SHOP, ret.id, choice, STAFF);
    const customerId = shopData().requireOrder(order.id).customerId!;
    const credits = shopData()
      .storeCreditAccounts.get(customerId)!
      .transactions.map((transaction) => transaction.amount);
    const bonus = String(Math.round(Number(outcome.amount) * 0.1));
    expect(credits.slice(-2)).toEqual([outcome.amount, bonus]);
    expect(
      await db.moneyAction.findMany({ where: { shop: SHOP, returnId: ret.id }, orderBy: { id: "asc" } }),
    ).toMatchObject([
      { kind: "return_process", state: "succeeded", method: "store_credit" },
      { kind: "credit_bonus", state: "succeeded", amount: bonus },
    ]);
  });

  it("the backfill brings in the returns made before the install, in Shopify's states", async () => {
    const rows = await running.database.db.return.findMany({
      where: {
        shop: SHOP,
        orderId: { in: ["return-declined", "return-closed", "return-canceled"].map((s) => orderOf(s).id) },
      },
    });
    expect(rows.map((row) => row.status).sort()).toEqual(["CANCELED", "CLOSED", "DECLINED"]);
    expect(rows.every((row) => row.source === null && row.requestedAt !== null)).toBe(true);
  });

  it("does not find another shop's return", async () => {
    const { ret } = await requestedReturn("in-transit");
    expect(await findReturn(running.database.db, SHOP, ret.id)).not.toBeNull();
    expect(await findReturn(running.database.db, "another-shop.myshopify.com", ret.id)).toBeNull();
  });
});
