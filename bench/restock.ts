// `npm run bench -- restock`: back-in-stock fan-out (DESIGN.md "Performance
// targets": 100,000 subscribers for one variant queued in < 10 s, delivered to
// the SMTP sink at >= 1,000/s, worker RSS < 256 MB), through the production
// path end to end. In one run:
//   (a) queue — a fresh SQLite database with N subscribers for one sold-out
//       variant; stock comes back; runWave claims every RestockAlert row and
//       restockNotices' notify queues each notice (Notice row with its dedupe
//       key, rendered in the subscriber's language) and its delivery job
//       (`notice/<id>`) on the notices queue, under a throw-away Redis prefix;
//   (b) deliver — a separate worker process (this file, forked) runs the
//       notices worker as startWorker does (startNoticeWorker, the production
//       mailer, deliverNotice: kind on, suppression, consent, quiet hours,
//       daily cap, claim, send, record) against a real SMTP sink;
//       deliveries/s and the worker's peak RSS;
//   (c) baseline — another forked process sends pre-rendered MIME straight
//       through the mailer's SMTP connection pool, no queue, no database: the
//       ratio (b)/(c) shows what our code costs over raw SMTP.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Queue } from "bullmq";
import { createDb, type Db } from "../app/db.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { createNoticeQueue, producerConnection, workerConnection } from "../app/jobs/queues.server.ts";
import { startNoticeWorker } from "../app/jobs/worker.server.ts";
import type { DeliveryDeps } from "../app/notices/deliver-notice.server.ts";
import { createSmtpMailer, SMTP_POOL_CONNECTIONS } from "../app/notices/mailer.server.ts";
import { createSmtpPool, type SmtpPool } from "../app/notices/smtp-pool.server.ts";
import { NOTICE_BATCH } from "../app/notices/notice-queue.server.ts";
import { localParts, zonedTimeToUtc } from "../app/notices/shop-time.ts";
import { runWave, startEpisodeIfRestocked } from "../app/restock/episodes.server.ts";
import { restockNotices } from "../app/restock/notifier.server.ts";
import { startMailSink } from "../sandbox/mail/mail-sink.ts";
import { ROOT } from "../scripts/lib/processes.ts";
import { hasFlag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { formatSummary, summariseProfile } from "./lib/cpu-profile.ts";
import { REDIS_URL, redisCleanup, sqliteDatabase } from "./lib/resources.ts";

export const description =
  "restock fan-out through the production path: claim + queue notices for 100,000 subscribers, deliver them to an SMTP sink, worker RSS, vs raw SMTP";

export const usage = `npm run bench -- restock [--subscribers 100000] [--concurrency N] [--baseline 20000] [--no-baseline] [--no-deliver] [--profile]
  --subscribers   subscribers waiting for the one variant (default 100000)
  --concurrency   notices worker concurrency (default: the production worker's)
  --baseline      messages for the raw-SMTP baseline (default 20000)
  --no-baseline   skip the baseline
  --no-deliver    only measure (a), claim + queue
  --profile       record a CPU profile of the worker process (node --cpu-prof) and summarise it`;

const TARGETS = { queueS: 10, deliveriesPerS: 1_000, rssMb: 256 } as const;
const SHOP = "kizuna-bench.myshopify.com";
const TIME_ZONE = "Asia/Tokyo";
const VARIANT = "44000000000000001";
const ITEM = "45000000000000001";
const SELF = fileURLToPath(import.meta.url);
const HEAP_MB = 96;
/** The baseline's concurrent sends. */
const BASELINE_LANES = 50;

async function seed(db: Db, subscribers: number): Promise<void> {
  await db.shop.create({ data: { domain: SHOP, name: "Kizuna Bench", currency: "JPY", timezone: TIME_ZONE } });
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

/** Noon today in the shop's zone: outside quiet hours whenever the benchmark runs. */
function shopNoon(): number {
  return zonedTimeToUtc({ ...localParts(new Date(), TIME_ZONE), hour: 12, minute: 0 }, TIME_ZONE).getTime();
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
 * The baseline's sender: the MIME body rendered once per locale, only the
 * per-recipient headers (To, Message-ID, Date) added, handed to the SMTP
 * pool: what the SMTP exchange costs with no composing at all.
 */
function rawSender(pool: SmtpPool) {
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
    pool.send(
      { from: "shop@kizuna-bench.example", to: [to] },
      `To: ${to}\r\nDate: ${new Date().toUTCString()}\r\n` +
        `Message-ID: <${process.pid}.${++sequence}@kizuna-bench.example>\r\n${bodyOf(locale)}`,
    );
}

// ---- child processes ----

type ChildMessage =
  { type: "ready" } | { type: "done"; sent: number; maxRssMb: number; seconds: number; cpuSeconds?: number };

/** The production notices worker, alone in its process. */
async function workerChild(): Promise<void> {
  const db = createDb(process.env.BENCH_DATABASE_URL!);
  const noon = Number(process.env.BENCH_NOON);
  const started = Date.now();
  const deps: DeliveryDeps = {
    mailer: createSmtpMailer(process.env.BENCH_SMTP_URL),
    sms: null,
    // The shop's clock runs from noon, so quiet hours (21:00–08:00) never hold the run up.
    now: () => new Date(noon + (Date.now() - started)),
    publicUrl: "https://kizuna-bench.example",
    secret: "bench-secret",
  };
  const concurrency = process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined;
  const queue = createNoticeQueue(workerConnection(REDIS_URL), process.env.BENCH_PREFIX!);
  const worker = startNoticeWorker({
    db,
    connection: workerConnection(REDIS_URL),
    prefix: process.env.BENCH_PREFIX!,
    lockMs: 30_000,
    delivery: deps,
    queue,
    ...(concurrency ? { concurrency } : {}),
  });
  let sent = 0;
  worker.on("completed", (_job, result: Record<string, number> | { status: string }) => {
    sent += "status" in result ? (result.status === "sent" ? 1 : 0) : (result.sent ?? 0);
  });
  worker.on("error", (error) => console.error(`worker: ${error.message}`));
  await worker.waitUntilReady();
  process.send!({ type: "ready" } satisfies ChildMessage);
  const cpuAtReady = process.cpuUsage();
  process.on("message", async () => {
    const cpu = process.cpuUsage(cpuAtReady);
    await worker.close();
    await queue.close();
    deps.mailer.close?.();
    await db.$disconnect();
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.send!(
      { type: "done", sent, maxRssMb, seconds: (Date.now() - started) / 1000, cpuSeconds } satisfies ChildMessage,
      () => process.exit(0),
    );
  });
}

async function baselineChild(): Promise<void> {
  const count = Number(process.env.BENCH_COUNT);
  const pool = createSmtpPool(process.env.BENCH_SMTP_URL!, {
    connections: Number(process.env.BENCH_POOL),
    maxMessages: Infinity,
    idleMs: 5_000,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const send = rawSender(pool);
  process.send!({ type: "ready" } satisfies ChildMessage);
  const started = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await send(`shopper${i}@example.jp`, i % 3 === 0 ? "en" : "ja");
    }
  };
  await Promise.all(Array.from({ length: BASELINE_LANES }, lane));
  pool.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.send!(
    { type: "done", sent: count, maxRssMb, seconds: (Date.now() - started) / 1000 } satisfies ChildMessage,
    () => process.exit(0),
  );
}

function forkChild(mode: "worker" | "baseline", env: Record<string, string>, profileDir?: string): ChildProcess {
  return fork(SELF, [], {
    // The worker's heap is capped as a deployment would (NODE_OPTIONS), so GC keeps RSS flat.
    execArgv: [
      "--import",
      "tsx",
      `--max-old-space-size=${HEAP_MB}`,
      ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    ],
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

async function noticeCounts(db: Db): Promise<Record<string, number>> {
  const groups = await db.notice.groupBy({ by: ["status"], where: { shop: SHOP }, _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
}

// ---- the run ----

const rate = (n: number, s: number) => Math.round(n / s).toLocaleString("en");
const verdict = (ok: boolean) => (ok ? "ok" : "below target");

export async function run(args: readonly string[]): Promise<void> {
  const subscribers = numberFlag(args, "subscribers", 100_000);
  const concurrency = args.includes("--concurrency") ? String(numberFlag(args, "concurrency", 1)) : "";
  const baselineCount = hasFlag(args, "no-baseline") ? 0 : numberFlag(args, "baseline", 20_000);
  const deliver = !hasFlag(args, "no-deliver");
  const profileDir = hasFlag(args, "profile")
    ? join(ROOT, "bench/results/profiles", `restock-${new Date().toISOString().replace(/[:.]/g, "-")}`)
    : undefined;
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
    const queue: Queue = createNoticeQueue(producerConnection(REDIS_URL), prefix);
    cleanup.defer("close the queue", () => queue.close());
    await queue.waitUntilReady();
    const sink = await startMailSink({ maxMessages: 100 });
    cleanup.defer("stop the mail sink", () => sink.close());

    console.log(`restock fan-out: ${subscribers.toLocaleString("en")} subscribers for one variant (SQLite)`);
    const seedStart = Date.now();
    await seed(db, subscribers);
    console.log(`  seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    // (a) stock comes back: episode, then claim + queue every notice.
    await db.inventoryLevel.updateMany({ where: { shop: SHOP, inventoryItemId: ITEM }, data: { available: 40_000 } });
    const queueStart = performance.now();
    const queueCpu = process.cpuUsage();
    const [episode] = await startEpisodeIfRestocked(db, SHOP, ITEM);
    if (!episode) throw new Error("no episode started");
    const wave = await runWave(db, SHOP, episode.id, restockNotices(db, queue).notify);
    const queueS = (performance.now() - queueStart) / 1000;
    const { user, system } = process.cpuUsage(queueCpu);
    const jobs = await queue.getJobCounts("waiting", "prioritized");
    const jobCount = (jobs.waiting ?? 0) + (jobs.prioritized ?? 0);
    const claimed = await db.restockAlert.count({ where: { episodeId: episode.id } });
    const notices = await noticeCounts(db);
    if (wave.notified !== subscribers || notices.queued !== subscribers || claimed !== subscribers) {
      throw new Error(
        `expected ${subscribers} alerts, got notified ${wave.notified}, claimed ${claimed}, notices ${JSON.stringify(notices)}`,
      );
    }

    console.log("\n(a) claim + queue (runWave → restockNotices: Notice rows + delivery jobs)");
    console.log(
      `  ${subscribers.toLocaleString("en")} alerts claimed, notices queued in ${queueS.toFixed(2)} s = ${rate(subscribers, queueS)}/s` +
        `   target < ${TARGETS.queueS} s: ${verdict(queueS < TARGETS.queueS)}` +
        `   (CPU of this process ${((user + system) / 1e6).toFixed(1)} s; SQLite runs in it)`,
    );
    console.log(
      `  notices ${JSON.stringify(notices)}, ${jobCount.toLocaleString("en")} delivery jobs ("send-notices", ${NOTICE_BATCH} each)`,
    );
    if (!deliver) return;

    // (b) a worker process delivers them.
    const worker = forkChild(
      "worker",
      {
        BENCH_DATABASE_URL: url,
        BENCH_SMTP_URL: sink.url,
        BENCH_PREFIX: prefix,
        BENCH_CONCURRENCY: concurrency,
        BENCH_NOON: String(shopNoon()),
      },
      profileDir,
    );
    children.push(worker);
    await nextMessage(worker, "ready");
    sink.clear();
    const deliverStart = performance.now();
    let lastCount = 0;
    let lastProgress = performance.now();
    while (sink.received() < subscribers) {
      await new Promise((done) => setTimeout(done, 100));
      if (worker.exitCode !== null) throw new Error("worker exited early");
      if (sink.received() !== lastCount) {
        lastCount = sink.received();
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > 30_000) {
        throw new Error(`delivery stalled at ${lastCount} messages: notices ${JSON.stringify(await noticeCounts(db))}`);
      }
    }
    const deliverS = (performance.now() - deliverStart) / 1000;
    const finished = nextMessage(worker, "done");
    worker.send("stop");
    const workerReport = (await finished) as Extract<ChildMessage, { type: "done" }>;
    // The profile is written as the process exits.
    if (worker.exitCode === null) await new Promise((done) => worker.once("exit", done));
    const deliveredPerS = subscribers / deliverS;
    const after = await noticeCounts(db);

    // (c) the baseline: raw pooled SMTP sends, same sink.
    let baselinePerS: number | null = null;
    let baselineRssMb = 0;
    if (baselineCount > 0) {
      sink.clear();
      const baseline = forkChild("baseline", {
        BENCH_SMTP_URL: sink.url,
        BENCH_POOL: String(SMTP_POOL_CONNECTIONS),
        BENCH_COUNT: String(baselineCount),
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
      `\n(b) delivery: the notices worker (startNoticeWorker${concurrency ? `, concurrency ${concurrency}` : ""}), ` +
        `production mailer (pooled SMTP, ${SMTP_POOL_CONNECTIONS} connections), heap cap ${HEAP_MB} MB`,
    );
    console.log(
      `  ${subscribers.toLocaleString("en")} delivered to the SMTP sink in ${deliverS.toFixed(1)} s = ${rate(subscribers, deliverS)}/s` +
        `   target >= ${TARGETS.deliveriesPerS.toLocaleString("en")}/s: ${verdict(deliveredPerS >= TARGETS.deliveriesPerS)}` +
        `   notices ${JSON.stringify(after)}`,
    );
    console.log(
      `  worker peak RSS ${workerReport.maxRssMb.toFixed(0)} MB   target < ${TARGETS.rssMb} MB: ${verdict(workerReport.maxRssMb < TARGETS.rssMb)}` +
        `   worker CPU ${(workerReport.cpuSeconds ?? 0).toFixed(1)} s = ${Math.round(((workerReport.cpuSeconds ?? 0) / deliverS) * 100)}% of a core, ` +
        `${Math.round(((workerReport.cpuSeconds ?? 0) / subscribers) * 1e6)} µs a notice`,
    );
    if (baselinePerS !== null) {
      console.log(
        `\n(c) baseline: pre-rendered MIME through the mailer's SMTP pool (${SMTP_POOL_CONNECTIONS} connections, ${BASELINE_LANES} at once), no queue, no database`,
      );
      console.log(
        `  ${baselineCount.toLocaleString("en")} sent at ${Math.round(baselinePerS).toLocaleString("en")}/s, peak RSS ${baselineRssMb.toFixed(0)} MB`,
      );
      console.log(`  ratio kizuna / raw SMTP: ${(deliveredPerS / baselinePerS).toFixed(2)}`);
    }
    if (profileDir) {
      const file = existsSync(profileDir)
        ? readdirSync(profileDir)
            .filter((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name))
            .sort()
            .at(-1)
        : undefined;
      if (file)
        console.log(
          `\nCPU profile of the worker process:\n${formatSummary(summariseProfile(join(profileDir, file), ROOT))}`,
        );
    }
  } finally {
    await cleanup.runAll();
    removeHandlers();
  }
}

const childMode = process.env.BENCH_RESTOCK_CHILD;
if (childMode === "worker") void workerChild();
else if (childMode === "baseline") void baselineChild();
