// The Analytics page in a real browser, embedded in the admin stand-in, in
// English and Japanese, with a few weeks of seeded history: Polaris's charts
// (@shopify/polaris-viz) draw in the browser, the heat map and tables are
// there, nothing throws; screenshots go to artifacts/screenshots/analytics-<lang>.png.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { startStack, type TestStack } from "./support/stack.ts";
import { join } from "node:path";
import { appFrame, expectPolarisPage, screenshot, SCREENSHOTS } from "./support/embedded.ts";
import { allDays, recomputeDays } from "../../app/analytics/rollups.server.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
let browser: TestBrowser | undefined;
const errors: string[] = [];

/** A few weeks of conversations on every channel, some answered and resolved, with survey answers. */
async function seedHistory(): Promise<void> {
  const db = stack!.app.db;
  const shop = config.shop;
  const channels = ["email", "email", "sms", "order_page", "etsy"];
  const tags = ["where-is-my-order", "returns", "product-question", "where-is-my-order"];
  for (let index = 0; index < 60; index++) {
    const at = new Date(Date.now() - (index % 40) * 86_400_000 - ((index * 7) % 24) * 3_600_000);
    const channel = channels[index % channels.length]!;
    const contact = await db.contact.create({ data: { shop, name: `Customer ${index}` } });
    const resolved = index % 3 !== 0;
    const conversation = await db.conversation.create({
      data: {
        shop,
        contactId: contact.id,
        channel,
        replyToken: `analytics-e2e-${index}`,
        tags: JSON.stringify([tags[index % tags.length]]),
        status: resolved ? "resolved" : "open",
        resolvedAt: resolved ? new Date(at.getTime() + (index + 2) * 3_600_000) : null,
        firstMessageAt: at,
      },
    });
    await db.message.create({
      data: {
        shop,
        conversationId: conversation.id,
        direction: "incoming",
        channel,
        author: "customer",
        createdAt: at,
      },
    });
    await db.message.create({
      data: {
        shop,
        conversationId: conversation.id,
        direction: "outgoing",
        channel,
        author: "Aiko",
        status: "sent",
        createdAt: new Date(at.getTime() + (10 + index * 13) * 60_000),
      },
    });
    if (resolved && index % 2 === 0)
      await db.satisfactionSurvey.create({
        data: {
          shop,
          conversationId: conversation.id,
          contactId: contact.id,
          token: `analytics-e2e-survey-${index}`,
          rating: 1 + (index % 5),
          comment: index % 4 === 0 ? `Thanks <b>for</b> the help #${index}` : null,
          sentAt: at,
          answeredAt: new Date(at.getTime() + 86_400_000),
        },
      });
  }
  await recomputeDays(db, shop, await allDays(db, shop, new Date()));
}

beforeAll(async () => {
  ensureChromium();
  stack = await startStack("kizuna-e2e-analytics.myshopify.com");
  config = stack.config;
  browser = await launchBrowser();
  await seedHistory();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(locale: "en" | "ja"): Promise<Page> {
  const page = await browser!.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${adminUrl(config, {}, "/analytics")}?locale=${locale}`);
  return page;
}

describe("the Analytics page in the browser", () => {
  for (const [locale, title, contacts] of [
    ["en", "Analytics", "Contacts"],
    ["ja", "分析", "問い合わせ"],
  ] as const) {
    it(`draws its charts in ${locale}`, async () => {
      const page = await open(locale);
      const frame = await appFrame(page, config, "/app/analytics");
      await expectPolarisPage(frame, title);
      expect(await frame.evaluate(() => document.documentElement.lang)).toBe(locale);
      await frame.getByRole("heading", { level: 2, name: contacts, exact: true }).waitFor();
      // polaris-viz draws SVG bars once it has measured its container (browser only).
      await frame.waitForFunction(() => document.querySelectorAll("svg rect, svg path").length > 10, undefined, {
        timeout: 15_000,
      });
      const text = await frame.locator("body").innerText();
      expect(text).toContain(locale === "en" ? "Busiest" : "最も多い時間帯");
      // A customer's comment is shown as text.
      expect(text).toContain("Thanks <b>for</b> the help");
      await screenshot(page, `analytics-${locale}`);
      // The rest of the page, a screen at a time (the frame scrolls inside the admin).
      const height = await frame.evaluate(() => document.documentElement.scrollHeight);
      for (let part = 1; part * 800 < height && part < 8; part++) {
        await frame.evaluate((y) => window.scrollTo(0, y), part * 800);
        await page.screenshot({ path: join(SCREENSHOTS, `analytics-${locale}-${part}.png`) });
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
