// A real browser for tests: Debian's Chromium driven by playwright-core
// (Playwright's own browser downloads cannot work offline), with a fresh
// profile per launch and a desktop Chrome User-Agent — headless Chromium's own
// says "HeadlessChrome", which the Shopify library answers with 410 as a bot.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { ensureChromium } from "../../scripts/ensure-chromium.mjs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface TestBrowser {
  context: BrowserContext;
  userAgent: string;
  close(): Promise<void>;
}

/** What desktop Chrome of the installed version sends (reduced UA: minor versions are zeros). */
export function desktopUserAgent(executable: string): string {
  const version = execFileSync(executable, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const major = /(\d+)\./.exec(version)?.[1] ?? "140";
  return `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}

export async function launchBrowser(viewport = { width: 1280, height: 860 }): Promise<TestBrowser> {
  const executablePath = ensureChromium();
  const userAgent = desktopUserAgent(executablePath);
  const profile = mkdtempSync(join(tmpdir(), "kizuna-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport,
      userAgent,
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
