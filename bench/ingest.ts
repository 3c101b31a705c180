// `npm run bench -- ingest`: webhook ingest throughput and ack latency
// (DESIGN.md "Performance targets"). Drives, one after another in one run,
//   - a bare Node HTTP server that only checks the HMAC (bench/bare-server.ts),
//   - the production web process (server/index.ts) on SQLite,
//   - the production web process on PostgreSQL,
// each from a separate load process (bench/load.ts, autocannon) with signed
// orders/updated deliveries, every one a new event. No worker runs: this
// measures acknowledgement (HMAC, group-commit insert, enqueue, 200).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { Queue } from "bullmq";
import Redis from "ioredis";
import { createDb, type DbProvider } from "../app/db.server.ts";
import { recordInstall } from "../app/shops/record-install.server.ts";
import { instancePrefix } from "../app/jobs/instance.server.ts";
import { QUEUE } from "../app/jobs/queues.server.ts";
import { API_VERSION } from "../app/webhooks/topics.ts";
import { baseEnv, ROOT } from "../scripts/lib/processes.ts";
import { flag, hasFlag, numberFlag } from "./lib/args.ts";
import { Cleanup } from "./lib/cleanup.ts";
import { cpuSeconds, freePort, spawnChild, systemCpu, type Child } from "./lib/children.ts";
import { formatSummary, summariseProfile, type ProfileSummary } from "./lib/cpu-profile.ts";
import {
  freshDatabase,
  postgresBackendPids,
  randomTag,
  REDIS_URL,
  redisCleanup,
  redisServerPids,
} from "./lib/resources.ts";
import { CONFIG_ENV, RESULT_PREFIX, type LoadConfig, type LoadReport, type PhaseReport } from "./load.ts";

export const description =
  "webhook ingest: signed orders/updated deliveries/s and ack latency, bare HMAC server vs Kizuna on SQLite and PostgreSQL";

const TARGETS = { deliveriesPerS: 2_000, p99Ms: 50, ratioOfBare: 0.4 } as const;
const SECRET = "kizuna-bench-secret";
const SHOP = "kizuna-bench.myshopify.com";
const TOPIC = "orders/updated";
const BUILD_ENTRY = resolve(ROOT, "build/server/index.js");
const RESULTS_DIR = resolve(ROOT, "bench/results");

/** A web process to measure. */
interface ServerTarget {
  label: string;
  provider: DbProvider;
  entry: string;
  /** Only the production entry loads the Remix build. */
  needsBuild: boolean;
}

const SERVER_TARGETS = {
  sqlite: { label: "kizuna sqlite", provider: "sqlite", entry: "server/index.ts", needsBuild: true },
  postgresql: { label: "kizuna postgresql", provider: "postgresql", entry: "server/index.ts", needsBuild: true },
} satisfies Record<string, ServerTarget>;

type TargetName = "bare" | keyof typeof SERVER_TARGETS;
const KNOWN_TARGETS = ["bare", ...Object.keys(SERVER_TARGETS)] as TargetName[];
const DEFAULT_TARGETS: readonly TargetName[] = ["bare", "sqlite", "postgresql"];
const labelOf = (target: TargetName) => (target === "bare" ? "bare (HMAC only)" : SERVER_TARGETS[target].label);

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  targets: TargetName[];
  profile: boolean;
  rebuild: boolean;
  buildWaitMin: number;
  /** Seconds to wait for the machine to go quiet before each target. */
  idleWaitS: number;
  /** Runs per target; the report shows the median run (by deliveries/s). */
  repeat: number;
  /** Tries per run when other work on the machine disturbed it. */
  attempts: number;
}

interface CpuUse {
  /** CPU cores used on average during the measured phase. */
  serverCores: number;
  loadCores: number;
  /** PostgreSQL backends serving this run's database (SQLite runs inside the server). */
  postgresCores: number;
  /** The Redis server (shared, but nothing else should be busy with it). */
  redisCores: number;
  machineCores: number;
  /** Cores' worth of time the machine sat idle waiting on disk (fsync of SQLite / PostgreSQL commits). */
  iowaitCores: number;
  /** Everything else: the kernel, other people's work on the machine — ideally ~0. */
  otherCores: number;
}

/** Processes outside our children whose CPU belongs to the run, looked up once the load is on. */
type SidecarPids = () => Promise<{ postgres: number[]; redis: number[] }>;

interface Stored {
  /** WebhookEvent rows of the measured phase. */
  rows: number;
  byStatus: Record<string, number>;
  /** Rows of warm-up and measured phase together, and the jobs BullMQ holds for them. */
  allRows: number;
  jobsInRedis: number;
  verdict: string;
  ok: boolean;
}

interface TargetResult {
  target: TargetName;
  label: string;
  /** Cores busy on the machine just before this target started (ideally ~0). */
  backgroundCores?: number;
  load?: PhaseReport;
  warmup?: PhaseReport;
  cpu?: CpuUse;
  stored?: Stored;
  serverExitCode?: number | null;
  profile?: ProfileSummary;
  error?: string;
  /** With --repeat: deliveries/s of every run; this result is the median one. */
  runs?: number[];
}

function parseOptions(args: readonly string[]): Options {
  const targets = (flag(args, "targets") ?? DEFAULT_TARGETS.join(",")).split(",").map((name) => name.trim());
  for (const name of targets)
    if (!(KNOWN_TARGETS as string[]).includes(name))
      throw new Error(`--targets: unknown target ${JSON.stringify(name)} (${KNOWN_TARGETS.join(", ")})`);
  return {
    durationS: numberFlag(args, "duration", 10),
    warmupS: numberFlag(args, "warmup", 2),
    connections: numberFlag(args, "connections", 50),
    targets: targets as TargetName[],
    profile: hasFlag(args, "profile"),
    rebuild: hasFlag(args, "rebuild"),
    buildWaitMin: numberFlag(args, "build-wait", 15),
    idleWaitS: flag(args, "idle-wait") === "0" ? 0 : numberFlag(args, "idle-wait", 120),
    repeat: Math.round(numberFlag(args, "repeat", 1)),
    attempts: Math.round(numberFlag(args, "attempts", 3)),
  };
}

export const usage = `npm run bench -- ingest [--duration 10] [--warmup 2] [--connections 50]
       [--targets bare,sqlite,postgresql] [--profile] [--rebuild] [--build-wait 15]
  --targets     any of ${KNOWN_TARGETS.join(", ")}
  --profile     also record a CPU profile of each web process (node --cpu-prof) and summarise it
  --rebuild     run the Remix build even if build/ exists
  --build-wait  minutes to keep retrying a failing build before giving up
  --repeat      runs per target, the median run is reported (default 1)
  --attempts    tries per run while other work on the machine disturbs it (default 3; the quietest is kept)
  --idle-wait   seconds to wait for other load on the machine to stop before each target (default 120, 0 = don't)`;

// ─── build ───────────────────────────────────────────────────────────────────

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function buildOnce(): string | null {
  const cli = createRequire(import.meta.url).resolve("@remix-run/dev/dist/cli.js");
  try {
    execFileSync(process.execPath, [cli, "vite:build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    return null;
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message);
    return (
      output
        .split("\n")
        .filter((line) => /error|Could not|not found|failed/i.test(line))
        .slice(0, 5)
        .join("\n") || output.slice(-500)
    );
  }
}

/** Builds once if there is no build; other modules may still be landing, so a failing build is retried. */
async function ensureBuild(options: Options): Promise<void> {
  if (existsSync(BUILD_ENTRY) && !options.rebuild) return;
  const deadline = Date.now() + options.buildWaitMin * 60_000;
  for (;;) {
    console.log("▸ Building the app (remix vite:build)…");
    const failure = buildOnce();
    if (failure === null) return;
    if (Date.now() > deadline) throw new Error(`the build still fails after ${options.buildWaitMin} min:\n${failure}`);
    console.log(`  build failed, retrying in 60 s:\n${failure.replace(/^/gm, "    ")}`);
    await sleep(60_000);
  }
}

// ─── one target ──────────────────────────────────────────────────────────────

/** Echoes a child's first few lines (warnings matter), then stays quiet: a failing store would flood the terminal. */
function echoFirst(name: string, limit = 15): (line: string) => void {
  let seen = 0;
  return (line) => {
    seen++;
    if (seen <= limit) console.log(`    [${name}] ${line}`);
    else if (seen === limit + 1) console.log(`    [${name}] … (further output suppressed)`);
  };
}

/** CPU seconds used so far by each process we watch, and the machine's counters. */
function cpuSnapshot(pids: { server?: number; load?: number; postgres: number[]; redis: number[] }) {
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

function cpuBetween(before: ReturnType<typeof cpuSnapshot>, after: ReturnType<typeof cpuSnapshot>): CpuUse {
  const wallS = (after.at - before.at) / 1000;
  const rate = (key: "server" | "load" | "postgres" | "redis") => (after[key] - before[key]) / wallS;
  const ticks = Math.max(1, after.machine.total - before.machine.total);
  const machineCores = ((after.machine.busy - before.machine.busy) / ticks) * availableParallelism();
  const iowaitCores = ((after.machine.iowait - before.machine.iowait) / ticks) * availableParallelism();
  const ours = rate("server") + rate("load") + rate("postgres") + rate("redis");
  return {
    serverCores: rate("server"),
    loadCores: rate("load"),
    postgresCores: rate("postgres"),
    redisCores: rate("redis"),
    machineCores,
    iowaitCores,
    otherCores: Math.max(0, machineCores - ours),
  };
}

/** Runs the load process against `port` and samples CPU use over the measured phase. */
async function drive(
  port: number,
  server: Child,
  options: Options,
  cleanup: Cleanup,
  sidecars: SidecarPids,
): Promise<{ report: LoadReport; cpu: CpuUse }> {
  const config: LoadConfig = {
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    warmupS: options.warmupS,
    durationS: options.durationS,
    secret: SECRET,
    shop: SHOP,
    topic: TOPIC,
    apiVersion: API_VERSION,
    tag: `bench-${randomTag()}`,
  };
  const load = spawnChild("load", "bench/load.ts", { env: { ...baseEnv({}), [CONFIG_ENV]: JSON.stringify(config) } });
  cleanup.defer("stop the load process", () => load.stop(5_000).then(() => undefined));
  const limit = (options.warmupS + options.durationS + 60) * 1000;
  await load.waitFor(/^phase:run:start$/, limit);
  // After the warm-up, so the server's database connections exist.
  const pids = { server: server.process.pid, load: load.process.pid, ...(await sidecars()) };
  const before = cpuSnapshot(pids);
  await load.waitFor(/^phase:run:end$/, limit);
  const cpu = cpuBetween(before, cpuSnapshot(pids));
  const line = await load.waitFor(new RegExp(`^${RESULT_PREFIX}`), 30_000);
  await load.stop(5_000);
  return { report: JSON.parse(line.slice(RESULT_PREFIX.length)) as LoadReport, cpu };
}

async function measureBare(options: Options, cleanup: Cleanup): Promise<TargetResult> {
  const port = await freePort();
  const env = baseEnv({ PORT: String(port), SHOPIFY_API_SECRET: SECRET });
  const server = spawnChild("bare", "bench/bare-server.ts", { env, echo: echoFirst("bare") });
  cleanup.defer("stop the bare server", () => server.stop().then(() => undefined));
  await server.waitFor(/bare: listening/, 30_000);
  const { report, cpu } = await drive(port, server, options, cleanup, async () => ({ postgres: [], redis: [] }));
  return {
    target: "bare",
    label: labelOf("bare"),
    load: report.run,
    warmup: report.warmup,
    cpu,
    serverExitCode: await server.stop(),
  };
}

/**
 * Every 2xx must be a stored row (that is the contract). Rows may exceed the
 * 2xx count by deliveries the load tool sent but stopped waiting for (in
 * flight when the phase ended, or timed out) — the server still stored them.
 */
function verdictOf(load: PhaseReport, rows: number): { verdict: string; ok: boolean } {
  const unanswered = load.sent - load.responses;
  if (rows === load.ok2xx) return { verdict: `${rows} rows = ${load.ok2xx} 2xx responses`, ok: true };
  if (rows > load.ok2xx && rows <= load.ok2xx + unanswered) {
    return {
      verdict: `${rows} rows = ${load.ok2xx} 2xx + ${rows - load.ok2xx} still in flight when the load stopped (of ${unanswered} unanswered)`,
      ok: true,
    };
  }
  return { verdict: `MISMATCH: ${rows} rows vs ${load.ok2xx} 2xx responses (${unanswered} unanswered)`, ok: false };
}

async function countStored(url: string, redisPrefix: string, load: PhaseReport): Promise<Stored> {
  const db = createDb(url);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  // BullMQ leaves a connection it was given open on close(): disconnected below.
  // The web process queues under its database's key space (docs/decisions/0008-job-key-space.md).
  const queue = new Queue(QUEUE.webhooks, { connection: redis, prefix: await instancePrefix(db, redisPrefix) });
  try {
    const measured = { eventId: { startsWith: load.eventIdPrefix } };
    const rows = await db.webhookEvent.count({ where: measured });
    const groups = await db.webhookEvent.groupBy({ by: ["status"], where: measured, _count: { _all: true } });
    const counts = await queue.getJobCounts("waiting", "prioritized", "delayed", "active", "completed", "failed");
    return {
      rows,
      byStatus: Object.fromEntries(groups.map((group) => [group.status, group._count._all])),
      allRows: await db.webhookEvent.count(),
      jobsInRedis: Object.values(counts).reduce((sum, count) => sum + count, 0),
      ...verdictOf(load, rows),
    };
  } finally {
    await queue.close();
    redis.disconnect();
    await db.$disconnect();
  }
}

/** The main thread's profile: node writes one per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>), tsx's loader has its own. */
function mainThreadProfile(dir: string): string | undefined {
  const files = existsSync(dir)
    ? readdirSync(dir).filter((file) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file))
    : [];
  return files.length > 0 ? join(dir, files.sort().at(-1)!) : undefined;
}

async function measureServer(
  target: Exclude<TargetName, "bare">,
  options: Options,
  stamp: string,
  cleanup: Cleanup,
): Promise<TargetResult> {
  const { label, provider, entry, needsBuild } = SERVER_TARGETS[target];
  // Others may have rebuilt (and so briefly removed) build/ since the run began.
  if (needsBuild) await ensureBuild({ ...options, rebuild: false });
  const url = await freshDatabase(provider, cleanup);
  const redisPrefix = redisCleanup(cleanup);
  const port = await freePort();
  const profileDir = join(RESULTS_DIR, "profiles", `${stamp}-${target}`);
  const env = baseEnv({
    DATABASE_URL: url,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    PORT: String(port),
    SHOPIFY_API_KEY: "kizuna-bench-client-id",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
  });
  // The profile is written when the process exits, hence the graceful stop below.
  const nodeArgs = options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const server = spawnChild(`web ${target}`, entry, { env, nodeArgs, echo: echoFirst(`web ${target}`) });
  cleanup.defer(`stop the ${target} web process`, () => server.stop().then(() => undefined));
  // Migrating a fresh database and loading the Remix build happen before it listens.
  await server.waitFor(/web: listening/, 120_000);
  // Webhooks of a shop that is not installed are acknowledged and not stored: install it, as the app does.
  const installDb = createDb(url);
  await recordInstall(installDb, SHOP, null);
  await installDb.$disconnect();
  const sidecars: SidecarPids = async () => ({
    postgres: provider === "postgresql" ? await postgresBackendPids(url) : [],
    redis: await redisServerPids(),
  });
  const { report, cpu } = await drive(port, server, options, cleanup, sidecars);
  // A graceful stop drains the group commit, so every acknowledged event is counted below.
  const serverExitCode = await server.stop();
  const stored = await countStored(url, redisPrefix, report.run);
  const profileFile = options.profile ? mainThreadProfile(profileDir) : undefined;
  const profile = profileFile ? summariseProfile(profileFile, ROOT) : undefined;
  return {
    target,
    label,
    load: report.run,
    warmup: report.warmup,
    cpu,
    stored,
    serverExitCode,
    profile,
  };
}

/** Cores busy on the machine over `ms` while nothing of ours runs: other work skews every number. */
async function backgroundCores(ms = 1_000): Promise<number> {
  const before = systemCpu();
  await sleep(ms);
  const after = systemCpu();
  return ((after.busy - before.busy) / Math.max(1, after.total - before.total)) * availableParallelism();
}

const QUIET_CORES = 0.25;

/** Waits (up to `waitS`) for a second in which the machine is quiet; returns the last reading. */
async function quietMachine(waitS: number): Promise<number> {
  const deadline = Date.now() + waitS * 1000;
  let busy = await backgroundCores();
  if (busy > QUIET_CORES && waitS > 0)
    console.log(`  waiting up to ${waitS} s for the machine to go quiet (${busy.toFixed(2)} cores busy)…`);
  while (busy > QUIET_CORES && Date.now() < deadline) busy = await backgroundCores();
  return busy;
}

async function measure(target: TargetName, options: Options, stamp: string): Promise<TargetResult> {
  const cleanup = new Cleanup();
  const removeSignalHandlers = cleanup.onSignals();
  const background = await quietMachine(options.idleWaitS);
  const noisy =
    background > QUIET_CORES
      ? ` — machine NOT idle (${background.toFixed(2)} cores busy before start): expect low, noisy numbers`
      : "";
  const plan = `warm-up ${options.warmupS} s, then ${options.durationS} s at ${options.connections} connections`;
  console.log(`▸ ${labelOf(target)}: ${plan}${noisy}…`);
  try {
    const result =
      target === "bare" ? await measureBare(options, cleanup) : await measureServer(target, options, stamp, cleanup);
    return { ...result, backgroundCores: background };
  } catch (error) {
    console.error(`  ${labelOf(target)} failed: ${(error as Error).stack ?? String(error)}`);
    return { target, label: labelOf(target), backgroundCores: background, error: (error as Error).message };
  } finally {
    await cleanup.runAll();
    removeSignalHandlers();
  }
}

/**
 * One run, measured again (up to `options.attempts` times) while other work on
 * the machine took CPU during it: on a shared 2-core box a neighbour's test
 * suite halves any number. Keeps the quietest attempt.
 */
async function measureQuietly(target: TargetName, options: Options, stamp: string): Promise<TargetResult> {
  let quietest: TargetResult | undefined;
  const noise = (result: TargetResult) => result.cpu?.otherCores ?? 0;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    const result = await measure(target, options, attempt === 1 ? stamp : `${stamp}-retry${attempt}`);
    if (result.error !== undefined || noise(result) <= QUIET_CORES) return result;
    if (!quietest || noise(result) < noise(quietest)) quietest = result;
    const next = attempt < options.attempts ? "measuring again" : "keeping the quietest attempt";
    console.log(`  other work took ${noise(result).toFixed(2)} cores during that run: ${next}`);
  }
  return quietest!;
}

/** Runs a target `options.repeat` times and keeps the median run: one noisy run on a shared machine must not decide. */
async function measureRepeatedly(target: TargetName, options: Options, stamp: string): Promise<TargetResult> {
  const runs: TargetResult[] = [];
  for (let i = 0; i < options.repeat; i++) runs.push(await measureQuietly(target, options, `${stamp}-${i + 1}`));
  if (runs.length === 1) return runs[0]!;
  const failed = runs.find((result) => result.error !== undefined || (result.stored && !result.stored.ok));
  if (failed) return failed;
  const rate = (result: TargetResult) => result.load?.deliveriesPerS ?? 0;
  const sorted = [...runs].sort((a, b) => rate(a) - rate(b));
  return { ...sorted[Math.floor(sorted.length / 2)]!, runs: runs.map(rate) };
}

// ─── report ──────────────────────────────────────────────────────────────────

const int = (value: number) => Math.round(value).toLocaleString("en-US");
const ms = (value: number) => value.toFixed(2);

interface Criterion {
  target: string;
  name: string;
  actual: string;
  pass: boolean;
}

function ratioOf(result: TargetResult, bare: TargetResult | undefined): number | undefined {
  if (!result.load || !bare?.load || bare.load.deliveriesPerS === 0) return undefined;
  return result.load.deliveriesPerS / bare.load.deliveriesPerS;
}

function criteriaOf(results: readonly TargetResult[]): Criterion[] {
  const bare = results.find((result) => result.target === "bare");
  return results
    .filter((result) => result.target !== "bare")
    .flatMap((result) => {
      const load = result.load;
      const ratio = ratioOf(result, bare);
      return [
        {
          target: result.label,
          name: `≥ ${int(TARGETS.deliveriesPerS)} deliveries/s`,
          actual: load ? `${int(load.deliveriesPerS)}/s` : "no result",
          pass: (load?.deliveriesPerS ?? 0) >= TARGETS.deliveriesPerS,
        },
        {
          target: result.label,
          name: `p99 ack < ${TARGETS.p99Ms} ms`,
          actual: load ? `${ms(load.p99Ms)} ms` : "no result",
          pass: load !== undefined && load.p99Ms < TARGETS.p99Ms,
        },
        {
          target: result.label,
          name: `≥ ${TARGETS.ratioOfBare * 100}% of bare`,
          actual: !load ? "no result" : ratio === undefined ? "no bare result" : `${(ratio * 100).toFixed(1)}%`,
          pass: (ratio ?? 0) >= TARGETS.ratioOfBare,
        },
      ];
    });
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
}

function printReport(results: readonly TargetResult[], criteria: readonly Criterion[], options: Options): void {
  const bare = results.find((result) => result.target === "bare");
  const widths = [20, 13, 8, 8, 8, 8, 8, 8];
  console.log(
    `\nWebhook ingest — signed ${TOPIC} (Shopify's example body), ${options.connections} connections, ` +
      `${options.durationS} s measured after ${options.warmupS} s warm-up, load from a separate process (autocannon)` +
      `${options.repeat > 1 ? `; median of ${options.repeat} runs per target` : ""}.\n` +
      `Web process only, no worker: this measures acknowledgement (HMAC → stored row → enqueued job → 200).\n`,
  );
  console.log(row(["target", "deliveries/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "errors", "vs bare"], widths));
  for (const result of results) {
    const load = result.load;
    if (!load) {
      console.log(
        row([result.label, "FAILED", "", "", "", "", "", ""], widths) + `  ${result.error?.split("\n")[0] ?? ""}`,
      );
      continue;
    }
    const ratio = ratioOf(result, bare);
    const vsBare = result.target === "bare" ? "—" : ratio === undefined ? "n/a" : `${(ratio * 100).toFixed(1)}%`;
    console.log(
      row(
        [
          result.label,
          int(load.deliveriesPerS),
          ms(load.p50Ms),
          ms(load.p99Ms),
          ms(load.maxMs),
          int(load.non2xx),
          int(load.errors),
          vsBare,
        ],
        widths,
      ),
    );
  }

  for (const { label, runs } of results)
    if (runs) console.log(`  ${label}: runs at ${runs.map(int).join(", ")} deliveries/s`);

  console.log(
    `\nCPU during the measured phase (cores busy, of ${availableParallelism()}; iowait = idle time spent waiting ` +
      "on disk, e.g. commit fsyncs — not CPU, but it stalls a synchronous SQLite writer):",
  );
  const cpuWidths = [20, 7, 10, 11, 6, 16, 8, 7, 18];
  const header = ["target", "server", "load tool", "PostgreSQL", "Redis", "other (OS, noise)", "machine", "iowait"];
  console.log(row([...header, "busy before start"], cpuWidths));
  for (const { label, cpu, backgroundCores } of results) {
    const cores = [cpu?.serverCores, cpu?.loadCores, cpu?.postgresCores, cpu?.redisCores, cpu?.otherCores];
    const machine = [cpu?.machineCores, cpu?.iowaitCores, backgroundCores];
    console.log(row([label, ...[...cores, ...machine].map((value) => value?.toFixed(2) ?? "—")], cpuWidths));
  }
  const noisy = results.filter((result) => (result.cpu?.otherCores ?? 0) > QUIET_CORES).map((result) => result.label);
  if (noisy.length > 0) {
    console.log(
      `  NOTE ${noisy.join(", ")}: other work took > ${QUIET_CORES} cores during the run; ` +
        "those numbers are unreliable (rerun, or use --repeat 3).",
    );
  }

  console.log("\nStored events (measured phase) vs 2xx answers:");
  for (const { label, stored } of results) {
    if (!stored) continue;
    const statuses = Object.entries(stored.byStatus)
      .map(([status, count]) => `${status} ${count}`)
      .join(", ");
    console.log(
      `  ${label.padEnd(20)} ${stored.ok ? "OK " : "BUG"} ${stored.verdict}; by status: ${statuses || "none"}; all rows ${stored.allRows}, jobs in Redis ${stored.jobsInRedis}`,
    );
  }

  for (const { label, profile } of results)
    if (profile) console.log(`\nCPU profile of the ${label} web process:\n${formatSummary(profile)}`);

  console.log('\nTargets (DESIGN.md "Performance targets"):');
  for (const criterion of criteria) {
    console.log(
      `  ${(criterion.pass ? "PASS" : "below target").padEnd(13)} ${criterion.target.padEnd(18)} ${criterion.name.padEnd(24)} ${criterion.actual}`,
    );
  }
}

function writeResults(
  stamp: string,
  options: Options,
  results: readonly TargetResult[],
  criteria: readonly Criterion[],
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `ingest-${stamp}.json`);
  const document = {
    benchmark: "ingest",
    at: new Date().toISOString(),
    node: process.version,
    cores: availableParallelism(),
    options,
    targets: TARGETS,
    results,
    criteria,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

export async function run(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  // Only the web process needs the Remix build.
  if (options.targets.some((target) => target !== "bare" && SERVER_TARGETS[target].needsBuild))
    await ensureBuild(options);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const results: TargetResult[] = [];
  for (const target of options.targets) results.push(await measureRepeatedly(target, options, stamp));
  const criteria = criteriaOf(results);
  printReport(results, criteria, options);
  console.log(`\nResults: ${writeResults(stamp, options, results, criteria)}`);
  const broken = results.filter(
    (result) =>
      result.error !== undefined ||
      (result.stored && !result.stored.ok) ||
      (result.serverExitCode !== undefined && result.serverExitCode !== 0),
  );
  if (broken.length > 0)
    throw new Error(`ingest benchmark did not complete cleanly: ${broken.map((result) => result.label).join(", ")}`);
}
