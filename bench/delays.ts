// `npm run bench -- delays`: the scheduled delay scan over 1,000,000 open
// orders (DESIGN.md "Performance targets": < 30 s, memory flat; peak RSS
// < 256 MB, the worker's budget as in the restock target). Generates the
// orders, fulfillment orders, fulfillments, carrier events and transit samples
// straight into a fresh SQLite database (better-sqlite3, prepared statements,
// large transactions), then measures, in the same run:
//   - baseline: a plain full read of the same rows (orders, fulfillments,
//     events) with better-sqlite3, no Prisma, no rules;
//   - scanDelays(): the production scan, in a process of its own as the
//     worker runs it: a first scan that opens every case, then a re-scan
//     (the steady state: nothing changed); time, phases, peak RSS.
import { seededRandom } from "../sandbox/random.ts";
import { fork } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { createDb, sqlitePath } from "../app/db.server.ts";
import { migrate } from "../app/database/migrate.server.ts";
import { scanDelays, scanOptionsFor, type ScanSummary } from "../app/delays/scan-delays.server.ts";
import { ROOT } from "../scripts/lib/processes.ts";
import { hasFlag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { formatSummary, summariseProfile } from "./lib/cpu-profile.ts";
import { sqliteDatabase } from "./lib/resources.ts";

export const description = "delay scan: scanDelays over N open orders on SQLite vs a plain full read of the same rows";
export const usage = `npm run bench -- delays [--orders 1000000] [--batch 2000] [--heap 96 | --no-heap-cap] [--profile]
  --orders       open orders to generate (default 1,000,000)
  --batch        orders per scan batch (default 2,000)
  --heap         the scanning process's V8 heap cap in MB, as a deployment sets it (default 96, as bench/restock.ts)
  --no-heap-cap  no cap: V8 then grows its heap lazily (more RSS, same working set)
  --profile      record a CPU profile of the scanning process (node --cpu-prof) and summarise it`;

const TARGET_S = 30;
const TARGET_RSS_MB = 256;
const HEAP_MB = 96;
const SELF = fileURLToPath(import.meta.url);
const SHOP = "kizuna-bench.myshopify.com";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CARRIERS = ["Yamato (JA)", "Sagawa (JA)", "Japan Post (EN)"];
const PROVINCES = ["Tokyo", "Osaka", "Kanagawa", "Aichi", "Fukuoka", "Hokkaido", "Kyoto", "Hyogo", "Miyagi", "Okinawa"];

/** Prisma's SQLite DateTime text. */
const ts = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

interface Generated {
  orders: number;
  fulfillmentOrders: number;
  fulfillments: number;
  events: number;
  samples: number;
  ms: number;
}

export function generate(file: string, total: number, now: number): Generated {
  const started = performance.now();
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = OFF");
  const nowText = ts(now);
  sqlite
    .prepare(
      `INSERT INTO "Shop" (domain, name, currency, timezone, installedAt, syncStatus, updatedAt) VALUES (?,?,?,?,?,?,?)`,
    )
    .run(SHOP, "Bench Shop", "JPY", "Asia/Tokyo", nowText, "idle", nowText);
  sqlite
    .prepare(`INSERT INTO "ShopSettings" (shop, handlingDays, holidayPreset, updatedAt) VALUES (?,?,?,?)`)
    .run(SHOP, 2, "jp", nowText);
  const order = sqlite.prepare(
    `INSERT INTO "Order" (shop, id, name, customerId, currency, totalPrice, financialStatus, fulfillmentStatus, shippingAddress, shopifyCreatedAt, shopifyUpdatedAt, updatedAt)
     VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const held = sqlite.prepare(
    `INSERT INTO "FulfillmentOrder" (shop, id, orderId, status, holds, shopifyUpdatedAt, updatedAt) VALUES (?,?,?,?,?,?,?)`,
  );
  const fulfillment = sqlite.prepare(
    `INSERT INTO "Fulfillment" (shop, id, orderId, status, shipmentStatus, trackingCompany, trackingNumbers, trackingUrls, shopifyCreatedAt, shopifyUpdatedAt, updatedAt)
     VALUES (?,?,?,?,?,?,'[]','[]',?,?,?)`,
  );
  const event = sqlite.prepare(
    `INSERT INTO "FulfillmentEvent" (shop, id, fulfillmentId, orderId, status, message, happenedAt, estimatedDeliveryAt, city, province, country)
     VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const sample = sqlite.prepare(
    `INSERT INTO "TransitSample" (shop, fulfillmentId, carrier, region, minutes, deliveredAt) VALUES (?,?,?,?,?,?)`,
  );
  const rand = seededRandom(42);
  const counts: Generated = { orders: 0, fulfillmentOrders: 0, fulfillments: 0, events: 0, samples: 0, ms: 0 };
  const addresses = PROVINCES.map((province) =>
    JSON.stringify({ city: "—", province, province_code: null, country: "Japan", country_code: "JP", zip: "100-0001" }),
  );

  // Learned transit times: 400 past deliveries per carrier and region, around 2 days.
  sqlite.transaction(() => {
    let n = 0;
    for (const carrier of CARRIERS)
      for (const province of PROVINCES)
        for (let i = 0; i < 400; i++) {
          const minutes = Math.round((30 + rand() * 30 + (rand() < 0.1 ? rand() * 48 : 0)) * 60);
          sample.run(SHOP, `s${n++}`, carrier, `JP / ${province}`, minutes, ts(now - (10 + rand() * 300) * DAY));
        }
    counts.samples = n;
  })();

  let eventId = 0;
  const chunk = 50_000;
  for (let start = 0; start < total; start += chunk) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(total, start + chunk); i++) {
        const id = String(6_000_000_000_000 + i);
        const roll = rand();
        const provinceIndex = Math.floor(rand() * PROVINCES.length);
        const carrier = CARRIERS[Math.floor(rand() * CARRIERS.length)]!;
        // The mix: 15% not shipped yet (a few past the handling time), 2% on hold,
        // 63% in transit (some delayed, failed, stalled or past their estimate), 20% delivered.
        const unshipped = roll < 0.15;
        const onHold = roll >= 0.15 && roll < 0.17;
        const delivered = roll >= 0.8;
        const kind = rand();
        const placedAgo =
          unshipped || onHold
            ? rand() * 7 * DAY
            : delivered
              ? (3 + rand() * 11) * DAY
              : kind < 0.03
                ? (6 + rand() * 3) * DAY
                : (0.5 + rand() * 2.5) * DAY;
        const placed = now - placedAgo;
        const status = unshipped || onHold ? "UNFULFILLED" : "FULFILLED";
        order.run(
          SHOP,
          id,
          `#${1000 + i}`,
          `c${i % 50_000}`,
          "JPY",
          "3300",
          "PAID",
          status,
          addresses[provinceIndex]!,
          ts(placed),
          ts(placed),
          nowText,
        );
        counts.orders++;
        if (onHold) {
          const reason = ["INVENTORY_OUT_OF_STOCK", "INCORRECT_ADDRESS", "UNKNOWN_DELIVERY_DATE", "AWAITING_PAYMENT"][
            Math.floor(rand() * 4)
          ];
          held.run(SHOP, `fo${id}`, id, "ON_HOLD", JSON.stringify([{ reason, reasonNotes: null }]), nowText, nowText);
          counts.fulfillmentOrders++;
          continue;
        }
        if (unshipped) continue;
        const shipped = placed + (0.3 + rand() * 0.5) * DAY;
        const fid = `f${id}`;
        const scans: [string, number, number | null][] = [["CONFIRMED", shipped, null]];
        const eta = shipped + (2.5 + rand() * 1.5) * DAY;
        if (delivered) {
          scans.push(["IN_TRANSIT", shipped + 0.5 * DAY, eta], ["DELIVERED", shipped + (1 + rand() * 1.5) * DAY, null]);
        } else if (kind < 0.03) {
          // Stalled: one scan, then silence for days.
          scans.push(["IN_TRANSIT", shipped + 0.2 * DAY, now + DAY]);
        } else if (kind < 0.06) {
          scans.push(["IN_TRANSIT", shipped + 0.3 * DAY, eta]);
          scans.push([
            ["DELAYED", "FAILURE", "ATTEMPTED_DELIVERY"][Math.floor(rand() * 3)]!,
            shipped + 0.6 * DAY,
            null,
          ]);
        } else {
          scans.push(["IN_TRANSIT", shipped + 0.3 * DAY, eta]);
          if (kind < 0.7) scans.push(["IN_TRANSIT", shipped + (0.5 + rand() * 0.5) * DAY, eta]);
        }
        const last = scans[scans.length - 1]!;
        if (delivered && last[1] <= now) {
          // Learned when it was delivered (the webhook path records the sample).
          const minutes = Math.round((last[1] - shipped) / 60_000);
          sample.run(SHOP, fid, carrier, `JP / ${PROVINCES[provinceIndex]}`, minutes, ts(last[1]));
          counts.samples++;
        }
        fulfillment.run(SHOP, fid, id, "SUCCESS", last[0], carrier, ts(shipped), ts(last[1]), nowText);
        counts.fulfillments++;
        for (const [scanStatus, at, eta] of scans) {
          if (at > now) continue;
          event.run(
            SHOP,
            `e${eventId++}`,
            fid,
            id,
            scanStatus,
            null,
            ts(at),
            eta === null ? null : ts(eta),
            "—",
            PROVINCES[provinceIndex],
            "JP",
          );
          counts.events++;
        }
      }
    })();
  }
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  sqlite.close();
  counts.ms = Math.round(performance.now() - started);
  return counts;
}

/** A plain full read of what the scan reads, with no Prisma and no rules. */
function baseline(file: string): { ms: number; rows: number } {
  const sqlite = new Database(file, { readonly: true });
  const started = performance.now();
  let rows = 0;
  for (const sql of [
    `SELECT id, shopifyCreatedAt, cancelledAt, fulfillmentStatus, shippingAddress FROM "Order" WHERE shop = ?`,
    `SELECT id, orderId, status, holds FROM "FulfillmentOrder" WHERE shop = ?`,
    `SELECT id, orderId, status, shipmentStatus, trackingCompany, shopifyCreatedAt FROM "Fulfillment" WHERE shop = ?`,
    `SELECT fulfillmentId, status, happenedAt, estimatedDeliveryAt, message FROM "FulfillmentEvent" WHERE shop = ?`,
  ])
    for (const row of sqlite.prepare(sql).iterate(SHOP)) if (row) rows++;
  const ms = performance.now() - started;
  sqlite.close();
  return { ms: Math.round(ms), rows };
}

// ---- the scanning process ----

interface ScanReport {
  first: ScanSummary;
  again: ScanSummary;
  casesByRule: Record<string, number>;
  changesByRule: Record<string, number>;
  /** The kernel's high-water mark of the process (getrusage maxrss). */
  peakRssMb: number;
  /** After start-up (modules, Prisma), before the first scan. */
  startRssMb: number;
  /** RSS at 25 / 50 / 75 / 100% of the first scan. */
  rssAtQuarterMb: number[];
  /** V8's heap at the end. */
  heapUsedMb: number;
}

/**
 * The scheduled scan as the worker runs it: its own process (the worker's
 * start-up and the scan's memory, not the generator's), heap capped as in
 * bench/restock.ts unless --no-heap-cap.
 */
async function scanChild(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL!;
  const now = new Date(Number(process.env.BENCH_NOW));
  const batchSize = Number(process.env.BENCH_BATCH);
  const db = createDb(url);
  await db.shop.count();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const startRssMb = mb(process.memoryUsage().rss);
  const timeline: number[] = [];
  const sampler = setInterval(() => timeline.push(mb(process.memoryUsage().rss)), 250);
  const first = await scanDelays(db, SHOP, now, () => {}, { batchSize, ...scanOptionsFor(url) });
  clearInterval(sampler);
  const byRule = await db.delayCase.groupBy({ by: ["rule"], _count: { _all: true } });
  // Second scan: nothing changed, so nothing is written (idempotent), just re-evaluated.
  const changesByRule: Record<string, number> = {};
  const again = await scanDelays(
    db,
    SHOP,
    now,
    (_shop, batch) => {
      for (const row of [...batch.opened, ...batch.resolved])
        changesByRule[row.rule] = (changesByRule[row.rule] ?? 0) + 1;
    },
    { batchSize, ...scanOptionsFor(url) },
  );
  await db.$disconnect();
  const quarter = (f: number) => timeline[Math.min(timeline.length - 1, Math.floor(timeline.length * f))] ?? 0;
  const report: ScanReport = {
    first,
    again,
    casesByRule: Object.fromEntries(byRule.map((group) => [group.rule, group._count._all])),
    changesByRule,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    startRssMb,
    rssAtQuarterMb: [quarter(0.25), quarter(0.5), quarter(0.75), quarter(1)],
    heapUsedMb: mb(process.memoryUsage().heapUsed),
  };
  process.send!(report, () => process.exit(0));
}

function runScanChild(env: Record<string, string>, execArgv: string[]): Promise<ScanReport> {
  const child = fork(SELF, [], {
    execArgv: ["--import", "tsx", ...execArgv],
    env: { ...process.env, BENCH_DELAYS_CHILD: "1", ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let report: ScanReport | null = null;
    child.once("message", (message: ScanReport) => (report = message));
    // "exit" after the report: the CPU profile is written on exit.
    child.once("exit", (code) => (report ? resolve(report) : reject(new Error(`scan process exited with ${code}`))));
  });
}

// ---- the run ----

export async function run(args: readonly string[]): Promise<void> {
  const total = Math.round(numberFlag(args, "orders", 1_000_000));
  const batchSize = Math.round(numberFlag(args, "batch", 2_000));
  const heapMb = hasFlag(args, "no-heap-cap") ? null : Math.round(numberFlag(args, "heap", HEAP_MB));
  const profile = hasFlag(args, "profile");
  const cleanup = new Cleanup();
  const removeSignals = cleanup.onSignals();
  try {
    const url = sqliteDatabase(cleanup);
    await migrate(url);
    const now = Date.parse("2026-11-23T03:00:00Z");
    console.log(`▸ Generating ${total.toLocaleString("en")} open orders in a fresh SQLite database…`);
    const generated = generate(sqlitePath(url), total, now);
    console.log(
      `  ${generated.orders.toLocaleString("en")} orders, ${generated.fulfillments.toLocaleString("en")} fulfillments, ` +
        `${generated.events.toLocaleString("en")} events, ${generated.fulfillmentOrders.toLocaleString("en")} holds, ` +
        `${generated.samples.toLocaleString("en")} transit samples in ${(generated.ms / 1000).toFixed(1)} s`,
    );

    console.log("▸ Baseline: plain full read of the same rows (better-sqlite3)…");
    const base = baseline(sqlitePath(url));
    console.log(`  ${base.rows.toLocaleString("en")} rows in ${(base.ms / 1000).toFixed(2)} s`);

    console.log(
      `▸ scanDelays() in a scanning process (${heapMb === null ? "no heap cap" : `heap cap ${heapMb} MB`}${profile ? ", CPU profile" : ""}): first scan, then a re-scan…`,
    );
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const dir = resolve(ROOT, "bench/results");
    const profileDir = join(dir, "profiles", `delays-${stamp}`);
    const execArgv = [
      ...(heapMb === null ? [] : [`--max-old-space-size=${heapMb}`]),
      ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
    ];
    const report = await runScanChild(
      { BENCH_DATABASE_URL: url, BENCH_NOW: String(now), BENCH_BATCH: String(batchSize) },
      execArgv,
    );
    const { first: summary, again } = report;
    const seconds = summary.ms / 1000;

    const result = {
      benchmark: "delays",
      at: new Date().toISOString(),
      node: process.version,
      cores: availableParallelism(),
      heapCapMb: heapMb,
      generated,
      baseline: base,
      scan: {
        ...summary,
        ordersPerS: Math.round(summary.orders / seconds),
        casesByRule: report.casesByRule,
        rescan: {
          ...again,
          ordersPerS: Math.round(again.orders / (again.ms / 1000)),
          changesByRule: report.changesByRule,
        },
        peakRssMb: report.peakRssMb,
        startRssMb: report.startRssMb,
        rssAtQuarterMb: report.rssAtQuarterMb,
        heapUsedMb: report.heapUsedMb,
      },
      ratioToBaseline: Math.round((summary.ms / Math.max(1, base.ms)) * 10) / 10,
      targetS: TARGET_S,
      targetRssMb: TARGET_RSS_MB,
      met: {
        steadyState: again.ms / 1000 < TARGET_S,
        firstScan: seconds < TARGET_S,
        rss: report.peakRssMb < TARGET_RSS_MB,
      },
      loadAverage: loadavg(),
    };

    const phases = (scan: ScanSummary) =>
      `reading ${(scan.readMs / 1000).toFixed(1)} s, rules + writes ${(scan.applyMs / 1000).toFixed(1)} s, context ${(scan.contextMs / 1000).toFixed(1)} s`;
    console.log(`\n  orders scanned     ${summary.orders.toLocaleString("en")} in ${summary.batches} batches`);
    console.log(
      `  first scan         ${seconds.toFixed(2)} s  (${result.scan.ordersPerS.toLocaleString("en")} orders/s; ${phases(summary)})`,
    );
    console.log(
      `  cases opened       ${summary.opened.toLocaleString("en")}  ${JSON.stringify(result.scan.casesByRule)}`,
    );
    console.log(
      `  re-scan            ${(again.ms / 1000).toFixed(2)} s  (${result.scan.rescan.ordersPerS.toLocaleString("en")} orders/s; ${phases(again)}), ` +
        `opened ${again.opened}, resolved ${again.resolved} ${JSON.stringify(report.changesByRule)}`,
    );
    console.log(
      `  peak RSS           ${report.peakRssMb} MB, scanning process (after start-up ${report.startRssMb} MB; ` +
        `at 25/50/75/100% of the first scan: ${report.rssAtQuarterMb.join(" / ")} MB)   target < ${TARGET_RSS_MB} MB: ` +
        `${result.met.rss ? "met" : "below target"}`,
    );
    console.log(
      `  baseline read      ${(base.ms / 1000).toFixed(2)} s for ${base.rows.toLocaleString("en")} rows → scan is ${result.ratioToBaseline}× the plain read`,
    );
    const againS = again.ms / 1000;
    console.log(
      `  target             ${total.toLocaleString("en")} open orders in < ${TARGET_S} s — scheduled (steady-state) scan: ` +
        `${againS < TARGET_S ? "met" : "below target"} (${againS.toFixed(1)} s, ${(again.ms / Math.max(1, base.ms)).toFixed(2)}× the plain read); ` +
        `first scan opening every case: ${seconds < TARGET_S ? "met" : "below target"} (${seconds.toFixed(1)} s)`,
    );
    if (profile) {
      const file = mainThreadProfile(profileDir);
      if (file)
        console.log(`\nCPU profile of the scanning process (${file}):\n${formatSummary(summariseProfile(file, ROOT))}`);
    }
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `delays-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nResults: ${file}`);
  } finally {
    removeSignals();
    await cleanup.runAll();
  }
}

/** The main thread's profile: node writes one per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>). */
function mainThreadProfile(dir: string): string | undefined {
  const files = existsSync(dir)
    ? readdirSync(dir).filter((file) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file))
    : [];
  return files.length > 0 ? join(dir, files.sort().at(-1)!) : undefined;
}

if (process.env.BENCH_DELAYS_CHILD === "1") void scanChild();
