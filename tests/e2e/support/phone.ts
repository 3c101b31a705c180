// A phone for the browser tests: Debian's Chromium as a phone-sized touch
// screen (375×812, the width of most phones), with the User-Agent of Chrome
// on Android of the installed version — a real phone's, not "HeadlessChrome".
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { ensureChromium } from "../../../scripts/ensure-chromium.mjs";
import { CHROMIUM_ARGS, desktopUserAgent, type TestBrowser } from "../../support/browser.ts";

export const PHONE = { width: 375, height: 812 };

/** Chrome on Android of the installed Chromium's major version (reduced UA, as Chrome sends it). */
export function phoneUserAgent(executable: string): string {
  const major = /Chrome\/(\d+)\./.exec(desktopUserAgent(executable))?.[1] ?? "140";
  return `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Mobile Safari/537.36`;
}

export async function launchPhone(): Promise<TestBrowser> {
  const executablePath = ensureChromium();
  const userAgent = phoneUserAgent(executablePath);
  const profile = mkdtempSync(join(tmpdir(), "kizuna-phone-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      userAgent,
      locale: "ja-JP",
    });
    return {
      context,
      userAgent,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
