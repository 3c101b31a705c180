// The inbox in a real browser, embedded in the admin stand-in: the list with
// the longest waiting customer first, a conversation with its customer panel
// (the customer's Shopify order beside it), a saved reply inserted with its
// variables filled, the tone check warning before a defensive reply goes out,
// the reply sent and in the mail sink; the same pages in Japanese.
// Screenshots of each step go to artifacts/screenshots/inbox-*.png.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiveMessage } from "../../app/inbox/receive-message.server.ts";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { appFrame, expectPolarisPage, screenshot } from "./support/embedded.ts";
import { startStack, type TestStack } from "./support/stack.ts";

const SHOP = "kizuna-inbox-e2e.myshopify.com";

let stack: TestStack | undefined;
let config: SandboxConfig;
let desktop: TestBrowser | undefined;

beforeAll(async () => {
  ensureChromium();
  stack = await startStack(SHOP, { mail: true });
  ({ config } = stack);
  desktop = await launchBrowser({ width: 1440, height: 1000 });
}, 300_000);

afterAll(async () => {
  await desktop?.close();
  await stack?.close();
});

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function openInAdmin(page: Page, path: string, locale: "en" | "ja") {
  await page.goto(`${adminUrl(config, {}, path)}?locale=${locale}`);
  return appFrame(page, config, `/app${path}`);
}

describe("the inbox in the embedded admin", () => {
  it("answers a customer with a saved reply after the tone check, in English and Japanese", async () => {
    const db = stack!.app.db;
    const seller = await desktop!.context.newPage();
    // The first load installs the shop and starts the backfill; the customer's order comes with it.
    await seller.goto(adminUrl(config));
    await expectPolarisPage(await appFrame(seller, config), "Kizuna");
    const order = await until("a mirrored order with an email", () =>
      db.order.findFirst({ where: { shop: SHOP, email: { not: null }, source: "shopify" }, orderBy: { name: "asc" } }),
    );

    const hour = 3_600_000;
    const write = (
      email: string,
      name: string,
      text: string,
      hoursAgo: number,
      orderId: string | null,
      locale: string,
    ) =>
      receiveMessage(db, SHOP, {
        channel: "email",
        providerMessageId: `<e2e-${email}-${hoursAgo}@customer.example>`,
        identities: [{ kind: "email", value: email }],
        contactName: name,
        locale,
        orderId,
        subject: locale === "ja" ? "注文について" : "About my order",
        text,
        fullText: `${text}\n\nOn Monday, Shop wrote:\n> Your order is on its way.`,
        kind: "message",
        fromAddress: email,
        fromName: name,
        receivedAt: new Date(Date.now() - hoursAgo * hour),
      });
    const asked = await write(
      order.email!,
      "Emma Wilson",
      "Hi, my parcel has not arrived yet. Can you check?",
      26,
      order.id,
      "en",
    );
    if (asked.dropped) throw new Error("dropped");
    await write("sakura@example.jp", "伊藤 さくら", "商品が届いていません。<script>alert(1)</script>", 3, null, "ja");
    await db.savedReply.create({
      data: {
        shop: SHOP,
        locale: "en",
        title: "Parcel on its way",
        body: "Hi {{name}},\n\nYour order {{order}} is on its way. You can follow it on your order page: {{order_page}}",
      },
    });

    // The list: Emma waited longest, so she comes first.
    let list = await openInAdmin(seller, "/inbox", "en");
    await expectPolarisPage(list, "Inbox");
    const rows = list.getByRole("row");
    await rows.nth(1).waitFor();
    expect(await rows.nth(1).innerText()).toContain("Emma Wilson");
    expect(await rows.nth(2).innerText()).toContain("伊藤 さくら");
    await screenshot(seller, "inbox-1-list-en");

    // The conversation, with the order beside it.
    await rows.nth(1).getByRole("link").first().click();
    const conversation = await appFrame(seller, config, `/app/inbox/${asked.conversationId}`);
    await expectPolarisPage(conversation, "Emma Wilson");
    const body = () => conversation.locator("body").innerText();
    expect(await body()).toContain(order.name);
    expect(await body()).toContain("Show full message");
    await screenshot(seller, "inbox-2-conversation-en");

    // A saved reply, filled; then a defensive phrase: the page warns and asks before sending.
    await conversation.getByLabel("Saved replies").selectOption({ label: "[en] Parcel on its way" });
    const box = conversation.getByRole("textbox", { name: "Reply" });
    await until("the saved reply in the box", async () =>
      (await box.inputValue()).includes(`Your order ${order.name}`),
    );
    expect(await box.inputValue()).toMatch(/Hi Emma Wilson,/);
    expect(await box.inputValue()).toMatch(/\/apps\/kizuna\/orders\/\d+\?t=/);
    await box.fill(`${await box.inputValue()}\n\nAs I already said, it is not our fault.`);
    await conversation.getByText("This may sound defensive").waitFor();
    await screenshot(seller, "inbox-3-tone-check-en");
    await conversation.getByRole("button", { name: "Send", exact: true }).click();
    // The first click only asks: nothing is sent yet.
    await conversation.getByText("Send it as it is?").waitFor();
    expect(
      await db.message.count({ where: { shop: SHOP, conversationId: asked.conversationId, direction: "outgoing" } }),
    ).toBe(0);
    await conversation.getByRole("button", { name: "Send anyway" }).click();
    await conversation.getByText("Reply sent.").waitFor({ timeout: 20_000 });
    const mail = await stack!.sandbox.mail.waitFor((message) => message.to.includes(order.email!), 20_000);
    expect(mail.text).toContain(`Your order ${order.name} is on its way.`);
    await screenshot(seller, "inbox-4-replied-en");

    // Resolved: the follow-up with its survey is scheduled; one click on its link rates the answer.
    await conversation.getByRole("button", { name: "Resolve" }).click();
    await conversation.getByText("Conversation resolved.", { exact: false }).waitFor({ timeout: 20_000 });
    const survey = await until("the survey notice", () =>
      db.notice.findFirst({ where: { shop: SHOP, kind: "survey", dedupeKey: `survey:${asked.conversationId}` } }),
    );
    const link = /https?:\/\/\S+\/survey\/[A-Za-z0-9_-]+\?rating=5/.exec(survey.bodyText ?? "")?.[0];
    expect(link, survey.bodyText ?? "").toBeDefined();
    const customer = await desktop!.context.newPage();
    await customer.goto(link!);
    await until(
      "the one-click rating",
      async () =>
        (await db.satisfactionSurvey.findUnique({ where: { conversationId: asked.conversationId } }))?.rating === 5,
    );
    await customer.getByRole("status").waitFor();
    await customer.locator("textarea").fill("とても丁寧でした。");
    await customer.getByRole("button").last().click();
    await until(
      "the comment",
      async () =>
        (await db.satisfactionSurvey.findUnique({ where: { conversationId: asked.conversationId } }))?.comment ===
        "とても丁寧でした。",
    );
    await screenshot(customer, "inbox-7-survey-answered");
    await customer.close();

    const replies = await openInAdmin(seller, "/inbox/replies", "en");
    await expectPolarisPage(replies, "Saved replies");
    expect(await replies.locator("body").innerText()).toContain("Average rating 5.0 from 1 answer");
    await screenshot(seller, "inbox-8-saved-replies-en");

    // The same pages in Japanese; the Japanese customer's script shows as text.
    list = await openInAdmin(seller, "/inbox", "ja");
    await expectPolarisPage(list, "受信箱");
    await screenshot(seller, "inbox-5-list-ja");
    await list.getByRole("link", { name: "伊藤 さくら" }).click();
    const japanese = await until(
      "the Japanese conversation",
      async () => seller.frames().find((frame) => /\/app\/inbox\/\d+$/.test(new URL(frame.url()).pathname)) ?? null,
    );
    await expectPolarisPage(japanese, "伊藤 さくら");
    expect(await japanese.locator("body").innerText()).toContain("<script>alert(1)</script>");
    expect(await japanese.locator("body").innerText()).toContain("お客様にお伝えしたこと");
    await screenshot(seller, "inbox-6-conversation-ja");
  }, 240_000);
});
