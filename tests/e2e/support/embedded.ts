// Reading the app as it shows in the admin stand-in: its iframe, Polaris
// having rendered, screenshots for the artifacts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { expect } from "vitest";
import { ROOT } from "../../../scripts/lib/processes.ts";
import type { SandboxConfig } from "../../../sandbox/http.ts";

export const SCREENSHOTS = join(ROOT, "artifacts/screenshots");

/** The app's iframe, once its document is the app at `path` (not the bounce page). */
export async function appFrame(page: Page, config: SandboxConfig, path = "/app"): Promise<Frame> {
  const isApp = (frame: Frame) => {
    const url = new URL(frame.url());
    return frame !== page.mainFrame() && url.origin === new URL(config.appUrl).origin && url.pathname === path;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const frame = page.frames().find(isApp);
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`no app frame at ${path}; frames: ${page.frames().map((f) => f.url())}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export async function expectPolarisPage(frame: Frame, title: string): Promise<void> {
  await frame.getByRole("heading", { level: 1, name: title }).waitFor({ timeout: 15_000 });
  // Polaris's stylesheet is applied (its design tokens exist) and React has hydrated the page:
  // cards get their rounded corners from Polaris's breakpoint hook, which only runs in the browser.
  await frame.waitForFunction(() => {
    const card = document.querySelector(".Polaris-ShadowBevel");
    return card !== null && getComputedStyle(card).borderRadius !== "0px";
  });
  const style = await frame.evaluate(() => ({
    token: getComputedStyle(document.documentElement).getPropertyValue("--p-color-bg-surface").trim(),
    font: getComputedStyle(document.body).fontFamily,
  }));
  expect(style.token).not.toBe("");
  expect(style.font).toMatch(/Inter|-apple-system/);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The number shown after `label` (a stat card or a table row) in a page's text. */
export function countIn(text: string, label: string): number {
  const match = new RegExp(`^${label}\\s+([\\d,]+)$`, "m").exec(text);
  return match ? Number(match[1]!.replace(/,/g, "")) : Number.NaN;
}
