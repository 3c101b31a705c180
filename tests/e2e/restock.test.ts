// Back in stock, end to end in a real browser: a shopper asks to be told on the
// storefront stand-in's product page, the seller receives stock on the
// sandbox's stock page (Shopify's webhooks reach the app), the worker tells the
// shopper by mail (a real SMTP sink), and the seller sees it on the Restock
// page; the Delays page shows what the first scan after install found.
// Screenshots go to artifacts/screenshots/.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { SinkMessage } from "../../sandbox/mail/mail-sink.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import type { RunningApp } from "./support/app.ts";
import { startStack, type TestStack } from "./support/stack.ts";
import { appFrame, countIn, expectPolarisPage, screenshot } from "./support/embedded.ts";

// A seeded product whose only variant is sold out.
const PRODUCT = { handle: "hinoki-bath-mat", title: "Hinoki Bath Mat" };
const SHOPPER = "hanako.e2e@example.jp";

let stack: TestStack | undefined;
let config: SandboxConfig;
let sandbox: TestStack["sandbox"] | undefined;
let app: RunningApp | undefined;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  ensureChromium();
  stack = await startStack("kizuna-restock.myshopify.com", { mail: true });
  ({ config, sandbox, app } = stack);
  browser = await launchBrowser({ width: 1440, height: 1000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${app!.output.slice(-40).join("\n")}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function mailTo(address: string, count: number): Promise<SinkMessage[]> {
  return until(`${count} mail(s) to ${address}`, async () => {
    const messages = (await sandbox!.mail.messages()).filter((message) => message.envelope.to.includes(address));
    return messages.length >= count ? messages : null;
  });
}

async function openApp(page: Page, path: string, title: string) {
  await page.goto(adminUrl(config, {}, path.slice("/app".length)));
  const frame = await appFrame(page, config, path);
  await expectPolarisPage(frame, title);
  return frame;
}

describe("back in stock, from the storefront to the inbox", () => {
  it("tells a shopper who signed up, once, when the seller restocks, and shows it to the seller", async () => {
    const seller = await browser!.context.newPage();
    seller.on("pageerror", (error) => console.error(`page error: ${error.message}`));

    // The seller opens Kizuna: install, backfill from the Admin API, then a delay scan of the shop.
    await openApp(seller, "/app", "Kizuna");
    await until("the install's backfill", async () => {
      const shop = await app!.db.shop.findUnique({ where: { domain: config.shop } });
      return shop?.syncStatus === "idle" && shop.syncedAt !== null;
    });

    // Quiet hours would hold the alert until morning in Tokyo; the seller turns them off
    // (same start and end) so that this test means the same at any hour.
    const settings = await openApp(seller, "/app/settings", "Settings");
    await settings.getByLabel("Quiet hours start").selectOption("00:00");
    await settings.getByLabel("Quiet hours end").selectOption("00:00");
    await settings.getByRole("button", { name: "Save", exact: true }).click();
    await until("the settings to be saved", async () => {
      const saved = await app!.db.shopSettings.findUnique({ where: { shop: config.shop } });
      return saved?.quietStart === "00:00" && saved.quietEnd === "00:00";
    });

    // The shopper asks to be told, in Japanese (the storefront's default language).
    const shopper = await browser!.context.newPage();
    await shopper.goto(`${config.origin}/store/products/${PRODUCT.handle}`);
    const block = shopper.locator("[data-kizuna-notify]");
    await block.getByLabel("メールアドレス").fill(SHOPPER);
    await block.getByRole("button", { name: "入荷通知を受け取る" }).click();
    await block.getByRole("status").filter({ hasText: "ご登録ありがとうございます" }).waitFor();
    await screenshot(shopper, "storefront-notify-me");
    const [confirmation] = await mailTo(SHOPPER, 1);
    expect(confirmation!.subject).toContain(PRODUCT.title);
    expect(confirmation!.text).toMatch(/様/);

    // The seller receives two units on the sandbox's stock page (Shopify's admin).
    const stock = await browser!.context.newPage();
    await stock.goto(`${config.origin}/stock`);
    // Its first location (the demo shop stocks it at two).
    const row = stock.getByRole("row").filter({ hasText: PRODUCT.title }).first();
    await row.getByRole("spinbutton").fill("2");
    await row.getByRole("button", { name: "Receive" }).click();
    await stock
      .getByRole("status")
      .filter({ hasText: `${PRODUCT.title}: 2 available` })
      .waitFor();

    // inventory_levels/update → a restock episode → the first wave → the alert, in the shopper's language.
    const mails = await mailTo(SHOPPER, 2);
    const alert = mails.find((message) => message.subject.includes("再入荷しました"));
    expect(alert, mails.map((m) => m.subject).join(" | ")).toBeDefined();
    expect(alert!.subject).toBe(`${PRODUCT.title} が再入荷しました`);
    expect(alert!.text).toContain(`${config.origin}/products/${PRODUCT.handle}?variant=`);
    // Not a transactional notice: one-click unsubscribe (RFC 8058).
    expect(alert!.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
    await stock.goto(`${config.origin}/mail/${encodeURIComponent(alert!.id)}`);
    await screenshot(stock, "mail-restock-alert");
    await stock.goto(`${config.origin}/stock`);

    // The seller sees the episode and the alert on the Restock page.
    const restock = await openApp(seller, "/app/restock", "Back in stock");
    const restockText = await restock.locator("body").innerText();
    expect(restockText).toContain(PRODUCT.title);
    expect(countIn(restockText, "Alerts sent")).toBe(1);
    expect(countIn(restockText, "Waiting")).toBe(0);
    await screenshot(seller, "restock-after-alert");

    // The first scan after install found the seeded shop's late orders.
    const openCases = await until("the delay scan after install", async () => {
      const count = await app!.db.delayCase.count({ where: { shop: config.shop, status: "open" } });
      return count > 0 ? count : null;
    });
    const delays = await openApp(seller, "/app/delays", "Delays");
    const delaysText = await delays.locator("body").innerText();
    expect(delaysText).toContain(`${openCases} open ·`);
    expect(delaysText).toMatch(
      /Not shipped in time|On hold|Carrier problem|Estimate passed|No carrier scan|Likely late/,
    );
    await screenshot(seller, "delays-open-cases");

    // More stock while the episode runs: the shopper was told in this episode and is not told again.
    const inventoryEvents = () =>
      app!.db.webhookEvent.count({
        where: { shop: config.shop, topic: "inventory_levels/update", status: "processed" },
      });
    const before = await inventoryEvents();
    await row.getByRole("spinbutton").fill("1");
    await row.getByRole("button", { name: "Receive" }).click();
    await stock
      .getByRole("status")
      .filter({ hasText: `${PRODUCT.title}: 3 available` })
      .waitFor();
    await until("the second stock webhook to be processed", async () => (await inventoryEvents()) > before);
    await new Promise((done) => setTimeout(done, 3_000));
    expect((await sandbox!.mail.messages()).filter((m) => m.envelope.to.includes(SHOPPER))).toHaveLength(2);
  });
});
