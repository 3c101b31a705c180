// A return, end to end in a real browser: the customer of a delayed parcel gets
// the delay notice (a real SMTP sink), opens their order page from its signed
// link on a phone (375×812, touch) through the storefront's app proxy, and asks
// for a return, seeing the policy's answer first; the seller approves it and
// settles the refund in the embedded admin (Returns in the nav → the return →
// Approve → Receive and settle → confirm), through the Admin API emulator; the
// refund notice reaches the customer in Japanese, and the order page says the
// money went back. Screenshots of each step go to artifacts/screenshots/.
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { SinkMessage } from "../../sandbox/mail/mail-sink.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import type { RunningApp } from "./support/app.ts";
import { appFrame, expectPolarisPage, screenshot } from "./support/embedded.ts";
import { launchPhone, PHONE } from "./support/phone.ts";
import { startStack, type TestStack } from "./support/stack.ts";

const SHOP = "kizuna-returns-e2e.myshopify.com";

let stack: TestStack | undefined;
let config: SandboxConfig;
let sandbox: TestStack["sandbox"] | undefined;
let app: RunningApp | undefined;
let desktop: TestBrowser | undefined;
let phone: TestBrowser | undefined;

beforeAll(async () => {
  ensureChromium();
  stack = await startStack(SHOP, { mail: true });
  ({ config, sandbox, app } = stack);
  // Quiet hours (21:00–08:00 in Tokyo) would hold the delay notice until morning: off, so the test means the same at any hour.
  const quietHoursOff = { quietStart: "00:00", quietEnd: "00:00" };
  await app.db.shopSettings.upsert({
    where: { shop: SHOP },
    create: { shop: SHOP, ...quietHoursOff },
    update: quietHoursOff,
  });
  [desktop, phone] = await Promise.all([launchBrowser({ width: 1440, height: 1000 }), launchPhone()]);
}, 300_000);

afterAll(async () => {
  await Promise.all([desktop?.close(), phone?.close()]);
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

/** The mail the notice of `kind` for `orderId` became, once the sink has it. */
async function noticeMail(kind: string, orderId: string): Promise<{ mail: SinkMessage; locale: string }> {
  const notice = await until(`a ${kind} notice for order ${orderId}`, () =>
    app!.db.notice.findFirst({ where: { shop: SHOP, orderId, kind, channel: "email", status: "sent" } }),
  );
  const mail = await until(`the ${kind} mail in the sink`, async () =>
    (await sandbox!.mail.messages()).find(
      (message) => message.envelope.to.includes(notice.recipient ?? "") && message.subject === notice.subject,
    ),
  );
  return { mail, locale: notice.locale };
}

/** The order page link a notice carries (Kizuna's, signed), not Shopify's order status page. */
function orderPageLink(mail: SinkMessage, orderId: string): string | null {
  const found = new RegExp(`https?://[^\\s"'<>]+/apps/kizuna/orders/${orderId}\\?t=[^\\s"'<>]+`).exec(
    `${mail.text ?? ""}\n${mail.html ?? ""}`,
  );
  return found ? found[0].replace(/&amp;/g, "&") : null;
}

async function newPage(browser: TestBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

async function expectFitsThePhone(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
}

async function returnPage(seller: Page, returnId: string, name: string): Promise<Frame> {
  const frame = await appFrame(seller, config, `/app/returns/${encodeURIComponent(returnId)}`);
  await expectPolarisPage(frame, name);
  return frame;
}

describe("a return from the delay notice to the refund", () => {
  it("is asked for on the phone, approved and refunded in the admin, and the customer is told", async () => {
    const delayed = sandbox!.seed!.orders.find((order) => order.scenario === "delayed");
    expect(delayed).toBeDefined();
    const orderId = String(delayed!.id).replace(/^gid:\/\/shopify\/Order\//, "");

    // The seller opens Kizuna: install, backfill, delay scan; the carrier's DELAYED event makes a delay notice.
    const seller = await newPage(desktop!);
    await seller.goto(adminUrl(config));
    await expectPolarisPage(await appFrame(seller, config), "Kizuna");
    const { mail: delayMail, locale } = await noticeMail("delay", orderId);
    expect(locale).toBe("ja");
    const link = orderPageLink(delayMail, orderId);
    expect(link, `the delay notice has no order page link:\n${delayMail.text}`).not.toBeNull();
    expect(new URL(link!).origin).toBe(config.origin);

    // The customer taps the link on their phone: the order page through the app proxy, in Japanese.
    const customer = await newPage(phone!);
    await customer.goto(`${config.origin}/mail/${encodeURIComponent(delayMail.id)}`);
    await screenshot(customer, "returns-1-delay-mail");
    const opened = await customer.goto(link!);
    expect(opened?.status()).toBe(200);
    await customer.getByRole("heading", { level: 1 }).waitFor();
    const orderText = await customer.locator("body").innerText();
    expect(orderText).toContain(delayed!.name);
    expect(orderText).toContain("渡辺");
    expect(orderText).toContain("Ferry to Hokkaido cancelled");
    await expectFitsThePhone(customer);
    await screenshot(customer, "returns-2-order-page-phone");

    // The return form: a line, a reason, a note; the policy's answer shows before sending.
    await customer.getByRole("link", { name: "返品を依頼する" }).tap();
    const form = customer.locator("#return-form");
    await form.waitFor();
    await customer.selectOption("#qty-0", "1");
    await customer.selectOption("#reason-0", "changed-mind");
    await customer.locator("#note").fill("届くのが遅くなったので、返品させてください。");
    const verdict = customer.locator("#verdict");
    // The answer, and why: this shop's policy has the seller review every request.
    await verdict.getByText("ショップが確認します", { exact: true }).waitFor({ timeout: 10_000 });
    expect(await verdict.innerText()).toContain("返品のご依頼はすべてショップが確認します");
    await expectFitsThePhone(customer);
    await screenshot(customer, "returns-3-return-form-verdict");
    await Promise.all([customer.waitForNavigation(), form.locator('button[name="intent"][value="submit"]').tap()]);
    if (!customer.url().includes("notice=return_requested")) {
      await screenshot(customer, "returns-4-request-refused");
      throw new Error(`the request was not sent (${customer.url()}):\n${await customer.locator("body").innerText()}`);
    }
    expect(await customer.locator("body").innerText()).toContain("ご依頼済み");
    await screenshot(customer, "returns-4-requested-phone");

    const requested = await until("the return in the mirror", () =>
      app!.db.return.findFirst({ where: { shop: SHOP, orderId, source: "order_page", status: "REQUESTED" } }),
    );
    const name = requested.name ?? requested.id;

    // The seller: Returns in the nav, the waiting return, Approve.
    await seller.locator("#app-nav a", { hasText: "Returns" }).click();
    const list = await appFrame(seller, config, "/app/returns");
    await expectPolarisPage(list, "Returns");
    const row = list.getByRole("row").filter({ hasText: delayed!.name });
    await row.first().waitFor();
    expect(await row.first().innerText()).toContain("Requested");
    await screenshot(seller, "returns-5-admin-list");
    await row.first().getByRole("link").first().click();
    let detail = await returnPage(seller, requested.id, name);
    expect(await detail.locator("body").innerText()).toContain("届くのが遅くなったので");
    await screenshot(seller, "returns-6-admin-return-requested");
    await detail.getByRole("button", { name: "Approve" }).click();
    await until("Shopify to confirm the approval", async () => {
      const row = await app!.db.return.findUnique({ where: { shop_id: { shop: SHOP, id: requested.id } } });
      return row?.status === "OPEN";
    });

    // Receive and settle: the amount is Shopify's suggestion, shown before the seller confirms.
    detail = await returnPage(seller, requested.id, name);
    const settle = detail.getByRole("button", { name: /^Receive and settle/ });
    await settle.waitFor({ timeout: 15_000 });
    expect(await settle.innerText()).toMatch(/¥[\d,]+/);
    await screenshot(seller, "returns-7-admin-return-open");
    await settle.click();
    await detail.getByRole("button", { name: "Yes, do it" }).click();
    const refund = await until("the refund to succeed", () =>
      app!.db.moneyAction.findFirst({ where: { shop: SHOP, returnId: requested.id, state: "succeeded" } }),
    );
    expect(await app!.db.moneyAction.count({ where: { shop: SHOP, returnId: requested.id } })).toBe(1);
    detail = await returnPage(seller, requested.id, name);
    // The money action on the return, as Shopify confirmed it.
    await detail.getByText("Done", { exact: true }).first().waitFor({ timeout: 15_000 });
    await screenshot(seller, "returns-8-admin-return-refunded");

    // The customer's mail: the refund notice, in Japanese, linking to the order page.
    const { mail: refundMail, locale: refundLocale } = await noticeMail("refund_issued", orderId);
    expect(refundLocale).toBe("ja");
    expect(refundMail.subject).toContain("ご返金");
    expect(refundMail.text).toContain("ご返金いたしました");
    const refundLink = orderPageLink(refundMail, orderId);
    expect(refundLink).not.toBeNull();
    await customer.goto(`${config.origin}/mail/${encodeURIComponent(refundMail.id)}`);
    await screenshot(customer, "returns-9-refund-mail");

    // The order page says the money went back.
    await customer.goto(refundLink!);
    const finalText = await customer.locator("body").innerText();
    expect(finalText).toMatch(/返金しました/);
    // Received and settled: no longer asked to send the items back.
    expect(finalText).toContain("ショップが商品を受け取りました");
    expect(finalText).not.toContain("商品をお送りください");
    // Nothing is left to return: the order page no longer offers it.
    expect(finalText).toContain("このご注文の商品はすべて返品のお手続きに入っています");
    await expect(customer.getByRole("link", { name: "返品を依頼する" }).count()).resolves.toBe(0);
    expect(refund.amount).toBeTruthy();
    await expectFitsThePhone(customer);
    await screenshot(customer, "returns-10-order-page-refunded");
  });
});
