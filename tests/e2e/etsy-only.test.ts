// An Etsy-only seller in Chromium (production build, the sandbox's Etsy
// stand-in and mail sink): /etsy → "Connect with Etsy" → Etsy's consent page →
// the callback page; the sign-in link from the mail sink → "Sign in" → the
// standalone inbox with the Etsy message, the buyer's Etsy orders (the
// worker's first poll) and no Shopify features; the same in Japanese.
// Screenshots: artifacts/screenshots/etsy-only-*.png.
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { DEMO_ETSY_SELLER } from "../../sandbox/etsy/seed.ts";
import { sandboxEtsyEnv } from "../../sandbox/etsy/link-through-app.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { freePort } from "../support/redis-server.ts";
import { ensureBuild, startApp, type RunningApp } from "./support/app.ts";
import { screenshot } from "./support/embedded.ts";
import { startTestSandbox, type TestSandbox } from "./support/sandbox.ts";

const SHOP = `etsy-${DEMO_ETSY_SELLER.shopId}`;

let sandbox: TestSandbox | undefined;
let app: RunningApp | undefined;
let config: SandboxConfig;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  ensureChromium();
  ensureBuild();
  const [webPort, sandboxPort] = [await freePort(), await freePort()];
  config = {
    origin: `http://127.0.0.1:${sandboxPort}`,
    appUrl: `http://127.0.0.1:${webPort}`,
    apiKey: "kizuna-test-client-id",
    apiSecret: `kizuna-test-${randomBytes(8).toString("hex")}`,
    shop: "kizuna-etsy-only-e2e.myshopify.com",
    apiVersion: "2026-07",
  };
  sandbox = await startTestSandbox(config, sandboxPort);
  app = await startApp(config, {
    SMTP_URL: sandbox.mail.url,
    ...sandboxEtsyEnv(config.origin),
    STANDALONE_SESSION_SECRET: randomBytes(32).toString("base64"),
  });
  browser = await launchBrowser({ width: 1280, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await sandbox?.close();
});

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

async function settled(page: Page) {
  await page.waitForLoadState("networkidle");
}

describe("an Etsy-only seller", () => {
  it("signs up with Etsy, signs in by the mailed link and sees Etsy messages and orders (en, ja)", async () => {
    const page = await browser!.context.newPage();
    await page.goto(`${config.appUrl}/etsy?locale=ja`);
    await page.getByRole("heading", { name: "EtsyショップでKizunaを使う" }).waitFor();
    await screenshot(page, "etsy-only-signup-ja");
    await page.goto(`${config.appUrl}/etsy`);
    await page.getByRole("heading", { name: "Use Kizuna with your Etsy shop" }).waitFor();
    await settled(page);
    await screenshot(page, "etsy-only-signup-en");

    await page.getByRole("button", { name: "Connect with Etsy" }).click();
    await page.waitForURL(`${config.origin}/oauth/connect**`);
    await page.getByLabel(DEMO_ETSY_SELLER.shopName).check();
    await page.getByRole("button", { name: "Allow access" }).click();
    await page.waitForURL(`${config.appUrl}/etsy/callback**`);
    await page.getByText("We sent a sign-in link to o***@kizunacrafts.example").waitFor();
    await screenshot(page, "etsy-only-callback-en");

    // An Etsy message forwarded to the inbox (as the notification-mail parser stores it).
    const received = await receiveMessage(app!.db, SHOP, {
      channel: "etsy",
      providerMessageId: "etsy-e2e-1",
      identities: [{ kind: "etsy_buyer", value: "71000002" }],
      contactName: "Emma Clarke",
      orderId: "etsy:3100000002",
      subject: "Etsy Conversation with Emma Clarke",
      text: "Hello! Has my tea cup shipped yet? <script>alert(1)</script>",
      kind: "message",
      etsyUrl: "https://www.etsy.com/conversations/555",
      receivedAt: new Date(),
    });
    if (received.dropped) throw new Error("dropped");
    // The worker's first poll brings the seller's Etsy orders.
    await until(
      "the Etsy orders",
      async () => (await app!.db.order.count({ where: { shop: SHOP, source: "etsy" } })) >= 3,
    );

    const mail = await sandbox!.mail.waitFor((message) => message.to.includes(DEMO_ETSY_SELLER.email), 20_000);
    const link = /(http:\/\/\S+\/inbox\/login\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? "")![1]!;
    await page.goto(link);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    await screenshot(page, "etsy-only-link-en");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${config.appUrl}/inbox`);
    await page.getByText("Emma Clarke").first().waitFor();
    await settled(page);
    await screenshot(page, "etsy-only-inbox-en");
    expect(await page.locator('a[href^="/app/"]').count()).toBe(0);

    await page.getByText("Emma Clarke").first().click();
    await page.waitForURL(`${config.appUrl}/inbox/${received.conversationId}`);
    await page.getByText("Has my tea cup shipped yet?").waitFor();
    const text = await page.locator("body").innerText();
    // The buyer's Etsy order beside the message; script shown as text; no Shopify actions.
    expect(text).toContain("Etsy");
    expect(text).toContain("<script>alert(1)</script>");
    expect(text).not.toMatch(/Refund|Start a return/);
    expect(await page.locator('a[href^="/app/"]').count()).toBe(0);
    await settled(page);
    await screenshot(page, "etsy-only-conversation-en");

    await page.goto(`${config.appUrl}/inbox/${received.conversationId}?locale=ja`);
    await page.getByText("Has my tea cup shipped yet?").waitFor();
    await page.getByRole("button", { name: "サインアウト" }).waitFor();
    await settled(page);
    await screenshot(page, "etsy-only-conversation-ja");
    await page.goto(`${config.appUrl}/inbox?locale=ja`);
    await page.getByText("Emma Clarke").first().waitFor();
    await settled(page);
    await screenshot(page, "etsy-only-inbox-ja");

    await page.getByRole("button", { name: "サインアウト" }).click();
    await page.waitForURL(`${config.appUrl}/inbox/login**`);
    await page.getByRole("heading", { name: "Kizunaの受信箱にサインイン" }).waitFor();
    await screenshot(page, "etsy-only-login-ja");
    await page.goto(`${config.appUrl}/inbox`);
    await page.waitForURL(`${config.appUrl}/inbox/login`);
  }, 240_000);
});
