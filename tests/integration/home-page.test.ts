// Home through the production build: what Kizuna did for the customers this
// week (counted in the shop's days) and what needs the seller now, each with
// its link — figures from seeded rows, counted by hand here.
import { afterAll, beforeAll, expect, it } from "vitest";
import { careSummary } from "../../app/shops/care-summary.server.ts";
import { adminPage } from "../support/admin-http.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
const DAY = 86_400_000;

const home = (locale = "en") => adminPage(config, "", locale);

beforeAll(async () => {
  stack = await startStack("kizuna-home.myshopify.com");
  config = stack.config;
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

it("before anything happened: nothing needs the seller, and it says what will show", async () => {
  const html = await (await home()).text();
  expect(html).toContain("Nothing needs you right now");
  expect(html).toContain("No notices sent this week yet");
});

it("counts this week's notices by kind, delays told, restock sales, and what needs the seller", async () => {
  const db = stack!.app.db;
  const shop = config.shop;
  await db.shop.update({ where: { domain: shop }, data: { timezone: "Asia/Tokyo", currency: "JPY" } });
  const now = Date.now();
  let key = 0;
  const notice = (kind: string, status: string, sentAt: Date | null) =>
    db.notice.create({
      data: { shop, kind, dedupeKey: `k${++key}`, channel: "email", locale: "en", status, sentAt },
    });
  await notice("delay", "sent", new Date(now - 60_000)); // today
  await notice("delay", "sent", new Date(now - 3 * DAY));
  await notice("restock", "sent", new Date(now - 2 * DAY));
  await notice("restock", "sent", new Date(now - 10 * DAY)); // before this week: not counted
  await notice("delay", "dead", null);
  const told = await notice("delay", "sent", new Date(now - DAY));
  await db.delayCase.create({
    data: {
      shop,
      orderId: "o1",
      subject: "order",
      rule: "handling_time",
      reason: "UNFULFILLED",
      openedAt: new Date(now - DAY),
      notifiedAt: new Date(now - DAY),
      noticeId: told.id,
    },
  });
  // Queued but not sent (no mail server answered yet): not "told".
  const queued = await notice("delay", "queued", null);
  await db.delayCase.create({
    data: {
      shop,
      orderId: "o3",
      subject: "order",
      rule: "handling_time",
      reason: "UNFULFILLED",
      openedAt: new Date(now - DAY),
      notifiedAt: new Date(now - DAY),
      noticeId: queued.id,
    },
  });
  await db.delayCase.create({
    data: {
      shop,
      orderId: "o2",
      subject: "order",
      rule: "handling_time",
      reason: "UNFULFILLED",
      openedAt: new Date(now - DAY),
    },
  });
  for (const [subscriptionId, revenue] of [
    [1, "4400"],
    [2, "1200.50"],
  ] as const)
    await db.restockAlert.create({
      data: {
        shop,
        episodeId: 1,
        subscriptionId,
        variantId: "v1",
        sentAt: new Date(now - DAY),
        orderId: `o${subscriptionId}`,
        revenue,
      },
    });

  const summary = await careSummary(db, shop, new Date(now), "Asia/Tokyo");
  expect(summary.sent).toEqual([
    { kind: "delay", today: 1, week: 3 },
    { kind: "restock", today: 0, week: 1 },
  ]);
  expect(summary.delaysTold).toBe(1);
  expect(summary.restockSales).toEqual({ orders: 2, revenue: "5600.50" });
  expect(summary.needs).toEqual({ delaysNotTold: 1, failedNotices: 1, restocksWaiting: 0 });

  const html = await (await home()).text();
  for (const text of [
    "1 late order whose customer has not been told yet.",
    'href="/app/delays',
    "1 notice could not be sent.",
    'href="/app/notices?status=dead',
    "Notices sent this week",
    "1 of them today.",
    "2 purchases after this week&#x27;s alerts.",
  ])
    expect(html).toContain(text);
  const ja = await (await home("ja")).text();
  expect(ja).toContain("お客様にまだ連絡していない遅延注文が 1 件あります。");
  expect(ja).toContain("今週送信した通知");
});
