// One pipeline run: the app's processes on a database and a Redis of the
// run's own, the events delivered as Shopify would, faults injected while they
// arrive (Redis stopped and restarted, workers killed twice, a web killed
// once), then the figures read from what the run left behind.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { DbProvider } from "../../app/db.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { freePort } from "../../sandbox/http.ts";
import { startMailSink } from "../../sandbox/mail/mail-sink.ts";
import { sleep } from "../lib/wait.ts";
import { createCluster, FaultRedis, type AppProcess } from "./cluster.ts";
import { createRunDatabase } from "./databases.ts";
import { EXAMPLES_SHOP, SEEDED_SHOP, type EventSet } from "./events.ts";
import { effectsOf, pipelineFigures, settle, type Effects, type PipelineFigures } from "./ledger.ts";
import { sendAll, type Delivery } from "./sender.ts";

export const SECRET = "kizuna-faults-secret";
export const API_KEY = "kizuna-faults-client-id";

export interface PipelineRunOptions {
  label: string;
  provider: DbProvider;
  webs: number;
  workers: number;
  set: EventSet;
  /** Only these deliveries (default: all of the set's). */
  deliveries?: Delivery[];
  faults: boolean;
  expected: Effects | null;
  root: string;
  concurrency: number;
  /** The deliveries' first attempts are spread over at least this long (faults fall while events arrive). */
  sendSeconds: number;
  settleMs: number;
  log: (line: string) => void;
  echo: boolean;
}

export interface PipelineRunResult {
  figures: PipelineFigures;
  effects: Effects;
  settled: boolean;
  faults: string[];
  /** The sender's attempts by answer, e.g. "200 ×4000, no answer ×31, 503 ×2". */
  answers: string;
  seconds: number;
}

/** Faults at fractions of the deliveries settled; each waits for the one before. */
function faultPlan(webs: AppProcess[], workers: AppProcess[], redis: FaultRedis, log: (line: string) => void) {
  let stoppedAt = 0;
  const lastWorker = workers[workers.length - 1]!;
  const steps: { at: number; what: string; run: () => Promise<void> }[] = [
    { at: 0.1, what: `SIGKILL ${workers[0]!.name}`, run: () => restart(workers[0]!) },
    {
      at: 0.25,
      what: "Redis stopped",
      run: async () => {
        await redis.stop();
        stoppedAt = Date.now();
      },
    },
    {
      at: 0.4,
      what: "Redis restarted",
      // Down for 5 s at least, however fast the deliveries go.
      run: async () => {
        await sleep(Math.max(0, 5_000 - (Date.now() - stoppedAt)));
        await redis.start();
      },
    },
    { at: 0.55, what: `SIGKILL ${webs[0]!.name}`, run: () => restart(webs[0]!) },
    { at: 0.75, what: `SIGKILL ${lastWorker.name}`, run: () => restart(lastWorker) },
  ];
  async function restart(process: AppProcess) {
    await process.kill();
    await process.start();
  }
  const done: string[] = [];
  let progress = 0;
  let wake: (() => void) | null = null;
  const running = (async () => {
    for (const step of steps) {
      while (progress < step.at) await new Promise<void>((resolve) => (wake = resolve));
      const started = Date.now();
      await step.run();
      const line = `${step.what} at ${Math.round(step.at * 100)}% of deliveries (${((Date.now() - started) / 1000).toFixed(1)} s)`;
      done.push(line);
      log(`  fault: ${line}`);
    }
  })();
  return {
    done,
    running,
    progress(fraction: number) {
      progress = fraction;
      wake?.();
    },
  };
}

export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRunResult> {
  const started = Date.now();
  const { log, set } = options;
  const dir = mkdtempSync(join(options.root, `${options.provider}-`));
  const database = await createRunDatabase(options.provider, dir);
  const redis = new FaultRedis(await freePort(), dir);
  const sink = await startMailSink({ maxMessages: 1_000_000 });
  const shops = [SEEDED_SHOP, EXAMPLES_SHOP];
  try {
    // Installed first, as the app's install does: events of shops never installed are not kept.
    for (const shop of shops) await recordInstall(database.db, shop, null);
    // Quiet hours off, so the seeded shop's notices go out during the run (as the demo does).
    const quietHoursOff = { quietStart: "00:00", quietEnd: "00:00" };
    await database.db.shopSettings.upsert({
      where: { shop: SEEDED_SHOP },
      create: { shop: SEEDED_SHOP, ...quietHoursOff },
      update: quietHoursOff,
    });
    await redis.start();
    const cluster = await createCluster(
      {
        databaseUrl: database.url,
        redisUrl: redis.url,
        redisPrefix: `kizuna-faults-${randomBytes(3).toString("hex")}`,
        secret: SECRET,
        apiKey: API_KEY,
        smtpUrl: sink.url,
      },
      { webs: options.webs, workers: options.workers },
      options.echo,
    );
    try {
      await cluster.start();
      log(`  ${options.webs} web, ${options.workers} worker processes up (${options.provider})`);
      const deliveries = options.deliveries ?? set.deliveries;
      const plan = options.faults ? faultPlan(cluster.webs, cluster.workers, redis, log) : null;
      const report = await sendAll(deliveries, {
        urls: cluster.urls,
        secret: SECRET,
        concurrency: options.concurrency,
        retries: 8,
        backoffMs: 250,
        maxBackoffMs: 8_000,
        timeoutMs: 5_000,
        minSeconds: options.faults ? options.sendSeconds : 0,
        onProgress: (settled) => plan?.progress(settled / deliveries.length),
      });
      plan?.progress(1);
      await plan?.running;
      log(
        `  ${deliveries.length} deliveries, ${report.attempts} attempts, ${report.acknowledged.size} events acknowledged; waiting for the workers`,
      );
      const settled = await settle(database.db, shops, options.settleMs);
      const events = options.deliveries
        ? set.events.filter((event) => options.deliveries!.some((delivery) => delivery.webhook === event))
        : set.events;
      const figures = await pipelineFigures({
        db: database.db,
        shops,
        events,
        deliveries: deliveries.length,
        attempts: report.attempts,
        acknowledged: report.acknowledged,
        sink,
        expected: options.expected,
      });
      if (!settled) figures.lostDetail.push(`the workers had not settled after ${options.settleMs / 1000} s`);
      return {
        figures,
        effects: await effectsOf(database.db, [SEEDED_SHOP]),
        settled,
        faults: plan?.done ?? [],
        answers: [...report.statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status === 0 ? "no answer" : status} ×${n}`)
          .join(", "),
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await cluster.stop();
    }
  } finally {
    await redis.stop();
    await sink.close();
    await database.drop();
  }
}
