// The Settings and Notices pages through the production build, embedded the
// way the admin embeds them (sandbox session tokens): they render, a template
// with an unknown variable is refused naming it, settings save (delay rules
// included, which the evaluation then follows), and a dead notice can be
// resent (the same notice, back to queued).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateOrder } from "../../app/delays/index.server.ts";
import { appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { RunningApp } from "../e2e/support/app.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
let app: RunningApp | undefined;

beforeAll(async () => {
  stack = await startStack("kizuna-notices-pages.myshopify.com");
  ({ config, app } = stack);
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

// The library turns away bots (and Node's fetch looks like one): requests carry a browser's User-Agent.
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const token = () => issueSessionToken(config, { shop: config.shop });

async function page(path: string, search = ""): Promise<Response> {
  return fetch(appFrameUrl(config, config.shop, path, token(), search), {
    redirect: "manual",
    headers: { "User-Agent": USER_AGENT },
  });
}

async function post(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${config.appUrl}/app${path}.data`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "User-Agent": USER_AGENT,
      Authorization: `Bearer ${token()}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields).toString(),
  });
}

describe("settings and notices pages", () => {
  it("renders Settings with the order-update note and the template editor", async () => {
    const response = await page("/settings");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Which notices Kizuna sends");
    expect(html).toContain("Delay rules");
    expect(html).toContain("No carrier scan");
    expect(html).toContain("Incorrect address (asks the customer to confirm)");
    expect(html).toContain("Delivery attempted");
    expect(html).toContain("The same start and end: no quiet hours.");
    expect(html).toContain("Shopify&#x27;s own shipping notifications already cover this moment");
    expect(html).toContain("Message templates");
    expect(html).toContain("Send me a test");
  });

  it("refuses a template with an unknown variable, naming it, and saves nothing", async () => {
    const response = await post("/settings", {
      intent: "template-save",
      kind: "delay",
      locale: "en",
      channel: "email",
      subject: "Order {{orderNumber}} is late",
      body: "Hi {{customerName}}",
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain("Unknown variable {{orderNumber}}");
    expect(await app!.db.noticeTemplate.count()).toBe(0);

    const saved = await post("/settings", {
      intent: "template-save",
      kind: "delay",
      locale: "en",
      channel: "email",
      subject: "Order {{orderName}} is late",
      body: "Hi {{customerName}}, sorry: {{reason}}",
    });
    expect(saved.status).toBe(200);
    expect(await app!.db.noticeTemplate.count()).toBe(1);
  });

  const settings = {
    senderName: "Tsumugi",
    senderEmail: "hello@tsumugi.example",
    handlingDays: "3",
    holidayPreset: "jp",
    holidays: ["2026-12-29", "2026-12-30"],
    quietStart: "22:00",
    quietEnd: "07:30",
    dailyCap: "2",
    followUpDays: "5",
    noticeKinds: { order_delivered: true },
  };

  it("saves valid settings and refuses invalid ones with a clear message", async () => {
    const bad = await post("/settings", {
      intent: "settings",
      settings: JSON.stringify({ ...settings, senderEmail: "not an email", holidays: ["2026-02-30"] }),
    });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain("Sender email: enter an address like hello@yourshop.jp.");
    expect(text).toContain("Holidays: write each date as YYYY-MM-DD");
    expect(await app!.db.shopSettings.count()).toBe(0);

    const good = await post("/settings", { intent: "settings", settings: JSON.stringify(settings) });
    expect(good.status).toBe(200);
    const row = await app!.db.shopSettings.findUnique({ where: { shop: config.shop } });
    expect(row).toMatchObject({
      senderEmail: "hello@tsumugi.example",
      handlingDays: 3,
      holidayPreset: "jp",
      quietEnd: "07:30",
    });
    expect(JSON.parse(row!.noticeKinds)).toMatchObject({ order_delivered: true, order_shipped: false, delay: true });
  });

  it("saves the delay rules' switches and tuning, which the evaluation follows; wrong values change nothing", async () => {
    // As the page sends them: every rule, numbers as typed.
    const delayRules = {
      handling_time: { enabled: true },
      on_hold: { enabled: false, reasons: ["INVENTORY_OUT_OF_STOCK", "UNKNOWN_DELIVERY_DATE", "INCORRECT_ADDRESS"] },
      carrier_exception: { enabled: true, statuses: ["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"] },
      eta_passed: { enabled: true, graceHours: "12" },
      stalled: { enabled: true, days: "7" },
      likely_late: { enabled: true, percentile: "95", minSamples: "20" },
    };
    const save = (rules: unknown) =>
      post("/settings", { intent: "settings", settings: JSON.stringify({ ...settings, delayRules: rules }) });
    const savedRules = async () =>
      JSON.parse(
        (await app!.db.shopSettings.findUniqueOrThrow({ where: { shop: config.shop } })).delayRules,
      ) as unknown;

    expect((await save(delayRules)).status).toBe(200);
    const switchedOff = {
      ...delayRules,
      eta_passed: { enabled: true, graceHours: 12 },
      stalled: { enabled: true, days: 7 },
      likely_late: { enabled: true, percentile: 95, minSamples: 20 },
    };
    expect(await savedRules()).toEqual(switchedOff);

    // An order held for a wrong address: no case while the hold rule is off.
    const now = new Date();
    const orderId = "8800001";
    await app!.db.order.create({
      data: {
        shop: config.shop,
        id: orderId,
        name: "#8801",
        currency: "JPY",
        totalPrice: "3300",
        fulfillmentStatus: "UNFULFILLED",
        shopifyCreatedAt: new Date(now.getTime() - 10 * 86_400_000),
        shopifyUpdatedAt: now,
      },
    });
    await app!.db.fulfillmentOrder.create({
      data: {
        shop: config.shop,
        id: "fo8800001",
        orderId,
        status: "ON_HOLD",
        holds: JSON.stringify([{ reason: "INCORRECT_ADDRESS", reasonNotes: null }]),
      },
    });
    const openCases = async () =>
      (await app!.db.delayCase.findMany({ where: { shop: config.shop, orderId, status: "open" } })).map(
        (c) => `${c.rule}:${c.reason}`,
      );
    await evaluateOrder(app!.db, config.shop, orderId, now);
    expect(await openCases()).toEqual([]);

    const bad = await save({
      ...delayRules,
      on_hold: { enabled: true, reasons: ["INCORRECT_ADDRESS", "AWAITING_PAYMENT"] },
      stalled: { enabled: true, days: "0" },
      likely_late: { enabled: true, percentile: "100", minSamples: "20" },
    });
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain("On hold: “AWAITING_PAYMENT” is not a hold reason Kizuna knows.");
    expect(text).toContain("Stalled parcels: 1 to 30 days.");
    expect(text).toContain("Likely late: a percentile from 50 to 99.");
    expect(await savedRules()).toEqual(switchedOff);
    await evaluateOrder(app!.db, config.shop, orderId, now);
    expect(await openCases()).toEqual([]);

    // Switched back on, the same order opens its case.
    expect((await save({ ...delayRules, on_hold: { ...delayRules.on_hold, enabled: true } })).status).toBe(200);
    await evaluateOrder(app!.db, config.shop, orderId, now);
    expect(await openCases()).toEqual(["on_hold:INCORRECT_ADDRESS"]);
  });

  it("lists notices and resends a dead one as the same notice", async () => {
    const dead = await app!.db.notice.create({
      data: {
        shop: config.shop,
        kind: "delay",
        dedupeKey: "delay:o1:late",
        channel: "email",
        locale: "en",
        recipient: "emma@example.com",
        status: "dead",
        statusReason: "connect ECONNREFUSED",
        attempts: 5,
        subject: "Your order #1001 is running late",
        bodyText: "Hi",
      },
    });
    const listed = await page("/notices");
    expect(listed.status).toBe(200);
    const html = (await listed.text()).replace(/<!-- -->/g, "");
    expect(html).toContain("Could not be delivered (1)");
    expect(html).toContain("connect ECONNREFUSED");

    const resent = await post("/notices", { intent: "resend", noticeId: String(dead.id) });
    expect(resent.status).toBe(200);
    // Back in the queue as the same notice. The stack's worker may have picked it up already
    // (deferred in Tokyo's quiet hours, or sent), so its events tell what the resend did.
    const after = await app!.db.notice.findUniqueOrThrow({ where: { id: dead.id } });
    expect(["queued", "deferred", "sending", "sent"]).toContain(after.status);
    expect(after.attempts).toBeLessThanOrEqual(1);
    const events = await app!.db.noticeEvent.findMany({ where: { noticeId: dead.id }, orderBy: { id: "asc" } });
    expect(events[0]).toMatchObject({ status: "queued", reason: "resend" });
    // No second notice to her: the resend is the same row.
    expect(await app!.db.notice.count({ where: { recipient: "emma@example.com" } })).toBe(1);
    // Another shop's notice id is not found.
    const other = await app!.db.notice.create({
      data: {
        shop: "other.myshopify.com",
        kind: "delay",
        dedupeKey: "x",
        channel: "email",
        locale: "en",
        status: "dead",
      },
    });
    expect((await post("/notices", { intent: "resend", noticeId: String(other.id) })).status).toBe(404);
  });

  it("pages the notices list, newest first, and filters it by status, for this shop only", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      shop: config.shop,
      kind: "restock",
      dedupeKey: `restock:page:${i}`,
      channel: "email",
      locale: "ja",
      recipientName: `Shopper ${i}`,
      status: "sent",
    }));
    await app!.db.notice.createMany({ data: rows });
    await app!.db.notice.create({
      data: {
        shop: "other.myshopify.com",
        kind: "restock",
        dedupeKey: "p",
        channel: "email",
        locale: "en",
        recipientName: "Shopper 999",
        status: "sent",
      },
    });
    const shoppers = async (query: string) => {
      const html = await (await page("/notices", query)).text();
      // Each name is in the rendered table and again in the loader data for hydration.
      return [...new Set([...html.matchAll(/Shopper (\d+)/g)].map((match) => Number(match[1])))];
    };
    const first = await shoppers("?status=sent");
    expect(first).toHaveLength(50);
    expect(first[0]).toBe(119);
    expect(await shoppers("?status=sent&page=2")).toEqual(Array.from({ length: 50 }, (_, i) => 69 - i));
    expect(await shoppers("?status=sent&page=3")).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
    expect(await shoppers("?status=dead")).toEqual([]);
    // A status it does not know is ignored (all statuses), not an error: the same first page as
    // no filter. (The worker may still be queueing the seeded shop's delay notices, which then
    // come first: compare two reads that agree.)
    await expect
      .poll(async () => {
        const unfiltered = await shoppers("");
        const unknown = await shoppers("?status=nonsense&page=abc");
        return unknown.includes(119) && JSON.stringify(unknown) === JSON.stringify(unfiltered);
      })
      .toBe(true);
  });
});
