// The Settings and Notices pages through the production build, embedded the
// way the admin embeds them (sandbox session tokens): they render, a template
// with an unknown variable is refused naming it, settings save, and a dead
// notice can be resent (the same notice, back to queued).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { ensureBuild, startApp, type RunningApp } from "../e2e/support/app.ts";
import { startTestSandbox, type TestSandbox } from "../e2e/support/sandbox.ts";
import { freePort } from "../support/redis-server.ts";

let config: SandboxConfig;
let sandbox: TestSandbox | undefined;
let app: RunningApp | undefined;

beforeAll(async () => {
  ensureBuild();
  const [webPort, sandboxPort] = [await freePort(), await freePort()];
  config = {
    origin: `http://127.0.0.1:${sandboxPort}`,
    appUrl: `http://127.0.0.1:${webPort}`,
    apiKey: "kizuna-notices-client-id",
    apiSecret: `kizuna-notices-${randomBytes(8).toString("hex")}`,
    shop: "kizuna-notices-pages.myshopify.com",
    apiVersion: "2026-07",
  };
  sandbox = await startTestSandbox(config, sandboxPort);
  app = await startApp(config);
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
});

// The library turns away bots (and Node's fetch looks like one): requests carry a browser's User-Agent.
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const token = () => issueSessionToken(config, { shop: config.shop });

async function page(path: string): Promise<Response> {
  return fetch(appFrameUrl(config, config.shop, path, token()), {
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

  it("saves valid settings and refuses invalid ones with a clear message", async () => {
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
    const after = await app!.db.notice.findUnique({ where: { id: dead.id } });
    expect(after).toMatchObject({ status: "queued", attempts: 0 });
    expect(await app!.db.notice.count()).toBe(1);
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
});
