// Sandbox mode can never be turned on in a public deployment: web and worker
// refuse to start with SHOPIFY_SANDBOX=1 unless the app URL is local. Without
// it the app is Shopify's: App Bridge from Shopify's CDN, framed only by Shopify's admin.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baseEnv, startProcess, waitForExit } from "../../scripts/lib/processes.ts";
import { freePort } from "../support/redis-server.ts";
import { deleteRedisKeys } from "./support/app.ts";

// The library answers 410 to anything that does not look like a browser.
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

async function start(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const lines: string[] = [];
  const child = startProcess(entry, baseEnv({ DATABASE_URL: "file:/nonexistent/never-used.db", ...env }), (line) =>
    lines.push(line),
  );
  const code = await waitForExit(child);
  return { code, output: lines.join("\n") };
}

async function waitUntilUp(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe("the sandbox switch", () => {
  it.each(["server/index.ts", "server/worker.ts"])(
    "%s refuses SHOPIFY_SANDBOX=1 with a public app URL",
    async (entry) => {
      const { code, output } = await start(entry, {
        SHOPIFY_APP_URL: "https://kizuna.example.com",
        SHOPIFY_SANDBOX: "1",
        SHOPIFY_SANDBOX_ORIGIN: "http://127.0.0.1:4000",
      });
      expect(code).toBe(1);
      expect(output).toContain("SHOPIFY_SANDBOX is 1, which needs a local SHOPIFY_APP_URL");
      expect(output).toContain("https://kizuna.example.com");
    },
  );

  it("refuses a sandbox that is not on this machine, and a sandbox without an origin", async () => {
    const remote = await start("server/index.ts", {
      SHOPIFY_APP_URL: "http://localhost:3000",
      SHOPIFY_SANDBOX: "1",
      SHOPIFY_SANDBOX_ORIGIN: "https://sandbox.example.com",
    });
    expect(remote.code).toBe(1);
    expect(remote.output).toContain("SHOPIFY_SANDBOX_ORIGIN must be a local URL");

    const missing = await start("server/index.ts", { SHOPIFY_APP_URL: "http://localhost:3000", SHOPIFY_SANDBOX: "1" });
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("SHOPIFY_SANDBOX_ORIGIN is required when SHOPIFY_SANDBOX=1");
  });

  it("is off by default: App Bridge comes from Shopify's CDN and only Shopify's admin may frame the app", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kizuna-switch-"));
    const port = await freePort();
    const prefix = `kizuna-switch-${process.pid}`;
    const lines: string[] = [];
    const web = startProcess(
      "server/index.ts",
      baseEnv({
        DATABASE_URL: `file:${join(dir, "switch.db")}`,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      }),
      (line) => lines.push(line),
    );
    try {
      await waitUntilUp(`http://127.0.0.1:${port}/`);
      const shop = "kizuna-switch.myshopify.com";
      // The library's bounce page: what an embedded document request without a valid token gets.
      const bounce = await fetch(`http://127.0.0.1:${port}/auth/session-token?shop=${shop}&embedded=1`, {
        headers: { "User-Agent": BROWSER_UA },
      });
      expect(bounce.status, lines.join("\n")).toBe(200);
      const html = await bounce.text();
      expect(html).toContain('src="https://cdn.shopify.com/shopifycloud/app-bridge.js"');
      expect(html).not.toContain("/admin/app-bridge.js");
      const policy = bounce.headers.get("content-security-policy") ?? "";
      expect(policy).toContain(`frame-ancestors https://${shop} https://admin.shopify.com`);
      expect(policy).not.toContain("127.0.0.1");
    } finally {
      web.kill("SIGTERM");
      await waitForExit(web);
      await deleteRedisKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
