// `npm run bench -- restock`: back-in-stock fan-out (DESIGN.md "Performance
// targets": 100,000 subscribers for one variant queued in < 10 s, delivered to
// the SMTP sink at >= 1,000/s, worker RSS < 256 MB). In one run:
//   (a) queue — a fresh SQLite database with N subscribers for one sold-out
//       variant; stock comes back; runWave claims every RestockAlert row and its
//       notify enqueues one BullMQ job per subscriber (addBulk, jobId = the
//       notice dedupe key) under a throw-away Redis prefix;
//   (b) deliver — a separate worker process (this file, forked) drains the
//       queue at concurrency >= 20: reads the subscription by id from the
//       database, sends through a pooled nodemailer transport to a real SMTP
//       sink; deliveries/s and the worker's peak RSS;
//   (c) baseline — another forked process sends the same kind of message
//       straight through the same pooled transport, no queue, no database:
//       the ratio (b)/(c) shows what our code costs over raw SMTP.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue, Worker, type Job } from "bullmq";
import nodemailer, { type Transporter } from "nodemailer";
import { createDb, type Db } from "../app/db.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { runWave, startEpisodeIfRestocked } from "../app/restock/episodes.server.ts";
import { restockDedupeKey } from "../app/restock/notifier.server.ts";
import type { RestockEpisode, RestockSubscription } from "../app/restock/types.ts";
import { startMailSink } from "../sandbox/mail/mail-sink.ts";
import { hasFlag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { REDIS_URL, redisCleanup, sqliteDatabase } from "./lib/resources.ts";

export const description =
  "restock fan-out: claim + queue alerts for 100,000 subscribers, deliver them to an SMTP sink, worker RSS, vs raw SMTP";

export const usage = `npm run bench -- restock [--subscribers 100000] [--concurrency 50] [--pool 10] [--baseline 20000] [--no-baseline]
  --subscribers   subscribers waiting for the one variant (default 100000)
  --concurrency   BullMQ worker concurrency (default 50, at least 20)
  --pool          SMTP connections in the pooled transport (default 10)
  --baseline      messages for the raw-SMTP baseline (default 20000)
  --no-baseline   skip the baseline
  --compose       compose every message with nodemailer (default: render once per locale, raw send)
  --no-deliver    only measure (a), claim + queue`;

const TARGETS = { queueS: 10, deliveriesPerS: 1_000, rssMb: 256 } as const;
const SHOP = "kizuna-bench.myshopify.com";
const VARIANT = "44000000000000001";
const ITEM = "45000000000000001";
const QUEUE_NAME = "restock-bench";
const SELF = fileURLToPath(import.meta.url);
const HEAP_MB = 96;

interface AlertJob {
  subscriptionId: number;
  episodeId: number;
}

/** A notify that batches concurrent calls into one addBulk. */
function queueingNotify(queue: Queue<AlertJob>, batch = 1000) {
  let pending: {
    job: { name: string; data: AlertJob; opts: { jobId: string } };
    done: () => void;
    fail: (e: unknown) => void;
  }[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const taken = pending;
    pending = [];
    if (taken.length === 0) return;
    try {
      await queue.addBulk(taken.map((p) => p.job));
      for (const p of taken) p.done();
    } catch (error) {
      for (const p of taken) p.fail(error);
    }
  };
  return (subscription: RestockSubscription, episode: RestockEpisode) =>
    new Promise<void>((done, fail) => {
      pending.push({
        job: {
          name: "restock",
          data: { subscriptionId: subscription.id, episodeId: episode.id },
          // BullMQ ids may not contain ":".
          opts: { jobId: restockDedupeKey(subscription, episode).replaceAll(":", "-") },
        },
        done,
        fail,
      });
      if (pending.length >= batch) void flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}

async function seed(db: Db, subscribers: number): Promise<void> {
  await db.product.create({
    data: { shop: SHOP, id: "43000000000000001", title: "藍染めトートバッグ", handle: "aizome-tote" },
  });
  await db.variant.create({
    data: {
      shop: SHOP,
      id: VARIANT,
      productId: "43000000000000001",
      inventoryItemId: ITEM,
      title: "Indigo",
      price: "4800",
    },
  });
  await db.inventoryLevel.create({ data: { shop: SHOP, inventoryItemId: ITEM, locationId: "1", available: 0 } });
  // One wave for everyone: 40,000 units x 3 per unit >= 100,000.
  await db.shopSettings.create({ data: { shop: SHOP, restockPerUnit: 3 } });
  const start = Date.now() - subscribers * 1000;
  for (let i = 0; i < subscribers; i += 5000) {
    await db.restockSubscription.createMany({
      data: Array.from({ length: Math.min(5000, subscribers - i) }, (_, k) => ({
        shop: SHOP,
        variantId: VARIANT,
        email: `shopper${i + k}@example.jp`,
        locale: (i + k) % 3 === 0 ? "en" : "ja",
        createdAt: new Date(start + (i + k) * 1000),
      })),
    });
  }
}

function message(to: string, locale: string) {
  const ja = locale === "ja";
  return {
    from: '"Kizuna Bench" <shop@kizuna-bench.example>',
    to,
    subject: ja ? "再入荷のお知らせ：藍染めトートバッグ" : "Back in stock: Aizome tote",
    text: ja
      ? "お待たせしました。藍染めトートバッグ（Indigo）が再入荷しました。\nhttps://kizuna-bench.myshopify.com/products/aizome-tote"
      : "Good news: the Aizome tote (Indigo) is back in stock.\nhttps://kizuna-bench.myshopify.com/products/aizome-tote",
  };
}

/**
 * A fan-out sends one text to many people: render the MIME body once per
 * locale and add only the per-recipient headers (To, Message-ID, Date), then
 * hand nodemailer the raw message. `--compose` builds every message with
 * nodemailer's composer instead (what a per-customer template costs).
 */
function templateSender(transport: Transporter, compose: boolean) {
  if (compose) return (to: string, locale: string) => transport.sendMail(message(to, locale));
  const encodeHeader = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString("base64")}?=`;
  const bodies = new Map<string, string>();
  const bodyOf = (locale: string) => {
    let body = bodies.get(locale);
    if (!body) {
      const m = message("", locale);
      const text = Buffer.from(m.text.replace(/\n/g, "\r\n")).toString("base64").replace(/.{76}/g, "$&\r\n");
      body =
        `From: ${m.from}\r\nSubject: ${encodeHeader(m.subject)}\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${text}\r\n`;
      bodies.set(locale, body);
    }
    return body;
  };
  let sequence = 0;
  return (to: string, locale: string) =>
    transport.sendMail({
      envelope: { from: "shop@kizuna-bench.example", to: [to] },
      raw:
        `To: ${to}\r\nDate: ${new Date().toUTCString()}\r\n` +
        `Message-ID: <${process.pid}.${++sequence}@kizuna-bench.example>\r\n${bodyOf(locale)}`,
    });
}

// ---- child processes ----

type ChildMessage = { type: "ready" } | { type: "done"; sent: number; maxRssMb: number; seconds: number };

async function workerChild(): Promise<void> {
  const db = createDb(process.env.BENCH_DATABASE_URL!);
  const transport = nodemailer.createTransport({
    url: process.env.BENCH_SMTP_URL,
    pool: true,
    maxConnections: Number(process.env.BENCH_POOL),
    maxMessages: Infinity,
  } as never);
  const send = templateSender(transport, process.env.BENCH_COMPOSE === "1");
  // Jobs carry ids only; the concurrent jobs' subscriptions are read in one query per tick.
  let waiting: { id: number; resolve: (s: RestockSubscription | undefined) => void; reject: (e: unknown) => void }[] =
    [];
  const lookup = (id: number) =>
    new Promise<RestockSubscription | undefined>((resolve, reject) => {
      if (waiting.push({ id, resolve, reject }) > 1) return;
      setImmediate(() => {
        const batch = waiting;
        waiting = [];
        db.restockSubscription.findMany({ where: { id: { in: batch.map((w) => w.id) } } }).then(
          (rows) => {
            const byId = new Map(rows.map((row) => [row.id, row]));
            for (const w of batch) w.resolve(byId.get(w.id));
          },
          (error: unknown) => {
            for (const w of batch) w.reject(error);
          },
        );
      });
    });
  const started = Date.now();
  let sent = 0;
  const worker = new Worker<AlertJob>(
    QUEUE_NAME,
    async (job: Job<AlertJob>) => {
      const subscription = await lookup(job.data.subscriptionId);
      if (!subscription?.email) return;
      await send(subscription.email, subscription.locale);
      sent += 1;
    },
    {
      connection: { url: REDIS_URL, maxRetriesPerRequest: null },
      prefix: process.env.BENCH_PREFIX!,
      concurrency: Number(process.env.BENCH_CONCURRENCY),
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    },
  );
  await worker.waitUntilReady();
  process.send!({ type: "ready" } satisfies ChildMessage);
  process.on("message", async () => {
    await worker.close();
    transport.close();
    await db.$disconnect();
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    process.send!({ type: "done", sent, maxRssMb, seconds: (Date.now() - started) / 1000 } satisfies ChildMessage, () =>
      process.exit(0),
    );
  });
}

async function baselineChild(): Promise<void> {
  const count = Number(process.env.BENCH_COUNT);
  const transport = nodemailer.createTransport({
    url: process.env.BENCH_SMTP_URL,
    pool: true,
    maxConnections: Number(process.env.BENCH_POOL),
    maxMessages: Infinity,
  } as never);
  const send = templateSender(transport, process.env.BENCH_COMPOSE === "1");
  process.send!({ type: "ready" } satisfies ChildMessage);
  const started = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await send(`shopper${i}@example.jp`, i % 3 === 0 ? "en" : "ja");
    }
  };
  await Promise.all(Array.from({ length: Number(process.env.BENCH_CONCURRENCY) }, lane));
  transport.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.send!(
    { type: "done", sent: count, maxRssMb, seconds: (Date.now() - started) / 1000 } satisfies ChildMessage,
    () => process.exit(0),
  );
}

function forkChild(mode: "worker" | "baseline", env: Record<string, string>): ChildProcess {
  return fork(SELF, [], {
    // The worker's heap is capped as a deployment would (NODE_OPTIONS), so GC keeps RSS flat.
    execArgv: ["--import", "tsx", `--max-old-space-size=${HEAP_MB}`],
    env: { ...process.env, BENCH_RESTOCK_CHILD: mode, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function nextMessage(child: ChildProcess, type: ChildMessage["type"]): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`${type}: child exited with ${code}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

// ---- the run ----

const rate = (n: number, s: number) => Math.round(n / s).toLocaleString("en");
const verdict = (ok: boolean) => (ok ? "ok" : "below target");

export async function run(args: readonly string[]): Promise<void> {
  const subscribers = numberFlag(args, "subscribers", 100_000);
  const concurrency = Math.max(20, numberFlag(args, "concurrency", 50));
  const pool = numberFlag(args, "pool", 10);
  const baselineCount = hasFlag(args, "no-baseline") ? 0 : numberFlag(args, "baseline", 20_000);
  const deliver = !hasFlag(args, "no-deliver");
  const compose = hasFlag(args, "compose") ? "1" : "0";
  const cleanup = new Cleanup();
  const removeHandlers = cleanup.onSignals();
  const children: ChildProcess[] = [];
  cleanup.defer("stop child processes", () => {
    for (const child of children) if (child.exitCode === null) child.kill();
  });
  try {
    const url = sqliteDatabase(cleanup);
    await migrate(url);
    const db = createDb(url);
    cleanup.defer("disconnect the database", () => db.$disconnect());
    const prefix = redisCleanup(cleanup);
    const queue = new Queue<AlertJob>(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix });
    cleanup.defer("close the queue", () => queue.close());
    const sink = await startMailSink({ maxMessages: 100 });
    cleanup.defer("stop the mail sink", () => sink.close());

    console.log(`restock fan-out: ${subscribers.toLocaleString("en")} subscribers for one variant (SQLite)`);
    const seedStart = Date.now();
    await seed(db, subscribers);
    console.log(`  seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    // (a) stock comes back: episode, then claim + queue every alert.
    await db.inventoryLevel.updateMany({ where: { shop: SHOP, inventoryItemId: ITEM }, data: { available: 40_000 } });
    const queueStart = performance.now();
    const [episode] = await startEpisodeIfRestocked(db, SHOP, ITEM);
    if (!episode) throw new Error("no episode started");
    const wave = await runWave(db, SHOP, episode.id, queueingNotify(queue));
    const queueS = (performance.now() - queueStart) / 1000;
    const queued = await queue.getWaitingCount();
    const claimed = await db.restockAlert.count({ where: { episodeId: episode.id } });
    if (wave.notified !== subscribers || queued !== subscribers || claimed !== subscribers) {
      throw new Error(
        `expected ${subscribers} alerts, got notified ${wave.notified}, queued ${queued}, claimed ${claimed}`,
      );
    }

    console.log("\n(a) claim + queue");
    console.log(
      `  ${subscribers.toLocaleString("en")} alerts claimed and queued in ${queueS.toFixed(2)} s = ${rate(subscribers, queueS)} jobs/s` +
        `   target < ${TARGETS.queueS} s: ${verdict(queueS < TARGETS.queueS)}`,
    );
    if (!deliver) return;

    // (b) a worker process delivers them.
    const worker = forkChild("worker", {
      BENCH_DATABASE_URL: url,
      BENCH_SMTP_URL: sink.url,
      BENCH_PREFIX: prefix,
      BENCH_POOL: String(pool),
      BENCH_CONCURRENCY: String(concurrency),
      BENCH_COMPOSE: compose,
    });
    children.push(worker);
    await nextMessage(worker, "ready");
    sink.clear();
    const deliverStart = performance.now();
    while (sink.received() < subscribers) {
      await new Promise((done) => setTimeout(done, 100));
      if (worker.exitCode !== null) throw new Error("worker exited early");
    }
    const deliverS = (performance.now() - deliverStart) / 1000;
    const finished = nextMessage(worker, "done");
    worker.send("stop");
    const workerReport = (await finished) as Extract<ChildMessage, { type: "done" }>;
    const deliveredPerS = subscribers / deliverS;

    // (c) the baseline: raw pooled SMTP sends, same sink, same concurrency.
    let baselinePerS: number | null = null;
    let baselineRssMb = 0;
    if (baselineCount > 0) {
      sink.clear();
      const baseline = forkChild("baseline", {
        BENCH_SMTP_URL: sink.url,
        BENCH_POOL: String(pool),
        BENCH_CONCURRENCY: String(concurrency),
        BENCH_COUNT: String(baselineCount),
        BENCH_COMPOSE: compose,
      });
      children.push(baseline);
      const done = nextMessage(baseline, "done");
      await nextMessage(baseline, "ready");
      const report = (await done) as Extract<ChildMessage, { type: "done" }>;
      baselinePerS = report.sent / report.seconds;
      baselineRssMb = report.maxRssMb;
      if (sink.received() < baselineCount) throw new Error(`baseline: sink received ${sink.received()}`);
    }

    console.log(
      `\n(b) delivery: BullMQ worker process, concurrency ${concurrency}, pooled SMTP (${pool} connections), ` +
        `${compose === "1" ? "every message composed by nodemailer" : "MIME rendered once per locale"}, heap cap ${HEAP_MB} MB`,
    );
    console.log(
      `  ${subscribers.toLocaleString("en")} delivered to the SMTP sink in ${deliverS.toFixed(1)} s = ${rate(subscribers, deliverS)}/s` +
        `   target >= ${TARGETS.deliveriesPerS.toLocaleString("en")}/s: ${verdict(deliveredPerS >= TARGETS.deliveriesPerS)}`,
    );
    console.log(
      `  worker peak RSS ${workerReport.maxRssMb.toFixed(0)} MB   target < ${TARGETS.rssMb} MB: ${verdict(workerReport.maxRssMb < TARGETS.rssMb)}`,
    );
    if (baselinePerS !== null) {
      console.log(`\n(c) baseline: raw pooled SMTP sends, no queue, no database, same concurrency`);
      console.log(
        `  ${baselineCount.toLocaleString("en")} sent at ${Math.round(baselinePerS).toLocaleString("en")}/s, peak RSS ${baselineRssMb.toFixed(0)} MB`,
      );
      console.log(`  ratio kizuna / raw SMTP: ${(deliveredPerS / baselinePerS).toFixed(2)}`);
    }
  } finally {
    await cleanup.runAll();
    removeHandlers();
  }
}

const childMode = process.env.BENCH_RESTOCK_CHILD;
if (childMode === "worker") void workerChild();
else if (childMode === "baseline") void baselineChild();
