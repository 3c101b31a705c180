// Delay detection against real databases: rows built directly in a fresh
// database, then evaluateOrder / scanDelays, on SQLite and PostgreSQL.
import { afterAll, beforeAll, expect, it } from "vitest";
import { sqlitePath, type Db } from "../../app/db.server.ts";
import {
  delayCounts,
  evaluateOrder,
  listCases,
  notifyCaseNow,
  evaluateOrderAndNotify,
  notifyChanges,
  queueNoticeNotifier,
  resolveCase,
  scanDelays,
  snoozeCase,
  transitStats,
  type DelayCaseRow,
  type DelayNotify,
  type QueueNotice,
} from "../../app/delays/index.server.ts";
import { DEFAULT_RULES } from "../../app/delays/rules.server.ts";
import { getShopSettings, saveShopSettings, type DelayRulesInput } from "../../app/settings/shop-settings.server.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases.ts";

const SHOP = "delays-test.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const NOW = new Date("2026-11-18T03:00:00Z"); // Wednesday noon in Tokyo
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const TOKYO = JSON.stringify({ country_code: "JP", province: "Tokyo" });

let seq = 0;
async function addOrder(db: Db, options: { placed?: Date; status?: string; cancelled?: boolean } = {}) {
  const id = String(1_000_000 + ++seq);
  await db.order.create({
    data: {
      shop: SHOP,
      id,
      name: `#${seq}`,
      customerId: "c1",
      currency: "JPY",
      totalPrice: "3300",
      fulfillmentStatus: options.status ?? "FULFILLED",
      cancelledAt: options.cancelled ? ago(1) : null,
      shippingAddress: TOKYO,
      shopifyCreatedAt: options.placed ?? ago(3),
      shopifyUpdatedAt: ago(1),
    },
  });
  return id;
}

async function addParcel(
  db: Db,
  orderId: string,
  scans: { status: string; at: Date; eta?: Date }[],
  options: { carrier?: string; shipped?: Date } = {},
) {
  const id = `f${orderId}`;
  await db.fulfillment.create({
    data: {
      shop: SHOP,
      id,
      orderId,
      status: "SUCCESS",
      trackingCompany: options.carrier ?? "Yamato",
      shopifyCreatedAt: options.shipped ?? ago(2.5),
    },
  });
  for (const scan of scans) await addScan(db, orderId, scan);
  return id;
}

async function addScan(db: Db, orderId: string, scan: { status: string; at: Date; eta?: Date }) {
  await db.fulfillmentEvent.create({
    data: {
      shop: SHOP,
      id: `e${++seq}`,
      fulfillmentId: `f${orderId}`,
      orderId,
      status: scan.status,
      happenedAt: scan.at,
      estimatedDeliveryAt: scan.eta ?? null,
      country: "JP",
    },
  });
}

async function addHold(db: Db, orderId: string, reason: string) {
  await db.fulfillmentOrder.create({
    data: {
      shop: SHOP,
      id: `fo${orderId}`,
      orderId,
      status: "ON_HOLD",
      holds: JSON.stringify([{ reason, reasonNotes: "note" }]),
    },
  });
}

const rulesOf = async (db: Db, orderId: string) =>
  (await db.delayCase.findMany({ where: { shop: SHOP, orderId, status: "open" } })).map((c) => `${c.rule}:${c.reason}`);

describeEachDatabase("delay detection", (provider) => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    db = database.db;
    await db.shop.create({ data: { domain: SHOP, timezone: "Asia/Tokyo", currency: "JPY" } });
    await db.shopSettings.create({ data: { shop: SHOP, handlingDays: 2, holidayPreset: "jp" } });
    await db.customer.create({ data: { shop: SHOP, id: "c1", firstName: "花子", lastName: "佐藤", locale: "ja" } });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("each rule flags its order and leaves the look-alike alone", async () => {
    const late = await addOrder(db, { status: "UNFULFILLED", placed: new Date("2026-11-12T01:00:00Z") });
    const onTime = await addOrder(db, { status: "UNFULFILLED", placed: new Date("2026-11-17T01:00:00Z") });
    const address = await addOrder(db, { status: "UNFULFILLED", placed: ago(10) });
    await addHold(db, address, "INCORRECT_ADDRESS");
    const payment = await addOrder(db, { status: "UNFULFILLED", placed: ago(10) });
    await addHold(db, payment, "AWAITING_PAYMENT");
    const delayed = await addOrder(db);
    await addParcel(db, delayed, [
      { status: "IN_TRANSIT", at: ago(2), eta: ago(-2) },
      { status: "DELAYED", at: ago(1) },
    ]);
    const recovered = await addOrder(db);
    await addParcel(db, recovered, [
      { status: "DELAYED", at: ago(2) },
      { status: "IN_TRANSIT", at: ago(1), eta: ago(-1) },
    ]);
    const pastEta = await addOrder(db);
    await addParcel(db, pastEta, [{ status: "IN_TRANSIT", at: ago(1), eta: ago(0.5) }]);
    const beforeEta = await addOrder(db);
    await addParcel(db, beforeEta, [{ status: "IN_TRANSIT", at: ago(1), eta: ago(-1) }]);
    const silent = await addOrder(db, { placed: ago(8) });
    await addParcel(db, silent, [{ status: "IN_TRANSIT", at: ago(5), eta: ago(-2) }], { shipped: ago(7) });
    const cancelled = await addOrder(db, { status: "UNFULFILLED", placed: ago(10), cancelled: true });

    const expectations: [string, string[]][] = [
      [late, ["handling_time:NOT_SHIPPED"]],
      [onTime, []],
      [address, ["on_hold:INCORRECT_ADDRESS"]],
      [payment, []],
      [delayed, ["carrier_exception:DELAYED"]],
      [recovered, []],
      [pastEta, ["eta_passed:ESTIMATE_PASSED"]],
      [beforeEta, []],
      [silent, ["stalled:NO_CARRIER_SCAN"]],
      [cancelled, []],
    ];
    for (const [orderId] of expectations) await evaluateOrder(db, SHOP, orderId, NOW);
    for (const [orderId, expected] of expectations) expect(await rulesOf(db, orderId)).toEqual(expected);
  });

  it("likely late: past the p90 of ≥ 20 delivered parcels of the carrier and region", async () => {
    // 20 delivered Yamato parcels to Tokyo (1–2 days), learned by evaluating them; 19 for Sagawa.
    for (const [carrier, count] of [
      ["Yamato", 20],
      ["Sagawa", 19],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const orderId = await addOrder(db, { placed: ago(20) });
        await addParcel(db, orderId, [{ status: "DELIVERED", at: ago(18 - (1 + i / 20)) }], {
          carrier,
          shipped: ago(18),
        });
        expect((await evaluateOrder(db, SHOP, orderId, NOW)).opened).toEqual([]);
      }
    }
    const stats = await transitStats(db, SHOP, NOW);
    expect(stats.map((group) => [group.carrier, group.region, group.samples])).toEqual([
      ["Yamato", "JP / Tokyo", 20],
      ["Sagawa", "JP / Tokyo", 19],
    ]);
    const slow = await addOrder(db, { placed: ago(4) });
    await addParcel(db, slow, [{ status: "IN_TRANSIT", at: ago(0.5) }], { shipped: ago(3) });
    const slowSagawa = await addOrder(db, { placed: ago(4) });
    await addParcel(db, slowSagawa, [{ status: "IN_TRANSIT", at: ago(0.5) }], { carrier: "Sagawa", shipped: ago(3) });
    const fast = await addOrder(db, { placed: ago(2) });
    await addParcel(db, fast, [{ status: "IN_TRANSIT", at: ago(0.5) }], { shipped: ago(1) });
    for (const orderId of [slow, slowSagawa, fast]) await evaluateOrder(db, SHOP, orderId, NOW);
    expect(await rulesOf(db, slow)).toEqual(["likely_late:P90_EXCEEDED"]);
    expect(await rulesOf(db, slowSagawa)).toEqual([]);
    expect(await rulesOf(db, fast)).toEqual([]);
  });

  it("re-evaluation is idempotent; a DELIVERED event resolves the case and the customer hears it", async () => {
    const orderId = await addOrder(db);
    await addParcel(db, orderId, [{ status: "ATTEMPTED_DELIVERY", at: ago(0.5) }]);
    const calls: [DelayCaseRow, string][] = [];
    const notify: DelayNotify = (caseRow, kind) => {
      calls.push([caseRow, kind]);
      return { noticeId: null };
    };
    const first = await evaluateOrder(db, SHOP, orderId, NOW);
    expect(first.opened.map((c) => c.rule)).toEqual(["carrier_exception"]);
    await notifyChanges(db, first, notify, NOW);
    for (let i = 0; i < 3; i++) {
      const again = await evaluateOrder(db, SHOP, orderId, NOW);
      expect(again).toEqual({ opened: [], resolved: [] });
      await notifyChanges(db, again, notify, NOW);
    }
    expect(await db.delayCase.count({ where: { shop: SHOP, orderId } })).toBe(1);

    await addScan(db, orderId, { status: "DELIVERED", at: ago(0.1) });
    const later = new Date(NOW.getTime() + 60_000);
    const done = await evaluateOrder(db, SHOP, orderId, later);
    expect(done.resolved.map((c) => [c.rule, c.status])).toEqual([["carrier_exception", "resolved"]]);
    await notifyChanges(db, done, notify, later);
    expect(calls.map(([, kind]) => kind)).toEqual(["delay", "delay_resolved"]);
    const row = await db.delayCase.findFirstOrThrow({ where: { shop: SHOP, orderId } });
    expect(row.status).toBe("resolved");
    expect(row.resolvedAt?.toISOString()).toBe(later.toISOString());
    expect(row.notifiedAt?.toISOString()).toBe(NOW.toISOString());
  });

  it("the scan finds a parcel that went silent (no webhook) and writes nothing twice", async () => {
    const orderId = await addOrder(db, { placed: ago(3) });
    // A carrier with no learned transit times: only silence can flag it.
    await addParcel(db, orderId, [{ status: "IN_TRANSIT", at: ago(1), eta: ago(-4) }], { carrier: "Seino" });
    expect(await evaluateOrder(db, SHOP, orderId, NOW)).toEqual({ opened: [], resolved: [] });
    const later = new Date(NOW.getTime() + 4 * DAY);
    const seen: string[] = [];
    const options = provider === "sqlite" ? { sqliteFile: sqlitePath(database.url), batchSize: 7 } : { batchSize: 7 };
    const summary = await scanDelays(
      db,
      SHOP,
      later,
      (_shop, changes) => {
        for (const row of changes.opened) seen.push(`${row.orderId}:${row.rule}`);
      },
      options,
    );
    expect(seen).toContain(`${orderId}:stalled`);
    expect(summary.orders).toBeGreaterThan(30);
    const total = await db.delayCase.count({ where: { shop: SHOP } });
    const again = await scanDelays(db, null, later, () => {}, options);
    expect([again.opened, again.resolved]).toEqual([0, 0]);
    expect(await db.delayCase.count({ where: { shop: SHOP } })).toBe(total);
  });

  it("the seller's list, counts and actions (scoped by shop)", async () => {
    const counts = await delayCounts(db, SHOP);
    expect(counts.open).toBeGreaterThan(3);
    const { cases } = await listCases(db, SHOP, { status: "open", rule: "on_hold" });
    expect(cases).toHaveLength(1);
    // A Japanese customer, family name first: as the delay notice greets them (佐藤 花子様).
    expect(cases[0]!.customer).toBe("佐藤 花子");
    expect(cases[0]!.explanation).toMatch(/confirm/);
    const id = cases[0]!.id;
    await expect(resolveCase(db, OTHER, id)).rejects.toThrow("not found");

    const sent: (string | undefined)[] = [];
    await notifyCaseNow(db, SHOP, id, (_row, _kind, message) => void sent.push(message), "Please check your postcode");
    expect(sent).toEqual(["Please check your postcode"]);

    await snoozeCase(db, SHOP, id, new Date(NOW.getTime() + DAY));
    expect((await delayCounts(db, SHOP)).snoozed).toBe(1);
    await resolveCase(db, SHOP, id, NOW);
    // The seller's "resolved" stands while the hold is unchanged.
    const orderId = (await db.delayCase.findUniqueOrThrow({ where: { id } })).orderId;
    expect((await evaluateOrder(db, SHOP, orderId, NOW)).opened).toEqual([]);
    expect((await db.delayCase.findUniqueOrThrow({ where: { id } })).status).toBe("resolved");
  });

  it("the notice engine adapter: one dedupe key per case opening, reasons in both languages", async () => {
    const orderId = await addOrder(db);
    await addParcel(db, orderId, [{ status: "FAILURE", at: ago(0.2) }], { carrier: "Seino" });
    const inputs: Parameters<QueueNotice>[1][] = [];
    const queue: QueueNotice = (_db, input) => {
      inputs.push(input);
      return Promise.resolve({ status: "queued", noticeId: 41 + inputs.length });
    };
    const notify = queueNoticeNotifier(db, queue);
    await notifyChanges(db, await evaluateOrder(db, SHOP, orderId, NOW), notify, NOW);
    await addScan(db, orderId, { status: "DELIVERED", at: ago(0.1) });
    await notifyChanges(db, await evaluateOrder(db, SHOP, orderId, NOW), notify, NOW);
    expect(inputs.map((input) => [input.kind, input.dedupeKey, input.customerId])).toEqual([
      ["delay", `delay:${orderId}:f${orderId}:carrier_exception:${NOW.getTime()}`, "c1"],
      ["delay_resolved", `delay_resolved:${orderId}:f${orderId}:carrier_exception:${NOW.getTime()}`, "c1"],
    ]);
    expect(inputs[0]!.variables).toMatchObject({
      reason: "the carrier could not deliver your parcel",
      "reason@ja": "配送業者がお荷物をお届けできませんでした",
    });
    expect(inputs[1]!.variables).toMatchObject({ resolution: "was delivered" });
    const row = await db.delayCase.findFirstOrThrow({ where: { shop: SHOP, orderId } });
    expect(row.noticeId).toBe(42);
  });

  it("evaluateOrderAndNotify hands the worker the notice engine's answers", async () => {
    const orderId = await addOrder(db);
    await addParcel(db, orderId, [{ status: "DELAYED", at: ago(0.2) }], { carrier: "Seino" });
    const queue: QueueNotice = () => Promise.resolve({ status: "queued", noticeId: 7 });
    expect(await evaluateOrderAndNotify(db, SHOP, orderId, NOW, queue)).toEqual([{ status: "queued", noticeId: 7 }]);
    expect(await evaluateOrderAndNotify(db, SHOP, orderId, NOW, queue)).toEqual([]);
  });

  it("the seller's switches and tuning are saved and followed; wrong values change nothing", async () => {
    const saveRules = async (delayRules: DelayRulesInput) =>
      saveShopSettings(db, SHOP, {
        ...(await getShopSettings(db, SHOP)),
        senderName: "",
        senderEmail: "",
        holidayPreset: "jp",
        delayRules,
      });
    const row = () => db.shopSettings.findUniqueOrThrow({ where: { shop: SHOP } });
    const outOfStock = await addOrder(db, { status: "UNFULFILLED", placed: ago(10) });
    await addHold(db, outOfStock, "INVENTORY_OUT_OF_STOCK");
    const silent = await addOrder(db, { placed: ago(8) });
    await addParcel(db, silent, [{ status: "IN_TRANSIT", at: ago(5) }], { carrier: "Seino", shipped: ago(7) });

    const before = await row();
    const bad = await saveRules({
      on_hold: { enabled: false, reasons: ["INVENTORY_OUT_OF_STOCK", "AWAITING_PAYMENT"] },
      stalled: { days: 0 },
      likely_late: { percentile: 100 },
    });
    expect(bad).toEqual({
      ok: false,
      errors: [
        "On hold: “AWAITING_PAYMENT” is not a hold reason Kizuna knows.",
        "Stalled parcels: 1 to 30 days.",
        "Likely late: a percentile from 50 to 99.",
      ],
    });
    expect(await row()).toEqual(before);

    // Hold cases off, stalled only after 7 days: neither order opens a case.
    const saved = await saveRules({ on_hold: { enabled: false }, stalled: { enabled: true, days: 7 } });
    expect(saved.ok).toBe(true);
    const expected = {
      ...DEFAULT_RULES,
      on_hold: { ...DEFAULT_RULES.on_hold, enabled: false },
      stalled: { enabled: true, days: 7 },
    };
    expect(JSON.parse((await row()).delayRules)).toEqual(expected);
    expect((await getShopSettings(db, SHOP)).delayRules).toEqual(expected);
    expect(await evaluateOrder(db, SHOP, outOfStock, NOW)).toEqual({ opened: [], resolved: [] });
    expect(await evaluateOrder(db, SHOP, silent, NOW)).toEqual({ opened: [], resolved: [] });

    // On again, but only for address holds: the out-of-stock hold still opens nothing.
    expect((await saveRules({ on_hold: { enabled: true, reasons: ["INCORRECT_ADDRESS"] } })).ok).toBe(true);
    expect(JSON.parse((await row()).delayRules)).toMatchObject({ stalled: { days: 7 } });
    expect(await evaluateOrder(db, SHOP, outOfStock, NOW)).toEqual({ opened: [], resolved: [] });

    // Back to the defaults: both open their case.
    expect((await saveRules(DEFAULT_RULES)).ok).toBe(true);
    await evaluateOrder(db, SHOP, outOfStock, NOW);
    await evaluateOrder(db, SHOP, silent, NOW);
    expect(await rulesOf(db, outOfStock)).toEqual(["on_hold:INVENTORY_OUT_OF_STOCK"]);
    expect(await rulesOf(db, silent)).toEqual(["stalled:NO_CARRIER_SCAN"]);
  });
});
