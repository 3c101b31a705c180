// The app in a real browser, embedded in the sandbox's admin host the way
// Shopify's admin embeds it: the production build, web and worker as real
// processes (sandbox mode), Debian Chromium. Screenshots of every admin page
// go to artifacts/screenshots/.
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";
import { adminUrl, appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { launchBrowser, type TestBrowser } from "../support/browser.ts";
import { sendShopData, type RunningApp } from "./support/app.ts";
import { startStack, type TestStack } from "./support/stack.ts";
import { appFrame as appFrameOf, countIn, expectPolarisPage, screenshot } from "./support/embedded.ts";

// Shopify's example payloads for these fill the orders, products and customers of the mirror.
const SHOP_DATA = ["orders/create", "products/update", "customers/create"];

let stack: TestStack | undefined;
let config: SandboxConfig;
let app: RunningApp | undefined;
let browser: TestBrowser | undefined;

// On a fresh machine this installs Chromium (about a minute) and builds the app first.
beforeAll(async () => {
  ensureChromium();
  stack = await startStack("kizuna-e2e.myshopify.com");
  ({ config, app } = stack);
  await sendShopData(app, config, SHOP_DATA);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function newPage(): Promise<Page> {
  const page = await browser!.context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

function appFrame(page: Page, path = "/app"): Promise<Frame> {
  return appFrameOf(page, config, path);
}

/** Page headings where they differ from the nav label. */
const PAGE_TITLES: Record<string, string> = { Home: "Kizuna", Restock: "Back in stock" };

function documentRequest(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: "manual", headers: { "User-Agent": browser!.userAgent, ...headers } });
}

describe("the app embedded in the admin stand-in", () => {
  it("loads with a valid session token and shows the shop's data in Polaris", async () => {
    const page = await newPage();
    await page.goto(adminUrl(config));
    const frame = await appFrame(page);
    await expectPolarisPage(frame, "Kizuna");
    expect(await frame.locator("body").innerText()).toContain("Needs you now");
    await screenshot(page, "home");

    // What the webhooks above put in the mirror (the install's backfill may add the emulator's store to it): Activity.
    await page.goto(adminUrl(config, {}, "/activity"));
    const activity = await appFrame(page, "/app/activity");
    await expectPolarisPage(activity, "Activity");
    const text = await activity.locator("body").innerText();
    expect(text).toContain(config.shop);
    expect(countIn(text, "Received")).toBeGreaterThanOrEqual(SHOP_DATA.length);
    for (const label of ["Orders", "Products", "Customers"]) expect(countIn(text, label)).toBeGreaterThanOrEqual(1);
    // The admin frames it: store in the top bar, the app in the nav, App Bridge's nav menu not shown in the app.
    await expect(page.getByTestId("store-name").innerText()).resolves.toContain("Kizuna E2E Store");
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Kizuna", exact: true }).waitFor();
    await expect(activity.locator("ui-nav-menu").isHidden()).resolves.toBe(true);
    expect(new URL(page.url()).pathname).toBe("/admin/store/kizuna-e2e/apps/kizuna/activity");

    await screenshot(page, "activity");
    await page.close();
  });

  it("refuses an expired or a forged session token on document and data requests", async () => {
    const expired = issueSessionToken(config, { shop: config.shop, now: Date.now() - 5 * 60_000 });
    const forged = issueSessionToken({ ...config, apiSecret: "not-the-app-secret" }, { shop: config.shop });
    const valid = issueSessionToken(config, { shop: config.shop });

    const ok = await documentRequest(appFrameUrl(config, config.shop, "", valid));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Needs you now");

    for (const token of [expired, forged]) {
      const refused = await documentRequest(appFrameUrl(config, config.shop, "", token));
      // The library sends a document with a bad token to its bounce page, where App Bridge gets a fresh one.
      expect(refused.status).toBe(302);
      const location = new URL(refused.headers.get("location") ?? "", config.appUrl);
      expect(location.pathname).toBe("/auth/session-token");
      expect(location.searchParams.has("id_token")).toBe(false);
      expect(await refused.text()).not.toContain("Needs you now");
      // The bounce page loads the App Bridge stand-in, and the admin stand-in may frame it.
      const bounce = await documentRequest(location.toString());
      expect(await bounce.text()).toContain(`src="${config.origin}/admin/app-bridge.js"`);
      expect(bounce.headers.get("content-security-policy")).toContain(`frame-ancestors ${config.origin}`);

      const data = await documentRequest(`${config.appUrl}/app.data`, {
        Authorization: `Bearer ${token}`,
      });
      expect(data.status).toBe(401);
      expect(data.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
    }

    const missing = await documentRequest(`${config.appUrl}/app?embedded=1&shop=${config.shop}`);
    expect([302, 303]).toContain(missing.status);
    expect(await missing.text()).not.toContain("Needs you now");
  });

  it("sends a refused token through the bounce page to a fresh one, as App Bridge does", async () => {
    const page = await newPage();
    const forged = issueSessionToken({ ...config, apiSecret: "not-the-app-secret" }, { shop: config.shop });
    const statuses: number[] = [];
    page.on("response", (response) => {
      if (response.url().includes(forged)) statuses.push(response.status());
    });

    // Opened outside the admin: refused, bounced, and App Bridge sends the browser into the admin.
    await page.goto(appFrameUrl(config, config.shop, "", forged));
    await page.waitForURL(`${adminUrl(config)}`, { timeout: 15_000 });
    expect(statuses).toEqual([302]);
    await expectPolarisPage(await appFrame(page), "Kizuna");

    // Inside the admin: the bounce page asks the admin for a token and reloads the app with it.
    const expired = issueSessionToken(config, { shop: config.shop, now: Date.now() - 5 * 60_000 });
    const frame = await appFrame(page);
    await frame.goto(appFrameUrl(config, config.shop, "", expired));
    const reloaded = await appFrame(page);
    await expectPolarisPage(reloaded, "Kizuna");
    const token = new URL(reloaded.url()).searchParams.get("id_token");
    expect(token).toBeTruthy();
    expect(token).not.toBe(expired);
    await page.close();
  });

  it("navigates between the app's pages from the admin's nav and keeps the admin URL in step", async () => {
    const page = await newPage();
    await page.goto(adminUrl(config));
    await expectPolarisPage(await appFrame(page), "Kizuna");
    const adminPathOf = (appPath: string) => adminUrl(config, {}, appPath.slice("/app".length));
    const dataRequest = () => page.waitForResponse((r) => r.url().includes(".data") && r.frame() !== page.mainFrame());

    // Every page in the app's NavMenu (besides home): a nav item that opens it client-side
    // (a data request carrying App Bridge's Bearer token) and a deep link that opens it directly.
    const items = await page
      .locator("#app-nav a")
      .evaluateAll((links) =>
        links.map((link) => ({ label: link.textContent ?? "", href: link.dataset.appHref ?? "" })),
      );
    for (const item of items) {
      const appPath = new URL(item.href, config.appUrl).pathname;
      const data = dataRequest();
      await page.locator("#app-nav a", { hasText: item.label }).click();
      expect((await data).status()).toBe(200);
      // The page's own heading, not the previous page's still on screen during a client-side navigation.
      await (
        await appFrame(page, appPath)
      )
        .getByRole("heading", { level: 1, name: PAGE_TITLES[item.label] ?? item.label })
        .waitFor();
      await page.waitForURL(adminPathOf(appPath));
      await screenshot(page, item.label.toLowerCase().replace(/[^a-z0-9]+/g, "-"));
      await page.goto(adminPathOf(appPath));
      // Hydrated, not only server-rendered: a nav click before that would reach no App Bridge listener.
      await expectPolarisPage(await appFrame(page, appPath), PAGE_TITLES[item.label] ?? item.label);
    }

    // The admin's nav follows changes to the NavMenu, and its items navigate inside the app.
    await page.goto(adminUrl(config));
    const frame = await appFrame(page);
    await expectPolarisPage(frame, "Kizuna");
    await frame.evaluate(() => {
      const link = document.createElement("a");
      link.href = "/app?view=latest";
      link.textContent = "Latest events";
      document.querySelector("ui-nav-menu")!.append(link);
    });
    const data = dataRequest();
    await page.getByRole("link", { name: "Latest events" }).click();
    expect((await data).status()).toBe(200);
    await page.waitForURL(`${adminUrl(config)}?view=latest`);
    expect(new URL(frame.url()).searchParams.get("view")).toBe("latest");

    // The app's own entry leads home; the browser's back button goes back inside the app.
    const home = dataRequest();
    await page.locator("#app-home").click();
    expect((await home).status()).toBe(200);
    await page.waitForURL(adminUrl(config));
    await page.goBack();
    await page.waitForURL(`${adminUrl(config)}?view=latest`);
    await expectPolarisPage(await appFrame(page), "Kizuna");

    const unknown = await page.goto(`${config.origin}/admin/store/kizuna-e2e/apps/not-installed`);
    expect(unknown?.status()).toBe(404);
    await page.close();
  });

  it("gives the app App Bridge: session tokens, authenticated submissions and toasts", async () => {
    const page = await newPage();
    await page.goto(adminUrl(config));
    const frame = await appFrame(page);
    await expectPolarisPage(frame, "Kizuna");

    const claims = await frame.evaluate(async () => {
      const token = await window.shopify.idToken();
      const payload = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(payload)) as Record<string, unknown>;
    });
    expect(claims).toMatchObject({
      dest: `https://${config.shop}`,
      iss: `https://${config.shop}/admin`,
      aud: config.apiKey,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);

    // A form submission to the home page's action is authenticated by the Bearer token App Bridge adds.
    const result = await frame.evaluate(async () => {
      const body = new URLSearchParams({ intent: "replay", eventId: "999999" });
      const response = await fetch("/app/activity.data", { method: "POST", body });
      return { status: response.status, text: await response.text() };
    });
    expect(result.status).toBe(404);
    expect(result.text).toContain("That event does not exist.");

    await frame.evaluate(() => window.shopify.toast.show("Saved by the e2e test"));
    await page.locator(".toast", { hasText: "Saved by the e2e test" }).waitFor();
    await page.close();
  });
});

declare global {
  interface Window {
    shopify: { idToken(): Promise<string>; toast: { show(message: string): string } };
  }
}
