// `npm run bench -- order-page`: the customer's order page under load
// (DESIGN.md "Performance targets": 1,000,000 orders, 200 concurrent shoppers
// through the app proxy: p99 < 100 ms, ≥ 30% of a static page on the same
// server). For each database (SQLite, then PostgreSQL), in one run:
//   1. a fresh database, migrated by the production build's migrate command,
//      and the mirror of one shop with N orders (bench/order-page-seed.ts);
//   2. the production web process (build/web/index.js) on it;
//   3. from a separate load process (bench/order-page-load.ts, autocannon),
//      200 connections: the static file the same server answers
//      (/favicon.ico), twice, then shoppers opening their order pages (signed
//      app proxy requests with a signed order link); requests/s, p50/p99, and
//      the page's rate as a share of the static rate (the mean of the two
//      static runs).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { DbProvider } from "../app/db.server.ts";
import { orderLinkToken } from "../app/storefront/order-link.server.ts";
import { proxiedUrl } from "../sandbox/storefront/app-proxy.ts";
import { baseEnv, ROOT, startProcess, waitForExit } from "../scripts/lib/processes.ts";
import { flag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { cpuSeconds, freePort, spawnChild, systemCpu } from "./lib/children.ts";
import { postgresBackendPids, REDIS_URL, redisCleanup, redisServerPids, freshDatabase } from "./lib/resources.ts";
import {
  LOAD_CONFIG_ENV,
  openedIndex,
  RESULT_PREFIX,
  type PageLoadConfig,
  type PagePhase,
  type PhaseReport,
} from "./order-page-load.ts";
import { FIRST_ORDER, seedMirror, SHOP, type Seeded } from "./order-page-seed.ts";

export const description =
  "customer order page: 200 shoppers opening signed app proxy links over 1,000,000 orders vs a static file on the same server (SQLite, PostgreSQL)";

export const usage = `npm run bench -- order-page [--orders 1000000] [--opened 20000] [--connections 200]
       [--duration 10] [--warmup 3] [--databases sqlite,postgresql] [--root DIR] [--idle-wait 60] [--profile DIR]
  --orders       orders in the mirror (default 1,000,000; customers: a fifth of that)
  --opened       distinct orders the shoppers open, spread over all of them (default 20,000)
  --connections  concurrent shoppers (default 200)
  --duration     measured seconds per phase (default 10), after --warmup seconds (default 3)
  --databases    sqlite, postgresql or both (default both)
  --root         the project folder whose build/ to run (default this one; \`npm run build\` first when it has none)
  --idle-wait    seconds to wait for other work on the machine to stop before each database (default 60, 0 = don't)
  --profile      a folder: the web process writes a CPU profile (.cpuprofile) there`;

const TARGETS = { p99Ms: 100, ratioOfStatic: 0.3 } as const;
const SECRET = "kizuna-bench-secret";
const PATH_PREFIX = "/apps/kizuna";
const STATIC_PATH = "/favicon.ico";
const QUIET_CORES = 0.25;

interface Options {
  orders: number;
  opened: number;
  connections: number;
  durationS: number;
  warmupS: number;
  databases: DbProvider[];
  root: string;
  idleWaitS: number;
  profileDir: string | null;
}

function parseOptions(args: readonly string[]): Options {
  const databases = (flag(args, "databases") ?? "sqlite,postgresql").split(",").map((name) => name.trim());
  for (const name of databases)
    if (name !== "sqlite" && name !== "postgresql")
      throw new Error(`--databases: unknown database ${JSON.stringify(name)} (sqlite, postgresql)`);
  const orders = Math.round(numberFlag(args, "orders", 1_000_000));
  return {
    orders,
    opened: Math.min(orders, Math.round(numberFlag(args, "opened", 20_000))),
    connections: Math.round(numberFlag(args, "connections", 200)),
    durationS: numberFlag(args, "duration", 10),
    warmupS: numberFlag(args, "warmup", 3),
    databases: databases as DbProvider[],
    root: resolve(flag(args, "root") ?? ROOT),
    idleWaitS: flag(args, "idle-wait") === "0" ? 0 : numberFlag(args, "idle-wait", 60),
    profileDir: flag(args, "profile") ? resolve(flag(args, "profile")!) : null,
  };
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Cores busy on the machine over `ms` (other people's tests skew every number on a shared 2-core box). */
async function busyCores(ms = 1_000): Promise<number> {
  const before = systemCpu();
  await sleep(ms);
  const after = systemCpu();
  return ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * availableParallelism();
}

async function quietMachine(waitS: number): Promise<number> {
  const deadline = Date.now() + waitS * 1000;
  let busy = await busyCores();
  if (busy > QUIET_CORES && waitS > 0)
    console.log(`  waiting up to ${waitS} s for the machine to go quiet (${busy.toFixed(2)} cores busy)…`);
  while (busy > QUIET_CORES && Date.now() < deadline) busy = await busyCores();
  return busy;
}

function ensureBuild(root: string): void {
  if (existsSync(join(root, "build/web/index.js"))) return;
  console.log(`▸ No build in ${root}: npm run build…`);
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
}

interface CpuUse {
  serverCores: number;
  loadCores: number;
  postgresCores: number;
  redisCores: number;
  machineCores: number;
  otherCores: number;
}

interface Sample {
  at: number;
  server: number;
  load: number;
  postgres: number;
  redis: number;
  machine: ReturnType<typeof systemCpu>;
}

interface Pids {
  server?: number;
  load?: number;
  postgres: number[];
  redis: number[];
}

function sample(pids: Pids): Sample {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuSeconds(pid), 0);
  return {
    at: performance.now(),
    server: cpuSeconds(pids.server),
    load: cpuSeconds(pids.load),
    postgres: sum(pids.postgres),
    redis: sum(pids.redis),
    machine: systemCpu(),
  };
}

function cpuBetween(before: Sample, after: Sample): CpuUse {
  const wallS = (after.at - before.at) / 1000;
  const rate = (key: "server" | "load" | "postgres" | "redis") => (after[key] - before[key]) / wallS;
  const ticks = Math.max(1, after.machine.total - before.machine.total);
  const machineCores = ((after.machine.busy - before.machine.busy) / ticks) * availableParallelism();
  const ours = rate("server") + rate("load") + rate("postgres") + rate("redis");
  return {
    serverCores: rate("server"),
    loadCores: rate("load"),
    postgresCores: rate("postgres"),
    redisCores: rate("redis"),
    machineCores,
    otherCores: Math.max(0, machineCores - ours),
  };
}

interface PhaseResult {
  report: PhaseReport;
  cpu: CpuUse;
}

interface DatabaseResult {
  provider: DbProvider;
  seeded?: Seeded;
  busyBefore: number;
  loadAverage: number[];
  phases: PhaseResult[];
  /** One page, fetched before the load: what a shopper gets. */
  check?: { status: number; bytes: number; badSignature: number; ms: number };
  error?: string;
}

/** The storefront link of the j-th opened order, as the app proxy forwards it to the app (signed now). */
function signedPagePath(port: number, j: number, stride: number): { path: string; name: string } {
  const index = openedIndex(j, stride);
  const id = String(FIRST_ORDER + index);
  const token = orderLinkToken(SHOP, id, { secret: SECRET });
  const storefront = new URL(`https://${SHOP}${PATH_PREFIX}/orders/${id}?t=${encodeURIComponent(token)}`);
  const url = proxiedUrl(storefront, {
    url: `http://127.0.0.1:${port}/proxy`,
    pathPrefix: PATH_PREFIX,
    shop: SHOP,
    secret: SECRET,
  });
  return { path: `${url.pathname}${url.search}`, name: `#${1001 + index}` };
}

/** One page as a shopper opens it, and the same link with a wrong signature: the page must be there, and checked. */
async function checkPage(port: number, stride: number): Promise<NonNullable<DatabaseResult["check"]>> {
  const { path, name } = signedPagePath(port, 1, stride);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { "accept-language": "ja" } });
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200 || !body.includes(name))
    throw new Error(`the order page answered ${response.status} without ${name}: ${body.slice(0, 300)}`);
  const forged = path.replace(/signature=([0-9a-f])/, (_all, c: string) => `signature=${c === "0" ? "1" : "0"}`);
  const bad = await fetch(`http://127.0.0.1:${port}${forged}`);
  await bad.arrayBuffer();
  if (bad.status !== 401) throw new Error(`a wrong app proxy signature answered ${bad.status}, not 401`);
  return { status: response.status, bytes: Buffer.byteLength(body), badSignature: bad.status, ms };
}

async function measureDatabase(provider: DbProvider, options: Options): Promise<DatabaseResult> {
  const cleanup = new Cleanup();
  const removeHandlers = cleanup.onSignals();
  const result: DatabaseResult = { provider, busyBefore: 0, loadAverage: [], phases: [] };
  try {
    const url = await freshDatabase(provider, cleanup);
    const redisPrefix = redisCleanup(cleanup);
    execFileSync(process.execPath, [join(options.root, "build/cli/migrate.js")], {
      cwd: options.root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    console.log(`▸ ${provider}: seeding ${options.orders.toLocaleString("en")} orders…`);
    const seeded = await seedMirror(
      provider,
      url,
      options.orders,
      Math.max(1, Math.round(options.orders / 5)),
      Math.floor(Date.now() / 1000),
    );
    result.seeded = seeded;
    const c = seeded.counts;
    console.log(
      `  ${c.orders.toLocaleString("en")} orders, ${c.lineItems.toLocaleString("en")} line items, ` +
        `${c.fulfillments.toLocaleString("en")} fulfillments, ${c.fulfillmentEvents.toLocaleString("en")} carrier scans, ` +
        `${c.customers.toLocaleString("en")} customers, ${c.delayCases.toLocaleString("en")} delay cases, ` +
        `${c.returns.toLocaleString("en")} returns in ${seeded.seconds.toFixed(1)} s`,
    );

    const port = await freePort();
    const env = baseEnv({
      DATABASE_URL: url,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      PORT: String(port),
      SHOPIFY_API_KEY: "kizuna-bench-client-id",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    });
    const lines: string[] = [];
    let serverProcess: ReturnType<typeof startProcess> | undefined;
    const listening = new Promise<void>((done) => {
      // --profile DIR: the web process writes a CPU profile there (where its time goes).
      const flags = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
      const server = startProcess(
        join(options.root, "build/web/index.js"),
        env,
        (line) => {
          lines.push(line);
          if (lines.length > 200) lines.shift();
          if (/web: listening/.test(line)) done();
        },
        flags,
      );
      serverProcess = server;
    });
    cleanup.defer("stop the web process", async () => {
      if (!serverProcess || serverProcess.exitCode !== null) return;
      serverProcess.kill("SIGTERM");
      // A slow page leaves requests queued that a graceful stop would wait for.
      const killer = setTimeout(() => serverProcess?.kill("SIGKILL"), 5_000);
      await waitForExit(serverProcess);
      clearTimeout(killer);
    });
    const exited = new Promise<never>((_done, fail) =>
      serverProcess!.once("exit", (code) =>
        fail(new Error(`the web process exited (${code}):\n${lines.slice(-20).join("\n")}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([listening, exited, sleep(120_000).then(() => Promise.reject(new Error("no listen in 120 s")))]);

    const stride = Math.floor(options.orders / options.opened);
    result.check = await checkPage(port, stride);
    console.log(
      `  one page: ${result.check.status}, ${result.check.bytes.toLocaleString("en")} bytes in ${result.check.ms.toFixed(0)} ms ` +
        `(cold); a wrong signature: ${result.check.badSignature}`,
    );

    result.busyBefore = await quietMachine(options.idleWaitS);
    result.loadAverage = loadavg();
    const phases: PagePhase[] = [
      // The page last: when it is slow, the server keeps working off the requests the load
      // tool stopped waiting for, which would slow whatever came next.
      { name: "static", kind: "static", warmupS: options.warmupS, durationS: options.durationS },
      { name: "static-again", kind: "static", warmupS: 1, durationS: options.durationS },
      { name: "page", kind: "page", warmupS: options.warmupS, durationS: options.durationS },
    ];
    const config: PageLoadConfig = {
      url: `http://127.0.0.1:${port}`,
      connections: options.connections,
      phases,
      secret: SECRET,
      shop: SHOP,
      pathPrefix: PATH_PREFIX,
      openedIds: { first: FIRST_ORDER, stride, count: options.opened },
      staticPath: STATIC_PATH,
    };
    console.log(
      `  load: ${options.connections} connections; static ${STATIC_PATH} twice, then ${options.opened.toLocaleString("en")} ` +
        `order pages at random; ${options.durationS} s each after ${options.warmupS} s warm-up` +
        (result.busyBefore > QUIET_CORES ? ` — machine NOT idle (${result.busyBefore.toFixed(2)} cores busy)` : ""),
    );
    const load = spawnChild("load", "bench/order-page-load.ts", {
      env: { ...baseEnv({}), [LOAD_CONFIG_ENV]: JSON.stringify(config) },
    });
    cleanup.defer("stop the load process", () => load.stop(5_000).then(() => undefined));
    const limit = (options.warmupS + options.durationS + 60) * 1000;
    const cpu: CpuUse[] = [];
    for (const phase of phases) {
      await load.waitFor(new RegExp(`^phase:${phase.name}:start$`), limit + 150_000);
      const pids: Pids = {
        server: serverProcess!.pid,
        load: load.process.pid,
        postgres: provider === "postgresql" ? await postgresBackendPids(url) : [],
        redis: await redisServerPids(),
      };
      const before = sample(pids);
      await load.waitFor(new RegExp(`^phase:${phase.name}:end$`), limit);
      cpu.push(cpuBetween(before, sample(pids)));
    }
    const line = await load.waitFor(new RegExp(`^${RESULT_PREFIX}`), 30_000);
    const reports = JSON.parse(line.slice(RESULT_PREFIX.length)) as PhaseReport[];
    result.phases = reports.map((report, i) => ({ report, cpu: cpu[i]! }));
    return result;
  } catch (error) {
    console.error(`  ${provider} failed: ${(error as Error).stack ?? String(error)}`);
    return { ...result, error: (error as Error).message };
  } finally {
    await cleanup.runAll();
    removeHandlers();
  }
}

// ─── report ──────────────────────────────────────────────────────────────────

const int = (value: number) => Math.round(value).toLocaleString("en-US");

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
}

function staticRate(result: DatabaseResult): number {
  const statics = result.phases.filter((phase) => phase.report.kind === "static");
  return statics.reduce((sum, phase) => sum + phase.report.requestsPerS, 0) / Math.max(1, statics.length);
}

interface Criterion {
  database: string;
  name: string;
  actual: string;
  pass: boolean;
}

function criteriaOf(results: readonly DatabaseResult[]): Criterion[] {
  return results.flatMap((result) => {
    const page = result.phases.find((phase) => phase.report.kind === "page")?.report;
    const ratio = page ? page.requestsPerS / Math.max(1, staticRate(result)) : undefined;
    return [
      {
        database: result.provider,
        name: `p99 < ${TARGETS.p99Ms} ms`,
        actual: !page
          ? "no result"
          : page.responses === 0
            ? "no answer within the 10 s timeout"
            : `${page.p99Ms.toFixed(1)} ms${page.errors + page.timeouts > 0 ? ` (+${page.errors + page.timeouts} timed out)` : ""}`,
        pass: page !== undefined && page.p99Ms < TARGETS.p99Ms && page.non2xx === 0 && page.errors === 0,
      },
      {
        database: result.provider,
        name: `≥ ${TARGETS.ratioOfStatic * 100}% of static`,
        actual: ratio === undefined ? "no result" : `${(ratio * 100).toFixed(1)}%`,
        pass: (ratio ?? 0) >= TARGETS.ratioOfStatic,
      },
    ];
  });
}

function printReport(results: readonly DatabaseResult[], criteria: readonly Criterion[], options: Options): void {
  console.log(
    `\nCustomer order page — ${int(options.orders)} orders in the mirror, ${options.connections} concurrent shoppers, ` +
      `${options.durationS} s measured per phase after a warm-up; the production web process (build/web/index.js), ` +
      `load from a separate process (autocannon). "vs static" = the page's requests/s over the mean of the two static runs before it; ` +
      `latencies are of answered requests, "errors" counts those not answered within 10 s.\n`,
  );
  const widths = [10, 22, 8, 7, 7, 7, 8, 7, 6, 9, 7];
  console.log(
    row(
      ["database", "request", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx", "errors", "vs static", "KB"],
      widths,
    ),
  );
  for (const result of results) {
    if (result.error !== undefined && result.phases.length === 0) {
      console.log(
        row([result.provider, "FAILED", "", "", "", "", "", "", "", "", ""], widths) +
          `  ${result.error.split("\n")[0]}`,
      );
      continue;
    }
    const base = staticRate(result);
    for (const { report } of result.phases) {
      const label =
        report.kind === "page"
          ? "order page (signed)"
          : `static ${STATIC_PATH}${report.name.endsWith("again") ? " again" : ""}`;
      console.log(
        row(
          [
            result.provider,
            label,
            int(report.requestsPerS),
            ...(report.responses === 0
              ? ["—", "—", "—", "—"]
              : [report.p50Ms.toFixed(1), report.p90Ms.toFixed(1), report.p99Ms.toFixed(1), report.maxMs.toFixed(0)]),
            int(report.non2xx),
            int(report.errors + report.timeouts),
            report.kind === "page" ? `${((report.requestsPerS / Math.max(1, base)) * 100).toFixed(1)}%` : "—",
            (report.bytes / 1024).toFixed(1),
          ],
          widths,
        ),
      );
    }
  }

  console.log(`\nCPU during each measured phase (cores busy, of ${availableParallelism()}):`);
  const cpuWidths = [10, 22, 7, 10, 11, 6, 17, 8];
  console.log(
    row(
      ["database", "request", "server", "load tool", "PostgreSQL", "Redis", "other (OS, noise)", "machine"],
      cpuWidths,
    ),
  );
  for (const result of results)
    for (const { report, cpu } of result.phases)
      console.log(
        row(
          [
            result.provider,
            report.name,
            ...[
              cpu.serverCores,
              cpu.loadCores,
              cpu.postgresCores,
              cpu.redisCores,
              cpu.otherCores,
              cpu.machineCores,
            ].map((value) => value.toFixed(2)),
          ],
          cpuWidths,
        ),
      );
  for (const result of results)
    console.log(
      `  ${result.provider}: ${result.busyBefore.toFixed(2)} cores busy just before the load, load average ` +
        `${result.loadAverage.map((value) => value.toFixed(2)).join(" ")}`,
    );
  const noisy = results.filter((result) => result.phases.some((phase) => phase.cpu.otherCores > QUIET_CORES));
  if (noisy.length > 0)
    console.log(
      `  NOTE ${noisy.map((result) => result.provider).join(", ")}: other work on the machine took > ${QUIET_CORES} cores ` +
        "during a phase; its numbers are low and noisy (the ratio less so: both sides share the noise).",
    );

  console.log('\nTargets (DESIGN.md "Performance targets"):');
  for (const criterion of criteria)
    console.log(
      `  ${(criterion.pass ? "PASS" : "below target").padEnd(13)} ${criterion.database.padEnd(11)} ${criterion.name.padEnd(20)} ${criterion.actual}`,
    );
}

export async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  ensureBuild(options.root);
  const results: DatabaseResult[] = [];
  for (const provider of options.databases) results.push(await measureDatabase(provider, options));
  const criteria = criteriaOf(results);
  printReport(results, criteria, options);
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `order-page-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: "order-page", at: new Date().toISOString(), node: process.version, cores: availableParallelism(), options, targets: TARGETS, results, criteria }, null, 2)}\n`,
  );
  console.log(`\nResults: ${file}`);
  const failed = results.filter((result) => result.error !== undefined);
  if (failed.length > 0)
    throw new Error(`order-page benchmark did not complete: ${failed.map((result) => result.provider).join(", ")}`);
}
