// `npm run demo`: the whole app on the embedded default (SQLite, local Redis)
// against the sandbox, without a Shopify account. Builds the app; starts the
// sandbox (seeded demo shop, Admin API emulator, admin host, storefront, mail
// and SMS sinks), the web and the worker; installs the app into the demo shop
// (token exchange + backfill through the Admin API); replays the seeded shop
// as signed webhooks; plays a back-in-stock episode; shows the notices sent;
// sends Shopify's example payload for every subscribed topic; and prints where to look.
import { execFileSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { randomUUID } from "node:crypto";
import Redis from "ioredis";
import { createDb, type Db } from "../app/db.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { mirrorCounts } from "../app/shops/shop-overview.server.ts";
import { deleteShopData } from "../app/compliance/redact-shop.server.ts";
import { recordInstall } from "../app/shops/record-install.server.ts";
import { ALL_TOPICS, API_VERSION, type Topic } from "../app/webhooks/topics.ts";
import { appFrameUrl, issueSessionToken } from "../sandbox/admin/index.ts";
import { formatSeedSummary, startSandbox, type RunningSandbox } from "../sandbox/server.ts";
import { examplePayload } from "../sandbox/webhooks/example-payloads.ts";
import { sendWebhook } from "../sandbox/webhooks/send-webhook.ts";
import {
  demoShopSettings,
  orderPageOfDelayedOrder,
  playRestockEpisode,
  printNotices,
  printReturns,
  printTexts,
  SANDBOX_SMS,
} from "./demo-story.ts";
import { demoInboundEnv, playInbox } from "./demo-inbox.ts";
import { writeDemoHistory } from "./demo-history.ts";
import { sandboxEtsyEnv } from "../sandbox/etsy/link-through-app.ts";
import { baseEnv, buildCommand, ROOT, startProcess, waitForExit, WEB_ENTRY, WORKER_ENTRY } from "./lib/processes.ts";
import { sleep, until } from "./lib/wait.ts";

const DEMO_SHOP = "kizuna-demo.myshopify.com";
// Shopify's example payloads go to shops of their own, so the demo shop keeps
// only its seeded data; uninstall and shop/redact go to one that then leaves.
const EXAMPLES_SHOP = "kizuna-examples.myshopify.com";
const DEPARTED_SHOP = "kizuna-departed.myshopify.com";
const API_KEY = "kizuna-sandbox-client-id";
const SECRET = "kizuna-sandbox-secret";
const DATABASE_URL = process.env.DATABASE_URL ?? "file:./data/kizuna.db";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
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
  client.on("error", () => undefined);
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

async function pickPort(from: number): Promise<number> {
  for (let port = from; port < from + 100; port++) if (await portFree(port)) return port;
  throw new Error(`no free port between ${from} and ${from + 99}`);
}

function build(): void {
  const [command, args] = buildCommand();
  execFileSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  await until(`${url} to answer`, async () => {
    if (child.exitCode !== null) throw new Error("the web process stopped (see its output above)");
    return fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
  });
}

/** What Shopify admin does when the seller opens the app: frame it with a fresh session token. */
async function install(sandbox: RunningSandbox): Promise<void> {
  const token = issueSessionToken(sandbox.config, { shop: DEMO_SHOP });
  const response = await fetch(appFrameUrl(sandbox.config, DEMO_SHOP, "", token), {
    headers: { "User-Agent": BROWSER_UA },
  });
  if (!response.ok) throw new Error(`opening the app in the demo shop answered ${response.status}`);
}

/** Sends events and waits until the worker has settled each (processed or failed). */
async function deliverAndSettle(db: Db, deliveries: { key: string; send: () => Promise<number> }[]) {
  const statuses = [];
  for (const delivery of deliveries) statuses.push(await delivery.send());
  const keys = deliveries.map((delivery) => delivery.key);
  const rows = await until("the worker to process the events", async () => {
    const found = await db.webhookEvent.findMany({ where: { key: { in: keys } } });
    return found.every((row) => row.status === "processed" || row.status === "failed") ? found : null;
  });
  return { statuses, rows: new Map(rows.map((row) => [row.key, row])) };
}

async function sendExamples(db: Db, appUrl: string) {
  // Kizuna stores no webhook of a shop it is not installed in: install the two first, as the app does.
  for (const shop of [EXAMPLES_SHOP, DEPARTED_SHOP]) await recordInstall(db, shop, null);
  const shopFor = (topic: Topic) =>
    topic === "shop/redact" || topic === "app/uninstalled" ? DEPARTED_SHOP : EXAMPLES_SHOP;
  const delivery = (topic: Topic) => {
    const eventId = `demo-${randomUUID()}`;
    const shop = shopFor(topic);
    return {
      topic,
      shop,
      key: `${shop}/${topic}/${eventId}`,
      send: async () =>
        (
          await sendWebhook(
            `${appUrl}/webhooks`,
            { topic, shop, body: examplePayload(topic, API_VERSION), eventId },
            SECRET,
          )
        ).status,
    };
  };
  // shop/redact deletes all of its shop's data, its own event row included: last, on its own.
  const first = ALL_TOPICS.filter((topic) => topic !== "shop/redact").map(delivery);
  const redact = delivery("shop/redact");
  const settled = await deliverAndSettle(db, first);
  const redactStatus = await redact.send();
  const redactDone = await until(
    "shop/redact",
    async () => (await db.webhookEvent.count({ where: { shop: DEPARTED_SHOP } })) === 0,
    30_000,
  )
    .then(() => true)
    .catch(() => false);
  console.log(`  ${"topic".padEnd(36)}${"shop".padEnd(32)}${"HTTP".padEnd(6)}status`);
  let done = 0;
  for (const [i, item] of first.entries()) {
    const row = settled.rows.get(item.key);
    if (row?.status === "processed") done += 1;
    const status = row ? row.status + (row.lastError ? ` (${row.lastError})` : "") : "missing";
    console.log(`  ${item.topic.padEnd(36)}${item.shop.padEnd(32)}${String(settled.statuses[i]).padEnd(6)}${status}`);
  }
  if (redactDone) done += 1;
  console.log(
    `  ${"shop/redact".padEnd(36)}${DEPARTED_SHOP.padEnd(32)}${String(redactStatus).padEnd(6)}${redactDone ? "processed (all of the shop's data deleted, this event too)" : "not processed"}`,
  );
  console.log(`\n  ${done} of ${ALL_TOPICS.length} example payloads stored and processed.`);
  return done === ALL_TOPICS.length;
}

async function main(): Promise<void> {
  await checkRedis();
  step("Building the app");
  build();
  await migrate(DATABASE_URL);
  const db = createDb(DATABASE_URL);
  // A new sandbox has a new store and issues new access tokens: the demo
  // shops start afresh (sessions included), as after shop/redact.
  for (const shop of [DEMO_SHOP, EXAMPLES_SHOP, DEPARTED_SHOP]) await db.$transaction((tx) => deleteShopData(tx, shop));

  const appPort = await pickPort(Number(process.env.PORT ?? 3000));
  // The same host as the sandbox (127.0.0.1): the admin frames the app same-site, as a browser that blocks
  // third-party storage would otherwise refuse the app sessionStorage in the frame and React would not start.
  const appUrl = `http://127.0.0.1:${appPort}`;
  step("Starting the sandbox (demo shop, Admin API, admin, storefront, mail and SMS sinks)");
  const sandbox = await startSandbox(
    { appUrl, apiKey: API_KEY, apiSecret: SECRET, shop: DEMO_SHOP, apiVersion: API_VERSION },
    { port: await pickPort(4000) },
  );
  if (sandbox.seed) console.log(formatSeedSummary(sandbox.seed).replace(/^/gm, "  "));

  const env = baseEnv({
    NODE_ENV: "production",
    DATABASE_URL,
    REDIS_URL,
    REDIS_PREFIX: process.env.REDIS_PREFIX ?? "kizuna",
    PORT: String(appPort),
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_SANDBOX: "1",
    SHOPIFY_SANDBOX_ORIGIN: sandbox.config.origin,
    SHOPIFY_ADMIN_API_ORIGIN: sandbox.config.origin,
    SMTP_URL: sandbox.mail.url,
    // The sandbox's Twilio stand-in (its default credentials): shoppers who ask for texts get them.
    ...SANDBOX_SMS(sandbox.config.origin),
    // The Etsy API stand-in, and the worker's SMTP receiver for the inbox.
    ...sandboxEtsyEnv(sandbox.config.origin),
    ...demoInboundEnv(await pickPort(2600)),
  });
  const tag = (name: string) => (line: string) => console.log(`  [${name}] ${line}`);
  step("Starting web and worker");
  const web = startProcess(WEB_ENTRY, env, tag("web"));
  const worker = startProcess(WORKER_ENTRY, env, tag("worker"));
  const stopAll = async () => {
    for (const child of [web, worker]) child.kill("SIGTERM");
    await Promise.all([waitForExit(web), waitForExit(worker)]);
    await sandbox.close();
    await db.$disconnect();
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(0)));
  try {
    await waitUntilUp(`${appUrl}/`, web);

    step(`Installing Kizuna in ${DEMO_SHOP} and backfilling from the Admin API`);
    await demoShopSettings(db, DEMO_SHOP);
    await install(sandbox);
    const shop = await until("the backfill", async () => {
      const row = await db.shop.findUnique({ where: { domain: DEMO_SHOP } });
      if (row?.syncStatus === "failed") throw new Error(`backfill failed: ${row.syncError}`);
      return row?.syncStatus === "idle" && row.syncedAt ? row : null;
    });
    console.log(`  backfill read: ${shop.syncSummary}`);

    step("Replaying the demo shop as signed webhooks (what Shopify sends as things happen)");
    const sent = await sandbox.replay();
    await until("the replayed webhooks to be processed", async () => {
      const waiting = await db.webhookEvent.count({
        where: { shop: DEMO_SHOP, status: { in: ["received", "enqueued"] } },
      });
      return waiting === 0;
    });
    const failed = await db.webhookEvent.count({ where: { shop: DEMO_SHOP, status: "failed" } });
    console.log(`  ${sent} webhooks delivered; ${failed} failed`);
    console.log(`\n  What Kizuna holds for ${DEMO_SHOP}:`);
    for (const [table, count] of Object.entries(await mirrorCounts(db, DEMO_SHOP)))
      console.log(`    ${table.padEnd(20)}${count}`);

    // Delay detection runs after the backfill and as a reaction to each webhook.
    await sleep(3_000);
    const cases = await db.delayCase.groupBy({
      by: ["rule"],
      where: { shop: DEMO_SHOP, status: "open" },
      _count: { _all: true },
    });
    console.log(`\n  Open delay cases: ${cases.map((c) => `${c.rule} ${c._count._all}`).join(", ") || "none"}`);

    step("Returns, in every state (the replay sent each seeded return's history as Shopify's webhooks)");
    const returnsOk = await printReturns(db, sandbox, DEMO_SHOP);

    step("Back in stock: shoppers sign up on the storefront, the seller restocks");
    const restocked = await playRestockEpisode(db, sandbox, "hinoki-bath-mat");

    step("Notices to customers (delays, back in stock), in their language");
    const bothLanguages = await printNotices(db, sandbox, DEMO_SHOP);
    const texted = await printTexts(sandbox);

    step("A customer's own order page (the signed link of their delay notice, through the app proxy)");
    const orderPage = await orderPageOfDelayedOrder(db, sandbox, DEMO_SHOP, env, BROWSER_UA);
    if (orderPage)
      console.log(
        `  ${orderPage.name} (${orderPage.customer ?? "guest"}, delayed${orderPage.notified ? "; told by a delay notice" : ""}) opens: 200`,
      );

    step("The inbox: the Etsy shop linked, customers' and Etsy's mail in, a message from an order page");
    const inbox = await playInbox(
      db,
      sandbox,
      DEMO_SHOP,
      Number(env.INBOUND_SMTP_PORT),
      String(env.INBOUND_DOMAIN),
      orderPage?.url ?? null,
      BROWSER_UA,
    );

    step("Eight weeks of customer care before today, for the Analytics page (a fixed seed, rollups recomputed)");
    const history = await writeDemoHistory(db, DEMO_SHOP);
    console.log(
      `  ${history.conversations} conversations, ${history.messages} messages, ${history.surveys} survey answers over ${history.days} days`,
    );

    step(`Sending Shopify's example payload for each of ${ALL_TOPICS.length} topics (API ${API_VERSION}), signed`);
    const examplesOk = await sendExamples(db, appUrl);

    console.log(`
Where to look:
  Shopify admin (sandbox), with Kizuna embedded:  ${sandbox.adminUrl}
  Shopify admin in Japanese (admin locale=ja):    ${sandbox.adminUrl}?locale=ja
  Storefront (Notify me block, app proxy):        ${sandbox.config.origin}/store
  Mail sink:                                      ${sandbox.config.origin}/mail
  SMS sink:                                       ${sandbox.config.origin}/sms
  Stock (receive inventory, as in Shopify admin): ${sandbox.config.origin}/stock
  Returns in the admin (a tab for each state):    ${sandbox.adminUrl}/returns
  Inbox (every channel, the customer beside it):  ${sandbox.adminUrl}/inbox
  Analytics (eight weeks of history):             ${sandbox.adminUrl}/analytics
  Mail into the inbox: SMTP ${inbox?.smtpUrl ?? "—"} to ${inbox?.address ?? "—"}
    (npm run ops -- inbox-address ${DEMO_SHOP}; npm run ops -- conversations ${DEMO_SHOP})
  Etsy stand-in (the linked Etsy shop's receipts): ${sandbox.config.origin}/v3/application
  A customer's order page (${orderPage?.name ?? "—"}, delayed; phone-sized, ask for a return there):
    ${orderPage?.url ?? "(did not open: see above)"}
  The pipeline, from outside:
    npm run ops -- events          every stored event and its status
    npm run ops -- shops           shops with event counts
    npm run ops -- mirror ${DEMO_SHOP}`);
    if (!examplesOk || failed > 0 || !restocked || !bothLanguages || !texted || !returnsOk || !orderPage || !inbox)
      process.exitCode = 1;
    if (keep) {
      console.log("\nEverything keeps running. Press Ctrl-C to stop.");
      return;
    }
    console.log("\n(Not a terminal: stopping. Run `npm run demo -- --keep` to keep it up.)");
    await stopAll();
  } catch (error) {
    console.error(`demo failed: ${(error as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

await main();
