// Exactly one notice per dedupe key, end to end: the seeded shop is sent to the
// app as Shopify might on a bad day — every webhook three times, shuffled, eight
// at a time — while the worker is killed with SIGKILL once in the middle. The
// app runs as in production (web and worker processes, SQLite, real Redis,
// real SMTP into the sandbox's mail sink). Every sent notice reached the sink
// exactly once, and no notice reached it twice.
import { afterAll, beforeAll, expect, it } from "vitest";
import { appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import { replayShop } from "../../sandbox/webhooks/replay.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { waitFor } from "../support/pipeline.ts";

const SHOP = "kizuna-once.myshopify.com";
// The library turns away bots (and Node's fetch looks like one).
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack(SHOP, { mail: true });
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

it("sends one mail per notice and one notice per dedupe key through triple, shuffled delivery and a worker crash", async () => {
  const { app, sandbox, config } = stack;
  const db = app.db;
  // Quiet hours off, so that the notices go out whatever the hour in Tokyo.
  await db.shopSettings.create({ data: { shop: SHOP, quietStart: "00:00", quietEnd: "00:00" } });

  // The seller opens the app: token exchange, then the backfill through the Admin API.
  const opened = await fetch(appFrameUrl(config, SHOP, "", issueSessionToken(config, { shop: SHOP })), {
    headers: { "User-Agent": USER_AGENT },
  });
  expect(opened.status).toBe(200);
  await waitFor(
    "the backfill",
    async () => (await db.shop.findUnique({ where: { domain: SHOP } }))?.syncStatus === "idle",
    60_000,
  );

  const replay = replayShop(sandbox.store, config, SHOP, { duplicates: 2, reorder: true, seed: 11, concurrency: 8 });
  await waitFor(
    "some events processed",
    async () => (await db.webhookEvent.count({ where: { status: "processed" } })) >= 20,
  );
  await app.killWorker();
  const deliveries = await replay;
  expect(deliveries.length).toBeGreaterThan(100);
  expect(deliveries.every((delivery) => delivery.status === 200)).toBe(true);
  const uniqueEvents = new Set(deliveries.map((delivery) => delivery.eventId)).size;
  expect(deliveries.length).toBe(uniqueEvents * 3);

  // Everything settles: each event stored once and processed, every notice sent (or, if the kill
  // landed inside a send, in the dead-letter list: Kizuna never guesses whether it went out).
  await waitFor(
    "the events to be processed",
    async () => (await db.webhookEvent.count({ where: { shop: SHOP, status: "processed" } })) === uniqueEvents,
    120_000,
  );
  await waitFor(
    "the notices to be delivered",
    async () => (await db.notice.count({ where: { shop: SHOP, status: { in: ["queued", "sending"] } } })) === 0,
    120_000,
  );
  expect(await db.webhookEvent.count({ where: { shop: SHOP } })).toBe(uniqueEvents);

  const notices = await db.notice.findMany({ where: { shop: SHOP } });
  const statuses = notices.map((notice) => `${notice.dedupeKey}: ${notice.status} ${notice.statusReason ?? ""}`);
  const sent = notices.filter((notice) => notice.status === "sent");
  // A send the kill interrupted is not retried (it may have gone out): the seller sees it in the dead-letter list.
  const interrupted = notices.filter((notice) => notice.statusReason?.startsWith("interrupted_mid_send"));
  expect(sent.length + interrupted.length, statuses.join("\n")).toBeGreaterThanOrEqual(5);
  expect(
    notices.filter((notice) => !["sent", "suppressed"].includes(notice.status) && !interrupted.includes(notice)),
    statuses.join("\n"),
  ).toEqual([]);
  expect(new Set(notices.map((notice) => notice.dedupeKey)).size).toBe(notices.length);

  const mailsPerNotice = new Map<number, number>();
  for (const mail of await sandbox.mail.messages()) {
    const id = /^<notice-(\d+)\./.exec(mail.messageId ?? "")?.[1];
    if (id) mailsPerNotice.set(Number(id), (mailsPerNotice.get(Number(id)) ?? 0) + 1);
  }
  for (const notice of sent) expect(mailsPerNotice.get(notice.id), notice.dedupeKey).toBe(1);
  for (const notice of interrupted) expect(mailsPerNotice.get(notice.id) ?? 0, notice.dedupeKey).toBeLessThanOrEqual(1);
  expect([...mailsPerNotice.keys()].every((id) => notices.some((notice) => notice.id === id))).toBe(true);
}, 300_000);
