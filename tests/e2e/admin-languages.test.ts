// The admin in Japanese and English in a real browser, embedded in the admin
// stand-in: opened with the admin's ?locale=ja, every page from the admin's
// nav is Japanese (headings, <html lang>, Polaris's own texts) and stays so
// through client-side navigation; screenshots of every page in both languages
// at 1024 and 1440 px go to artifacts/screenshots/ (admin-<lang>-<width>-<page>.png),
// with nothing wider than the frame.
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { sendShopData } from "./support/app.ts";
import { startStack, type TestStack } from "./support/stack.ts";
import { appFrame as appFrameOf, expectPolarisPage, screenshot } from "./support/embedded.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
let browser: TestBrowser | undefined;
/** An order's and a return's own page (not in the nav): found once the shop's data is in. */
let detailPages: { path: string; title: string }[] = [];

beforeAll(async () => {
  ensureChromium();
  stack = await startStack("kizuna-e2e-languages.myshopify.com");
  config = stack.config;
  await sendShopData(stack.app, config, ["orders/create", "products/update", "customers/create"]);
  const order = await stack.app.db.order.findFirstOrThrow({ where: { shop: config.shop } });
  const verdict = {
    decision: "review",
    reasons: [{ code: "seller_reviews" }, { code: "keep_item", title: "Example T-Shirt" }],
    lines: [],
    currency: order.currency,
    itemsValue: order.totalPrice,
    restockingFee: "0",
    shippingFee: "0",
    expectedAmount: order.totalPrice,
    creditBonus: "0",
    windowEndsOn: null,
    noShipment: false,
  };
  await stack.app.db.return.create({
    data: {
      shop: config.shop,
      id: "990001",
      orderId: order.id,
      name: `${order.name}-R1`,
      status: "REQUESTED",
      source: "order_page",
      verdict: JSON.stringify(verdict),
      resolution: "refund",
      customerNote: "The sleeves are too short.",
      requestedAt: new Date(),
    },
  });
  detailPages = [
    { path: `/app/orders/${order.id}`, title: order.name },
    { path: "/app/returns/990001", title: `${order.name}-R1` },
  ];
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const PAGES = {
  ja: [
    { path: "/app", nav: "ホーム", title: "Kizuna" },
    { path: "/app/orders", nav: "注文管理", title: "注文管理" },
    { path: "/app/returns", nav: "返品", title: "返品" },
    { path: "/app/delays", nav: "配送遅延", title: "配送遅延" },
    { path: "/app/restock", nav: "再入荷", title: "再入荷" },
    { path: "/app/notices", nav: "通知", title: "通知" },
    { path: "/app/settings", nav: "設定", title: "設定" },
    { path: "/app/inbox", nav: "受信箱", title: "受信箱" },
    { path: "/app/analytics", nav: "分析", title: "分析" },
    { path: "/app/activity", nav: "アクティビティ", title: "アクティビティ" },
  ],
  en: [
    { path: "/app", nav: "Home", title: "Kizuna" },
    { path: "/app/orders", nav: "Orders", title: "Orders" },
    { path: "/app/returns", nav: "Returns", title: "Returns" },
    { path: "/app/delays", nav: "Delays", title: "Delays" },
    { path: "/app/restock", nav: "Restock", title: "Back in stock" },
    { path: "/app/notices", nav: "Notices", title: "Notices" },
    { path: "/app/settings", nav: "Settings", title: "Settings" },
    { path: "/app/inbox", nav: "Inbox", title: "Inbox" },
    { path: "/app/analytics", nav: "Analytics", title: "Analytics" },
    { path: "/app/activity", nav: "Activity", title: "Activity" },
  ],
};

async function newPage(width: number): Promise<Page> {
  const page = await browser!.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

const appFrame = (page: Page, path: string): Promise<Frame> => appFrameOf(page, config, path);

/** Nothing in the frame is wider than the frame, and no table hides columns in its own scroll. */
async function expectFits(frame: Frame, where: string): Promise<void> {
  const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${where}: wider than the frame by ${overflow}px`).toBeLessThanOrEqual(1);
  const hidden = await frame.evaluate(() =>
    [...document.querySelectorAll(".Polaris-IndexTable__ScrollContainer")].map(
      (table) => table.scrollWidth - table.clientWidth,
    ),
  );
  for (const columns of hidden)
    expect(columns, `${where}: a table's columns go ${columns}px past its edge`).toBeLessThanOrEqual(1);
}

describe("the admin's languages in the browser", () => {
  it("opens in Japanese with ?locale=ja and stays Japanese through the admin's nav", async () => {
    const page = await newPage(1280);
    await page.goto(`${adminUrl(config)}?locale=ja`);
    const home = await appFrame(page, "/app");
    await expectPolarisPage(home, "Kizuna");
    expect(await home.evaluate(() => document.documentElement.lang)).toBe("ja");
    expect(await home.locator("body").innerText()).toContain("今すぐ対応が必要なこと");
    // The admin's nav shows the app's NavMenu in Japanese.
    await page.locator("#app-nav a", { hasText: "配送遅延" }).waitFor();

    for (const item of PAGES.ja.slice(1)) {
      await page.locator("#app-nav a", { hasText: item.nav }).click();
      const frame = await appFrame(page, item.path);
      await frame.getByRole("heading", { level: 1, name: item.title }).waitFor();
      // Client-side: the same document, the language kept in the app's URL.
      expect(new URL(frame.url()).searchParams.get("locale")).toBe("ja");
      expect(await frame.evaluate(() => document.documentElement.lang)).toBe("ja");
    }
    // A link inside a page (Polaris's Button url) keeps it too: Activity's "遅延を確認する".
    const activity = await appFrame(page, "/app/activity");
    await activity.getByRole("link", { name: "遅延を確認する" }).click();
    const delays = await appFrame(page, "/app/delays");
    await delays.getByRole("heading", { level: 1, name: "配送遅延" }).waitFor();
    expect(new URL(delays.url()).searchParams.get("locale")).toBe("ja");
    await page.close();
  });

  for (const width of [1024, 1440]) {
    for (const language of ["ja", "en"] as const) {
      it(`every page in ${language} at ${width} px: its heading, fitting the frame (screenshots)`, async () => {
        const page = await newPage(width);
        for (const item of [...PAGES[language], ...detailPages]) {
          await page.goto(`${adminUrl(config, {}, item.path.slice("/app".length))}?locale=${language}`);
          const frame = await appFrame(page, item.path);
          await expectPolarisPage(frame, item.title);
          expect(await frame.evaluate(() => document.documentElement.lang)).toBe(language);
          const text = await frame.locator("body").innerText();
          // No raw message key ("orders.columns.date") on the page.
          expect(text).not.toMatch(
            /\b(?:nav|common|errors|home|orders|returns|delays|restock|notices|settings|inbox|analytics)\.[a-z]\w*\.\w/,
          );
          await expectFits(frame, `${language} ${width} ${item.path}`);
          await screenshot(page, `admin-${language}-${width}-${item.path.slice(1).replace(/\//g, "-")}`);
        }
        await page.close();
      });
    }
  }
});
