// `npm run demo`: the main job on the embedded default (SQLite, local Redis).
// Builds the app, starts web + worker, sends Shopify's example payload for
// every subscribed topic (signed, as Shopify would), waits until each is
// processed and prints what was stored and where to look.
import { execFileSync, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { createDb } from "../app/db.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { mirrorCounts } from "../app/shops/shop-overview.server.ts";
import { ALL_TOPICS, API_VERSION, type Topic } from "../app/webhooks/topics.ts";
import { examplePayload } from "../sandbox/webhooks/example-payloads.ts";
import { sendWebhook } from "../sandbox/webhooks/send-webhook.ts";
import { baseEnv, ROOT, startProcess, waitForExit } from "./lib/processes.ts";

const DEMO_SHOP = "kizuna-demo.myshopify.com";
// Uninstall and shop/redact go to a second shop, so the demo shop keeps its data.
const DEPARTED_SHOP = "kizuna-departed.myshopify.com";
const SECRET = "kizuna-sandbox-secret";
const DATABASE_URL = process.env.DATABASE_URL ?? "file:./data/kizuna.db";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const keep =
  process.argv.includes("--keep") ||
  (process.stdout.isTTY && !process.argv.includes("--exit") && process.env.CI !== "true");

const step = (text: string) => console.log(`\n▸ ${text}`);

async function checkRedis(): Promise<void> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    console.error(
      `Kizuna needs Redis for its job queue and cannot reach it at ${REDIS_URL} (${(error as Error).message}).\n` +
        `Start one with:  redis-server --daemonize yes --port 6379 --save ""   or set REDIS_URL.`,
    );
    process.exit(1);
  } finally {
    client.disconnect();
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer().once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function pickPort(): Promise<number> {
  for (let port = Number(process.env.PORT ?? 3000); port < 3100; port++) if (await portFree(port)) return port;
  throw new Error("no free port between 3000 and 3099");
}

function build(): void {
  const require = createRequire(import.meta.url);
  const remix = require.resolve("@remix-run/dev/dist/cli.js");
  execFileSync(process.execPath, [remix, "vite:build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("the web process stopped (see its output above)");
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

function shopFor(topic: Topic): string {
  return topic === "shop/redact" || topic === "app/uninstalled" ? DEPARTED_SHOP : DEMO_SHOP;
}

async function main(): Promise<void> {
  await checkRedis();
  step("Building the app");
  build();
  await migrate(DATABASE_URL);
  const port = await pickPort();
  const appUrl = `http://localhost:${port}`;
  const env = baseEnv({
    NODE_ENV: "production",
    DATABASE_URL,
    REDIS_URL,
    REDIS_PREFIX: process.env.REDIS_PREFIX ?? "kizuna",
    PORT: String(port),
    SHOPIFY_API_KEY: "kizuna-sandbox-client-id",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: appUrl,
  });
  const tag = (name: string) => (line: string) => console.log(`  [${name}] ${line}`);
  step("Starting web and worker");
  const web = startProcess("server/index.ts", env, tag("web"));
  const worker = startProcess("server/worker.ts", env, tag("worker"));
  const stopAll = async () => {
    for (const child of [web, worker]) child.kill("SIGTERM");
    await Promise.all([waitForExit(web), waitForExit(worker)]);
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(0)));
  try {
    await waitUntilUp(`${appUrl}/`, web);

    step(`Sending Shopify's example payload for each of ${ALL_TOPICS.length} topics (API ${API_VERSION}), signed`);
    const db = createDb(DATABASE_URL);
    const sent: { topic: Topic; shop: string; eventId: string; status: number }[] = [];
    const send = async (topic: Topic) => {
      const eventId = `demo-${randomUUID()}`;
      const shop = shopFor(topic);
      const answer = await sendWebhook(
        `${appUrl}/webhooks`,
        { topic, shop, body: examplePayload(topic, API_VERSION), eventId },
        SECRET,
      );
      sent.push({ topic, shop, eventId, status: answer.status });
    };
    const keyOf = (item: (typeof sent)[number]) => `${item.shop}/${item.topic}/${item.eventId}`;
    const settle = async () => {
      const keys = sent.map(keyOf);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const rows = await db.webhookEvent.findMany({ where: { key: { in: keys } } });
        if (Date.now() > deadline || rows.every((row) => row.status === "processed" || row.status === "failed"))
          return rows;
        await new Promise((done) => setTimeout(done, 200));
      }
    };
    // shop/redact deletes everything of its shop, its own event row included:
    // it goes last, once the rest (the same shop's app/uninstalled) is done.
    for (const topic of ALL_TOPICS) if (topic !== "shop/redact") await send(topic);
    step("Waiting for the worker to process them");
    const rows = await settle();
    await send("shop/redact");
    await settle();
    const keys = sent.map(keyOf);
    const redactKey = keys.at(-1)!;
    const redactDone =
      !(await db.webhookEvent.findUnique({ where: { key: redactKey } })) &&
      (await db.order.count({ where: { shop: DEPARTED_SHOP } })) === 0;
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const processed = (item: (typeof sent)[number], i: number) =>
      item.topic === "shop/redact" ? redactDone : byKey.get(keys[i]!)?.status === "processed";
    console.log("");
    console.log(`  ${"topic".padEnd(36)}${"shop".padEnd(32)}${"HTTP".padEnd(6)}status`);
    for (const [i, item] of sent.entries()) {
      const row = byKey.get(keys[i]!);
      // shop/redact deletes its own shop's rows, itself included: gone means done.
      const status =
        item.topic === "shop/redact"
          ? redactDone
            ? "processed (all of the shop's data deleted, this event too)"
            : "not processed"
          : row
            ? row.status + (row.lastError ? ` (${row.lastError})` : "")
            : "missing";
      console.log(`  ${item.topic.padEnd(36)}${item.shop.padEnd(32)}${String(item.status).padEnd(6)}${status}`);
    }
    const done = sent.filter(processed);
    console.log(`\n  ${done.length} of ${sent.length} example payloads stored and processed.`);

    step(`What Kizuna now holds for ${DEMO_SHOP}`);
    for (const [table, count] of Object.entries(await mirrorCounts(db, DEMO_SHOP)))
      console.log(`  ${table.padEnd(20)}${count}`);
    console.log(
      "  (customers/redact came after customers/data_request for the same customer, so that export was deleted\n" +
        "   with the rest of their personal data; uninstall and shop/redact went to " +
        DEPARTED_SHOP +
        ".)",
    );
    await db.$disconnect();

    console.log(`
Where to look:
  App (web process):   ${appUrl}
  Webhook endpoint:    POST ${appUrl}/webhooks
  Pipeline, from outside:
    npm run ops -- events          every stored event and its status
    npm run ops -- shops           shops with event counts
    npm run ops -- mirror ${DEMO_SHOP}`);
    if (done.length !== sent.length) process.exitCode = 1;
    if (keep) {
      console.log("\nWeb and worker keep running. Press Ctrl-C to stop.");
      return;
    }
    console.log("\n(Not a terminal: stopping web and worker. Run `npm run demo -- --keep` to keep them up.)");
    await stopAll();
  } catch (error) {
    console.error(`demo failed: ${(error as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

await main();
