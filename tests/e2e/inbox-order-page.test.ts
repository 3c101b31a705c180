// A customer's question from their order page to the answer by mail, in a real
// browser: the customer reads the seller's self-help answer on the order page
// (its opening counted), then writes on their phone from the order page (through
// the storefront's app proxy); the seller answers in the embedded inbox with a
// saved reply; the mail sink has the answer, threaded (our Message-ID, the
// conversation's reply address as Reply-To); the customer's answer by mail
// (POST /inbound/email, as an inbound provider forwards it) lands in the same
// conversation, and the order page shows the shop's reply. Screenshots go to
// artifacts/screenshots/inbox-order-page-*.png.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderLinkToken } from "../../app/storefront/order-link.server.ts";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { appFrame, expectPolarisPage, screenshot } from "./support/embedded.ts";
import { launchPhone, PHONE } from "./support/phone.ts";
import { startStack, type TestStack } from "./support/stack.ts";

const SHOP = "kizuna-inbox-order-page-e2e.myshopify.com";
const INBOUND_SECRET = "e2e-inbound-secret-0123456789abcdef";
const INBOUND_DOMAIN = "in.kizuna-e2e.localhost";

let stack: TestStack | undefined;
let config: SandboxConfig;
let desktop: TestBrowser | undefined;
let phone: TestBrowser | undefined;

beforeAll(async () => {
  ensureChromium();
  stack = await startStack(SHOP, {
    mail: true,
    env: { INBOUND_EMAIL_SECRET: INBOUND_SECRET, INBOUND_DOMAIN },
  });
  ({ config } = stack);
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
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${stack!.app.output.slice(-30).join("\n")}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function newPage(browser: TestBrowser): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

describe("a question from the order page, answered in the inbox, answered again by mail", () => {
  it("keeps the whole exchange in one conversation", async () => {
    const db = stack!.app.db;
    const seller = await newPage(desktop!);
    // The first load installs the shop and starts the backfill.
    await seller.goto(adminUrl(config));
    await expectPolarisPage(await appFrame(seller, config), "Kizuna");
    const delayed = stack!.sandbox.seed!.orders.find((order) => order.scenario === "delayed")!;
    const orderId = String(delayed.id).replace(/^gid:\/\/shopify\/Order\//, "");
    const order = await until("the delayed order, mirrored", () =>
      db.order.findUnique({ where: { shop_id: { shop: SHOP, id: orderId } } }),
    );
    expect(order.email).toBeTruthy();
    await db.savedReply.create({
      data: {
        shop: SHOP,
        locale: "ja",
        title: "配送状況のご案内",
        body: "{{name}}様\n\nご注文{{order}}は配送業者に確認し、明日お届け予定です。ご注文ページ: {{order_page}}",
      },
    });

    // The seller's self-help answer about shipping: the order travels, so the page offers it first.
    const selfHelp = await db.selfHelpAnswer.create({
      data: {
        shop: SHOP,
        topic: "shipping",
        locale: "ja",
        title: "お届けまでの日数",
        body: "通常、発送から2〜3日でお届けします。離島は1〜2日多くかかります。",
      },
    });

    // The customer, on their phone, writes from the order page (the signed link every notice carries).
    const link = `${config.origin}/apps/kizuna/orders/${orderId}?t=${encodeURIComponent(
      orderLinkToken(SHOP, orderId, { secret: config.apiSecret }),
    )}`;
    const customer = await newPage(phone!);
    expect((await customer.goto(link))?.status()).toBe(200);
    // The answer opens in place, and the opening is counted for Analytics.
    await customer.getByText("よくあるご質問").waitFor();
    await customer.getByText("お届けまでの日数").tap();
    await customer.getByText("通常、発送から2〜3日でお届けします。").waitFor();
    await screenshot(customer, "inbox-order-page-0-self-help-answer");
    await until(
      "the answer's read to be counted",
      async () => (await db.selfHelpAnswer.findUniqueOrThrow({ where: { id: selfHelp.id } })).reads === 1,
    );
    await customer.locator("#message").fill("荷物の追跡が止まったままです。いつ届きますか？");
    await Promise.all([customer.waitForNavigation(), customer.getByRole("button", { name: "送信" }).tap()]);
    expect(customer.url()).toContain("notice=message_sent");
    await customer.getByText("メッセージを送信しました").waitFor();
    expect(await customer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(customer, "inbox-order-page-1-customer-writes");
    const conversation = await until("the order's conversation", () =>
      db.conversation.findFirst({ where: { shop: SHOP, orderId, channel: "order_page" } }),
    );

    // The seller answers in the embedded inbox with a saved reply.
    await seller.goto(`${adminUrl(config, {}, `/inbox/${conversation.id}`)}?locale=ja`);
    const frame = await appFrame(seller, config, `/app/inbox/${conversation.id}`);
    await frame.getByText("荷物の追跡が止まったままです").waitFor();
    await frame.getByLabel("定型文").selectOption({ label: "[ja] 配送状況のご案内" });
    const box = frame.getByRole("textbox", { name: "返信" });
    await until("the saved reply in the box", async () => (await box.inputValue()).includes(`ご注文${order.name}`));
    await frame.getByRole("button", { name: "送信", exact: true }).click();
    await frame.getByText("返信を送信しました").waitFor({ timeout: 20_000 });
    await screenshot(seller, "inbox-order-page-2-seller-replied");

    // The answer in the customer's mailbox: threaded, its Reply-To the conversation's own address.
    const mail = await stack!.sandbox.mail.waitFor((message) => message.to.includes(order.email!), 20_000);
    expect(mail.text).toContain(`ご注文${order.name}は配送業者に確認し`);
    const replyTo = mail.headers["reply-to"] ?? "";
    expect(replyTo).toContain(`reply+${conversation.replyToken}@${INBOUND_DOMAIN}`);
    expect(mail.messageId).toMatch(/^<.+@.+>$/);
    const sent = await db.message.findFirstOrThrow({
      where: { shop: SHOP, conversationId: conversation.id, direction: "outgoing" },
    });
    expect(sent.providerMessageId).toBe(mail.messageId);

    // The customer answers by mail (their client keeps only the subject and the Message-ID it answers).
    const raw = [
      `From: ${order.email}`,
      `To: reply+${conversation.replyToken}@${INBOUND_DOMAIN}`,
      `Subject: Re: ${mail.subject}`,
      `Message-ID: <answer-${Date.now()}@customer.example>`,
      `In-Reply-To: ${mail.messageId}`,
      `Date: ${new Date().toUTCString()}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: 8bit",
      "",
      "ありがとうございます。明日受け取れます！",
      "",
      `${new Date().getFullYear()}年12月4日 10:00 ショップ <shop@example.com>:`,
      "> ご注文は配送業者に確認し、明日お届け予定です。",
      "",
    ].join("\r\n");
    const posted = await fetch(`${stack!.app.url}/inbound/email`, {
      method: "POST",
      headers: { Authorization: `Bearer ${INBOUND_SECRET}`, "Content-Type": "message/rfc822" },
      body: raw,
    });
    expect(posted.status).toBe(200);
    expect(((await posted.json()) as { conversationId: number }).conversationId).toBe(conversation.id);
    const answer = await db.message.findFirstOrThrow({
      where: { shop: SHOP, conversationId: conversation.id, direction: "incoming", channel: "email" },
    });
    // Shown without the quoted history.
    expect(answer.text).toBe("ありがとうございます。明日受け取れます！");

    await seller.reload();
    const again = await appFrame(seller, config, `/app/inbox/${conversation.id}`);
    await again.getByText("明日受け取れます").waitFor();
    await screenshot(seller, "inbox-order-page-3-answer-by-mail");

    // The order page shows the shop's reply too.
    await customer.goto(link);
    await customer.getByText(`ご注文${order.name}は配送業者に確認し`, { exact: false }).waitFor();
    await screenshot(customer, "inbox-order-page-4-reply-on-the-page");
  }, 240_000);
});
