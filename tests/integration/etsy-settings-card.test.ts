// The Settings page's Etsy card in a real browser, embedded in the admin
// stand-in, with the app's production build talking to the sandbox's Etsy
// stand-in: Connect opens Etsy's consent page in its own tab, "Allow" lands on
// the app's callback page, the card then names the linked shop, its orders
// once polled, and Disconnect keeps them. Screenshots (English and Japanese)
// go to artifacts/screenshots/etsy-card-*.png.
import { randomBytes } from "node:crypto";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl } from "../../sandbox/admin/index.ts";
import { linkEtsyShopThroughApp, sandboxEtsyEnv } from "../../sandbox/etsy/link-through-app.ts";
import { DEMO_ETSY_SELLER } from "../../sandbox/etsy/seed.ts";
import { waitFor } from "../support/pipeline.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { RunningSandbox } from "../../sandbox/server.ts";
import { adminPost } from "../support/admin-http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { freePort } from "../support/redis-server.ts";
import { ensureBuild, startApp, type RunningApp } from "../e2e/support/app.ts";
import { appFrame, expectPolarisPage, screenshot } from "../e2e/support/embedded.ts";
import { startTestSandbox } from "../e2e/support/sandbox.ts";

const SHOP = "kizuna-etsy-card.myshopify.com";
let config: SandboxConfig;
let sandbox: RunningSandbox | undefined;
let app: RunningApp | undefined;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  ensureChromium();
  ensureBuild();
  const [webPort, sandboxPort] = [await freePort(), await freePort()];
  config = {
    origin: `http://127.0.0.1:${sandboxPort}`,
    appUrl: `http://127.0.0.1:${webPort}`,
    apiKey: "kizuna-etsy-card-client",
    apiSecret: `kizuna-test-${randomBytes(8).toString("hex")}`,
    shop: SHOP,
    apiVersion: "2026-07",
  };
  sandbox = (await startTestSandbox(config, sandboxPort)) as RunningSandbox;
  app = await startApp(config, sandboxEtsyEnv(config.origin));
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await sandbox?.close();
});

async function settings(page: Page, locale: "en" | "ja"): Promise<Frame> {
  await page.goto(`${adminUrl(config, {}, "/settings")}?locale=${locale}`);
  const frame = await appFrame(page, config, "/app/settings");
  await expectPolarisPage(frame, locale === "ja" ? "設定" : "Settings");
  return frame;
}

const card = (frame: Frame, heading: string) =>
  frame
    .locator(".Polaris-Card, .Polaris-ShadowBevel")
    .filter({ has: frame.getByRole("heading", { name: heading, exact: true }) })
    .last();

describe("the Etsy card in Settings", () => {
  it("connects on Etsy's page, shows the linked shop and its orders, and disconnects keeping them", async () => {
    const page = await browser!.context.newPage();
    let frame = await settings(page, "en");
    const etsy = card(frame, "Etsy");
    await etsy.getByRole("button", { name: "Connect Etsy shop" }).click();
    const onward = etsy.getByRole("link", { name: "Continue on Etsy" });
    await onward.waitFor();
    expect(await onward.getAttribute("target")).toBe("_blank");
    await etsy.scrollIntoViewIfNeeded();
    await screenshot(page, "etsy-card-en-connect");

    // Etsy's consent page in its own tab, then back to the app's callback.
    const consent = await browser!.context.newPage();
    await consent.goto((await onward.getAttribute("href"))!);
    await consent.getByRole("button", { name: "Allow access" }).click();
    await consent.getByRole("heading", { name: "Etsy shop linked" }).waitFor();
    expect(new URL(consent.url()).pathname).toBe("/etsy/callback");
    expect(await consent.locator("body").innerText()).toContain(DEMO_ETSY_SELLER.shopName);
    await screenshot(consent, "etsy-callback-en");
    // The same answer again (a replay), and a forged state: 400 over real HTTP, nothing changes.
    // The link itself (its tokens and shop), not the first receipts poll's progress, which runs meanwhile.
    const link = async () => {
      const row = await app!.db.etsyLink.findUniqueOrThrow({ where: { shop: SHOP } });
      const { lastPolledAt: _polled, pollCursor: _cursor, updatedAt: _updated, ...rest } = row;
      return rest;
    };
    const linkedRow = await link();
    const replay = await fetch(consent.url(), { headers: { "accept-language": "ja" } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("すでに使われています");
    const forged = await fetch(`${config.appUrl}/etsy/callback?state=forged&code=abc`);
    expect(forged.status).toBe(400);
    expect(await link()).toEqual(linkedRow);
    await consent.close();

    // Linking queues the shop's first receipts poll at once: the worker brings the demo shop's receipts in.
    await waitFor(
      "the first receipts poll",
      async () => (await app!.db.order.count({ where: { shop: SHOP, source: "etsy" } })) === 3,
    );
    await waitFor("the poll recorded", async () =>
      Boolean((await app!.db.etsyLink.findUnique({ where: { shop: SHOP } }))?.lastPolledAt),
    );

    frame = await settings(page, "en");
    const linked = card(frame, "Etsy");
    await linked.getByText(`Linked to ${DEMO_ETSY_SELLER.shopName}`).waitFor();
    expect(await linked.innerText()).toContain("3 Etsy orders in Kizuna");
    expect(await linked.innerText()).toContain("Orders last checked");
    await linked.scrollIntoViewIfNeeded();
    await screenshot(page, "etsy-card-en-linked");

    const ja = await settings(page, "ja");
    const jaCard = card(ja, "Etsy連携");
    await jaCard.getByText(`${DEMO_ETSY_SELLER.shopName} と連携中`).waitFor();
    expect(await jaCard.innerText()).toContain("KizunaにあるEtsyの注文：3件");
    await jaCard.scrollIntoViewIfNeeded();
    await screenshot(page, "etsy-card-ja-linked");

    frame = await settings(page, "en");
    const again = card(frame, "Etsy");
    await again.getByRole("button", { name: "Disconnect" }).click();
    await again.getByText("Etsy shop disconnected. Its orders stay in Kizuna.").waitFor();
    await again.getByRole("button", { name: "Connect Etsy shop" }).waitFor();
    expect(await app!.db.etsyLink.count({ where: { shop: SHOP } })).toBe(0);
    expect(await app!.db.order.count({ where: { shop: SHOP, source: "etsy" } })).toBe(3);

    // The demo's way, with no browser: linked again through the app; the orders are the same three.
    expect(await linkEtsyShopThroughApp(config)).toEqual({ status: 200 });
    await waitFor("linked again and polled", async () =>
      Boolean((await app!.db.etsyLink.findUnique({ where: { shop: SHOP } }))?.lastPolledAt),
    );
    expect(await app!.db.order.count({ where: { shop: SHOP, source: "etsy" } })).toBe(3);
    await page.close();
  });

  it("the card's action route answers an unknown intent 400 and a connect with Etsy's consent URL", async () => {
    const bogus = await adminPost(config, "/app/etsy", { intent: "refund-everything" });
    expect(bogus.status).toBe(400);
    const connect = await adminPost(config, "/app/etsy", { intent: "connect" });
    expect(connect.status).toBe(200);
    const body = (await connect.json()) as { ok: boolean; authorizeUrl?: string };
    const url = new URL(body.authorizeUrl!);
    expect(`${url.origin}${url.pathname}`).toBe(`${config.origin}/oauth/connect`);
    expect(url.searchParams.get("redirect_uri")).toBe(`${config.appUrl}/etsy/callback`);
    const unsigned = await fetch(`${config.appUrl}/app/etsy`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "intent=disconnect",
      redirect: "manual",
    });
    expect(unsigned.status).not.toBe(200);
  });
});
