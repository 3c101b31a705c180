// `npm run bench -- analytics`: the Analytics page over two years of one shop
// (issue 14 "Benchmark": 1,000,000 orders, 300,000 conversations, 2,000,000
// messages; the page's loader for 30 days and for one year: p99 < 300 ms on
// both databases; the rollup job's cost per 1,000 new messages). For each
// database (SQLite, then PostgreSQL), in one run:
//   1. a fresh database, migrated, and the shop's history seeded by SQL
//      (bench/analytics-seed.ts);
//   2. the rollups built once: recomputeDays over allDays (what the worker's
//      first refresh of a shop does), timed;
//   3. the page's loader function — analyticsPage(db, shop, searchParams), as
//      app/routes/app.analytics.tsx calls it — for ?days=30 and ?days=365,
//      a few warm-up calls then --calls timed calls each: p50 / p99;
//   4. the worker's hourly refresh (refreshShopAnalytics with no days, as the
//      "refresh-analytics" job runs it) once with nothing new, then after
//      1,000 messages written today by SQL: the cost per 1,000 new messages.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { analyticsPage } from "../app/analytics/page.server.ts";
import { refreshShopAnalytics } from "../app/analytics/refresh.server.ts";
import { allDays, recomputeDays } from "../app/analytics/rollups.server.ts";
import { createDb, type Db, type DbProvider } from "../app/db.server.ts";
import { ROOT } from "../scripts/lib/processes.ts";
import { addMessagesToday, SHOP, seedAnalytics, type AnalyticsSeeded, type Scale } from "./analytics-seed.ts";
import { flag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { freshDatabase } from "./lib/resources.ts";

export const description =
  "Analytics page loader over 1,000,000 orders, 300,000 conversations, 2,000,000 messages (30 days, 365 days) and the rollup refresh per 1,000 new messages (SQLite, PostgreSQL)";

export const usage = `npm run bench -- analytics [--orders 1000000] [--conversations 300000] [--messages 2000000]
       [--calls 50] [--new-messages 1000] [--databases sqlite,postgresql] [--explain]
  --orders         orders over the two years (default 1,000,000)
  --conversations  conversations over the two years (default 300,000)
  --messages       messages in them (default 2,000,000)
  --calls          timed loader calls per period (default 50, after 3 warm-up calls)
  --new-messages   messages written today before the timed refresh (default 1,000)
  --databases      sqlite, postgresql or both (default both)
  --explain        print the query plans of the refresh's message scan and the loader's rollup read`;

const TARGETS = { loaderP99Ms: 300 } as const;
const WARMUP_CALLS = 3;
const PERIODS = [30, 365] as const;

interface Options extends Scale {
  calls: number;
  newMessages: number;
  databases: DbProvider[];
  explain: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const databases = (flag(args, "databases") ?? "sqlite,postgresql").split(",").map((name) => name.trim());
  for (const name of databases)
    if (name !== "sqlite" && name !== "postgresql")
      throw new Error(`--databases: unknown database ${JSON.stringify(name)} (sqlite, postgresql)`);
  return {
    orders: Math.round(numberFlag(args, "orders", 1_000_000)),
    conversations: Math.round(numberFlag(args, "conversations", 300_000)),
    messages: Math.round(numberFlag(args, "messages", 2_000_000)),
    calls: Math.round(numberFlag(args, "calls", 50)),
    newMessages: Math.round(numberFlag(args, "new-messages", 1_000)),
    databases: databases as DbProvider[],
    explain: args.includes("--explain"),
  };
}

interface LoaderResult {
  days: number;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** What the page showed, so a fast empty page cannot pass: contacts and orders in the period. */
  contacts: number;
  orders: number;
}

interface RefreshResult {
  idleMs: number;
  idleDays: number;
  newMessages: number;
  afterMs: number;
  afterDays: number;
  perThousandMs: number;
  /** Contacts of the last 30 days on the page before and after the refresh (the new conversations must show). */
  contactsBefore: number;
  contactsAfter: number;
}

interface DatabaseResult {
  provider: DbProvider;
  seeded?: AnalyticsSeeded;
  rollups?: { days: number; rows: number; seconds: number };
  loaders: LoaderResult[];
  refresh?: RefreshResult;
  plans?: Record<string, string>;
  error?: string;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const contactsOf = (page: Awaited<ReturnType<typeof analyticsPage>>) =>
  page.figures.contactsByChannel.reduce((sum, row) => sum + row.current, 0);

async function measureLoader(db: Db, days: number, calls: number): Promise<LoaderResult> {
  // As the route: new URL(request.url).searchParams of /app/analytics?days=N.
  const params = () => new URL(`https://kizuna.example/app/analytics?days=${days}`).searchParams;
  let page = await analyticsPage(db, SHOP, params());
  for (let i = 1; i < WARMUP_CALLS; i++) page = await analyticsPage(db, SHOP, params());
  if (!page.periodOk || page.days !== days) throw new Error(`the loader did not read ?days=${days}`);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await analyticsPage(db, SHOP, params());
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    days,
    calls,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    maxMs: times.at(-1)!,
    contacts: contactsOf(page),
    orders: page.figures.orders.current,
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** EXPLAIN of the refresh's read of customer messages in a window, and of the loader's daily rollup read. */
async function plans(db: Db, provider: DbProvider): Promise<Record<string, string>> {
  const lo = new Date(Date.now() - 9 * 86_400_000);
  const hi = new Date();
  const from = lo.toISOString().slice(0, 10);
  const to = hi.toISOString().slice(0, 10);
  const explain = provider === "sqlite" ? "EXPLAIN QUERY PLAN" : "EXPLAIN";
  const time = (value: Date) =>
    provider === "sqlite" ? `'${value.toISOString().replace("Z", "+00:00")}'` : `'${value.toISOString()}'`;
  const queries: Record<string, string> = {
    "refresh: customer messages in the window": `SELECT "conversationId", "createdAt", channel FROM "Message" WHERE shop = '${SHOP}' AND direction = 'incoming' AND kind = 'message' AND "createdAt" >= ${time(lo)} AND "createdAt" < ${time(hi)}`,
    "loader: daily rollups of the period": `SELECT metric, dimension, currency, SUM(count), SUM(sum) FROM "AnalyticsDaily" WHERE shop = '${SHOP}' AND day >= '${from}' AND day <= '${to}' GROUP BY metric, dimension, currency`,
  };
  const out: Record<string, string> = {};
  for (const [name, sql] of Object.entries(queries)) {
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(`${explain} ${sql}`);
    out[name] = rows.map((row) => String(row.detail ?? row["QUERY PLAN"] ?? JSON.stringify(row))).join("\n");
  }
  return out;
}

async function measureDatabase(provider: DbProvider, options: Options): Promise<DatabaseResult> {
  const cleanup = new Cleanup();
  const removeHandlers = cleanup.onSignals();
  const result: DatabaseResult = { provider, loaders: [] };
  try {
    const url = await freshDatabase(provider, cleanup);
    const { migrate } = await import("../app/database/migrate.server.ts");
    await migrate(url);
    console.log(
      `▸ ${provider}: seeding ${options.orders.toLocaleString("en")} orders, ${options.conversations.toLocaleString("en")} ` +
        `conversations, ${options.messages.toLocaleString("en")} messages over two years…`,
    );
    const seedNowS = Math.floor(Date.now() / 1000);
    const seeded = await seedAnalytics(provider, url, options, seedNowS);
    result.seeded = seeded;
    const c = seeded.counts;
    console.log(
      `  ${Object.entries(c)
        .map(([name, count]) => `${count.toLocaleString("en")} ${name}`)
        .join(", ")} in ${seeded.seconds.toFixed(1)} s`,
    );

    const db = createDb(url);
    cleanup.defer("disconnect", () => db.$disconnect());

    const days = await allDays(db, SHOP, new Date());
    console.log(`  building the rollups: recomputeDays over ${days.length} days…`);
    const built = await timed(() => recomputeDays(db, SHOP, days));
    result.rollups = { days: built.value.days, rows: built.value.rows, seconds: built.ms / 1000 };
    console.log(
      `  ${built.value.rows.toLocaleString("en")} rollup rows for ${built.value.days} days in ${(built.ms / 1000).toFixed(1)} s`,
    );
    // The rollup tables were just filled: the planner's statistics, as after any bulk write.
    const { analyze } = await import("./analytics-seed.ts");
    await analyze(provider, url);

    for (const periodDays of PERIODS) {
      const loader = await measureLoader(db, periodDays, options.calls);
      result.loaders.push(loader);
      console.log(
        `  loader ?days=${periodDays}: p50 ${loader.p50Ms.toFixed(1)} ms, p99 ${loader.p99Ms.toFixed(1)} ms ` +
          `(${loader.contacts.toLocaleString("en")} contacts, ${loader.orders.toLocaleString("en")} orders shown)`,
      );
    }

    const before = contactsOf(await analyticsPage(db, SHOP, new URLSearchParams("days=30")));
    // The hourly job as the worker runs it (no days asked: the recent days and those touched).
    const idle = await timed(() => refreshShopAnalytics(db, SHOP, new Date()));
    const nowS = Math.floor(Date.now() / 1000);
    const written = await addMessagesToday(provider, url, options, options.newMessages, nowS);
    const after = await timed(() => refreshShopAnalytics(db, SHOP, new Date()));
    const contactsAfter = contactsOf(await analyticsPage(db, SHOP, new URLSearchParams("days=30")));
    result.refresh = {
      idleMs: idle.ms,
      idleDays: idle.value.days,
      newMessages: written,
      afterMs: after.ms,
      afterDays: after.value.days,
      perThousandMs: (after.ms / Math.max(1, written)) * 1000,
      contactsBefore: before,
      contactsAfter,
    };
    console.log(
      `  refresh: ${idle.ms.toFixed(0)} ms with nothing new (${idle.value.days} days); after ${written.toLocaleString("en")} ` +
        `new messages ${after.ms.toFixed(0)} ms (${after.value.days} days); contacts in 30 days ${before.toLocaleString("en")} → ${contactsAfter.toLocaleString("en")}`,
    );
    if (contactsAfter <= before) throw new Error("the refresh did not count the new conversations");
    if (options.explain) result.plans = await plans(db, provider);
    return result;
  } catch (error) {
    console.error(`  ${provider} failed: ${(error as Error).stack ?? String(error)}`);
    return { ...result, error: (error as Error).message };
  } finally {
    await cleanup.runAll();
    removeHandlers();
  }
}

interface Criterion {
  database: DbProvider;
  name: string;
  pass: boolean;
  actual: string;
}

function criteriaOf(results: readonly DatabaseResult[]): Criterion[] {
  return results.flatMap((result) =>
    result.loaders.map((loader) => ({
      database: result.provider,
      name: `loader ${loader.days} days p99 < ${TARGETS.loaderP99Ms} ms`,
      pass: loader.p99Ms < TARGETS.loaderP99Ms,
      actual: `${loader.p99Ms.toFixed(1)} ms`,
    })),
  );
}

const row = (cells: string[], widths: number[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 10)).join(" ");

function printReport(results: readonly DatabaseResult[], criteria: readonly Criterion[], options: Options): void {
  console.log(
    `\nAnalytics (${options.orders.toLocaleString("en")} orders, ${options.conversations.toLocaleString("en")} conversations, ` +
      `${options.messages.toLocaleString("en")} messages asked, over two years; ${options.calls} timed calls per period ` +
      `after ${WARMUP_CALLS} warm-up; ${availableParallelism()} cores, load average ${loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")})\n`,
  );
  const widths = [11, 44, 10, 10, 10];
  console.log(row(["database", "measure", "p50 / ms", "p99 / ms", "max / ms"], widths));
  for (const result of results) {
    if (result.error !== undefined && result.loaders.length === 0) {
      console.log(row([result.provider, "FAILED", "", "", ""], widths) + `  ${result.error.split("\n")[0]}`);
      continue;
    }
    if (result.rollups)
      console.log(
        row(
          [
            result.provider,
            `rollups built: ${result.rollups.days} days, ${result.rollups.rows.toLocaleString("en")} rows`,
            `${(result.rollups.seconds * 1000).toFixed(0)}`,
            "",
            "",
          ],
          widths,
        ) + " (once)",
      );
    for (const loader of result.loaders)
      console.log(
        row(
          [
            result.provider,
            `page loader, last ${loader.days} days`,
            loader.p50Ms.toFixed(1),
            loader.p99Ms.toFixed(1),
            loader.maxMs.toFixed(1),
          ],
          widths,
        ),
      );
    if (result.refresh) {
      console.log(
        row(
          [
            result.provider,
            `hourly refresh, nothing new (${result.refresh.idleDays} days)`,
            result.refresh.idleMs.toFixed(0),
          ],
          widths,
        ),
      );
      console.log(
        row(
          [
            result.provider,
            `hourly refresh after ${result.refresh.newMessages.toLocaleString("en")} new messages`,
            result.refresh.afterMs.toFixed(0),
          ],
          widths,
        ) +
          `  → ${result.refresh.perThousandMs.toFixed(0)} ms per 1,000 new messages ` +
          `(${(result.refresh.afterMs - result.refresh.idleMs).toFixed(0)} ms more than with nothing new: ` +
          "the run recomputes its days whatever came in)",
      );
    }
  }
  for (const result of results)
    for (const [name, plan] of Object.entries(result.plans ?? {}))
      console.log(`\n${result.provider} plan, ${name}:\n${plan.replace(/^/gm, "  ")}`);

  console.log('\nTargets (issue 14 "Benchmark"):');
  for (const criterion of criteria)
    console.log(
      `  ${(criterion.pass ? "PASS" : "below target").padEnd(13)} ${criterion.database.padEnd(11)} ${criterion.name.padEnd(30)} ${criterion.actual}`,
    );
}

export async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  const results: DatabaseResult[] = [];
  for (const provider of options.databases) results.push(await measureDatabase(provider, options));
  const criteria = criteriaOf(results);
  printReport(results, criteria, options);
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `analytics-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: "analytics", at: new Date().toISOString(), node: process.version, cores: availableParallelism(), options, targets: TARGETS, results, criteria }, null, 2)}\n`,
  );
  console.log(`\nResults: ${file}`);
  const failed = results.filter((result) => result.error !== undefined);
  if (failed.length > 0)
    throw new Error(`analytics benchmark did not complete: ${failed.map((result) => result.provider).join(", ")}`);
}
