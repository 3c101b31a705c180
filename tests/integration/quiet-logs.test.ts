// The web process's log, through the production build: admin requests do not
// each print the library's "Authenticating…" lines, and a browser's own
// /favicon.ico gets the icon, not a "no route matches" error with its stack.
import { afterAll, beforeAll, expect, it } from "vitest";
import { adminPage, BROWSER_UA } from "../support/admin-http.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;

beforeAll(async () => {
  stack = await startStack("kizuna-quiet.myshopify.com");
  config = stack.config;
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

it("serves the icon and logs nothing for ordinary admin requests", async () => {
  const logged = stack!.app.output.length;
  const icon = await fetch(`${config.appUrl}/favicon.ico`, { headers: { "User-Agent": BROWSER_UA } });
  expect(icon.status).toBe(200);
  expect(icon.headers.get("Content-Type")).toContain("image/svg+xml");
  expect(await icon.text()).toContain("<svg");
  for (const path of ["", "/orders", "/delays", "/orders"]) {
    const page = await adminPage(config, path);
    expect(page.status).toBe(200);
  }
  const lines = stack!.app.output.slice(logged).filter((line) => line.startsWith("[web]"));
  expect(lines.filter((line) => /Authenticating|No valid session|No route matches|^\[web\]\s+at /.test(line))).toEqual(
    [],
  );
});
