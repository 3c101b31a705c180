// What `npm run build` makes is what production runs: plain node on
// build/web and build/worker, importing only production dependencies, and a
// production start without a mail server stops with a message naming
// SMTP_URL. (CI also installs the build with `npm ci --omit=dev` in a fresh
// folder: scripts/ci/production-smoke.ts.)
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../app/db.server.ts";
import { migrate } from "../../app/database/migrate.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { freePort } from "../../sandbox/http.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { sendWebhook } from "../../sandbox/webhooks/send-webhook.ts";
import { baseEnv, ROOT, startProcess, waitForExit, WEB_ENTRY, WORKER_ENTRY } from "../../scripts/lib/processes.ts";
import { deleteRedisKeys } from "../e2e/support/app.ts";
import { REDIS_URL } from "../support/pipeline.ts";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The packages a built file imports (bare specifiers, by package name). */
function importedPackages(file: string): string[] {
  const code = readFileSync(join(ROOT, file), "utf8");
  const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^".][^"]*)"/g)].map((match) => match[1]!);
  const names = specifiers
    // A package name (the bundle's own code also holds strings such as `from ") ?? null` that the pattern catches).
    .filter((specifier) => /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]+)?$/.test(specifier))
    .filter((specifier) => !specifier.startsWith("node:") && !builtinModules.includes(specifier.split("/")[0]!))
    .map((specifier) =>
      specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/"),
    );
  return [...new Set(names)].sort();
}

const BUILT = [
  "build/server/index.js",
  WEB_ENTRY,
  WORKER_ENTRY,
  ...readdirSync(join(ROOT, "build/cli"))
    .filter((name) => name.endsWith(".js"))
    .map((name) => `build/cli/${name}`),
];

describe("the production build", () => {
  it("is started with plain node", () => {
    expect(pkg.scripts.start).toBe(`node ${WEB_ENTRY}`);
    expect(pkg.scripts.worker).toBe(`node ${WORKER_ENTRY}`);
  });

  it.each(BUILT)("%s imports production dependencies only", (file) => {
    const missing = importedPackages(file).filter((name) => !(name in pkg.dependencies));
    expect(missing).toEqual([]);
  });

  it("keeps sandbox, test and build tools out of the dependencies", () => {
    for (const name of ["liquidjs", "tsx", "@remix-run/serve", "@remix-run/dev", "vite", "esbuild", "vitest"]) {
      expect(pkg.dependencies, name).not.toHaveProperty(name);
    }
  });

  it("the web entry takes the app from the Remix build instead of bundling a second copy", () => {
    const web = readFileSync(join(ROOT, WEB_ENTRY), "utf8");
    for (const marker of ["PrismaClient", "createWebhookReceiver", "parseEnv"]) expect(web).not.toContain(marker);
    expect(web).toContain("startWebProcess");
  });
});

describe("the built web and worker processes, with plain node", () => {
  const shop = "kizuna-build.myshopify.com";
  const secret = "build-test-secret";
  let dir: string;
  let db: Db;
  let env: NodeJS.ProcessEnv;
  const prefix = `kizuna-build-${process.pid}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kizuna-build-"));
    const databaseUrl = `file:${join(dir, "build.db")}`;
    await migrate(databaseUrl);
    db = createDb(databaseUrl);
    await recordInstall(db, shop, "read_orders");
    env = baseEnv({
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(await freePort()),
      SHOPIFY_API_SECRET: secret,
      SHOPIFY_APP_URL: "https://kizuna.example.com",
    });
  });

  afterAll(async () => {
    await db?.$disconnect();
    await deleteRedisKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it("store and process a signed webhook, and stop cleanly", async () => {
    const output: string[] = [];
    const web = startProcess(WEB_ENTRY, env, (line) => output.push(`[web] ${line}`));
    const worker = startProcess(WORKER_ENTRY, env, (line) => output.push(`[worker] ${line}`));
    try {
      const url = `http://127.0.0.1:${env.PORT}`;
      // Generous: npm test runs many files at once on two cores.
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (web.exitCode !== null) throw new Error(`web stopped:\n${output.join("\n")}`);
        if (
          await fetch(`${url}/`).then(
            () => true,
            () => false,
          )
        )
          break;
        if (Date.now() > deadline) throw new Error(`web did not answer:\n${output.join("\n")}`);
        await new Promise((done) => setTimeout(done, 100));
      }
      const eventId = randomUUID();
      const body = examplePayload("orders/create", API_VERSION);
      const sent = await sendWebhook(`${url}/webhooks`, { topic: "orders/create", shop, body, eventId }, secret);
      expect(sent.status, output.join("\n")).toBe(200);
      let status: string | undefined;
      while (Date.now() < deadline + 60_000) {
        status = (await db.webhookEvent.findFirst({ where: { shop, eventId } }))?.status;
        if (status === "processed" || status === "failed") break;
        await new Promise((done) => setTimeout(done, 100));
      }
      expect(status, output.join("\n")).toBe("processed");
    } finally {
      web.kill("SIGTERM");
      worker.kill("SIGTERM");
    }
    expect(await Promise.all([waitForExit(web), waitForExit(worker)]), output.join("\n")).toEqual([0, 0]);
  }, 180_000);

  it.each([WEB_ENTRY, WORKER_ENTRY])(
    "%s in production without SMTP_URL stops at start, naming it",
    async (entry) => {
      const lines: string[] = [];
      const child = startProcess(entry, { ...env, SMTP_URL: "" }, (line) => lines.push(line));
      expect(await waitForExit(child)).toBe(1);
      expect(lines.join("\n")).toContain("SMTP_URL is required in production");
    },
    120_000,
  );
});
