// The app as it runs in production, for the browser tests: `npm run build`'s
// web and worker entries (build/web, build/worker) run with plain node, as real
// processes, on a fresh SQLite database and a Redis key prefix of their own,
// in sandbox mode against the test's sandbox.
import { execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Redis from "ioredis";
import { createDb, type Db } from "../../../app/db.server.ts";
import { migrate } from "../../../app/database/migrate.server.ts";
import { recordInstall } from "../../../app/shops/record-install.server.ts";
import {
  baseEnv,
  buildCommand,
  ROOT,
  startProcess,
  waitForExit,
  WEB_ENTRY,
  WORKER_ENTRY,
} from "../../../scripts/lib/processes.ts";
import type { SandboxConfig } from "../../../sandbox/http.ts";
import { examplePayload } from "../../../sandbox/webhooks/example-payloads.ts";
import { sendWebhook } from "../../../sandbox/webhooks/send-webhook.ts";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
// Everything `npm run build` writes that the processes run.
const BUILD_OUTPUTS = ["build/server/index.js", WEB_ENTRY, WORKER_ENTRY].map((path) => join(ROOT, path));

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/**
 * Builds the app (`npm run build`) unless build/ is newer than every source it is made from.
 * Test runs in other processes may ask at the same moment: both would rebuild into build/ and one would
 * start from a half-written build. So the check and the build happen under a lock file.
 */
export function ensureBuild(): void {
  const release = lockBuild();
  try {
    if (buildIsFresh()) return;
    const [command, args] = buildCommand();
    execFileSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  } finally {
    release();
  }
}

function buildIsFresh(): boolean {
  let built = 0;
  try {
    built = Math.min(...BUILD_OUTPUTS.map((path) => statSync(path).mtimeMs));
  } catch {
    // no build yet
  }
  const sources = Math.max(
    newestChange(join(ROOT, "app")),
    newestChange(join(ROOT, "server")),
    ...["vite.config.ts", "scripts/build.mjs"].map((path) => statSync(join(ROOT, path)).mtimeMs),
  );
  return built > sources;
}

// Outside build/: the build empties that directory.
const BUILD_LOCK = join(ROOT, ".cache/build.lock");
// Far longer than a build takes, even on a busy machine.
const STALE_LOCK_MS = 10 * 60_000;

/** Creates the lock file exclusively (holding our pid), waiting while another process holds it; returns its release. */
function lockBuild(): () => void {
  mkdirSync(dirname(BUILD_LOCK), { recursive: true });
  for (;;) {
    try {
      const fd = openSync(BUILD_LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(BUILD_LOCK, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (lockIsStale()) rmSync(BUILD_LOCK, { force: true });
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // ensureBuild is synchronous
  }
}

/** Its holder is gone (a run stopped with Ctrl-C never reaches `finally`), or it is older than any build. */
function lockIsStale(): boolean {
  try {
    const holder = Number(readFileSync(BUILD_LOCK, "utf8"));
    if (holder > 0 && !isRunning(holder)) return true;
    return Date.now() - statSync(BUILD_LOCK).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // released meanwhile: try again
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RunningApp {
  url: string;
  /** Every web process's URL (the first is `url`). */
  webUrls: string[];
  db: Db;
  /** Everything the processes printed, for failure messages. */
  output: string[];
  stop(): Promise<void>;
  /** Kills the worker with SIGKILL (no chance to finish anything) and starts a new one. */
  killWorker(): Promise<void>;
}

async function waitUntilUp(url: string, web: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (web.exitCode !== null) throw new Error(`the web process stopped:\n${output.join("\n")}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${url} did not answer within 30 s:\n${output.join("\n")}`);
}

/** Removes every Redis key under `prefix` (BullMQ writes some as soon as a queue is opened). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts web and worker for `config.appUrl` (its port must be free) against the sandbox at `config.origin`;
 * `extraEnv` adds to their environment (e.g. SMTP_URL of the sandbox's mail sink).
 */
export interface StartAppOptions {
  /** A database of the test's own (e.g. PostgreSQL, already created); default a fresh SQLite file. */
  databaseUrl?: string;
  /** More web processes on these ports, against the same database and Redis (scaled out). */
  extraWebPorts?: number[];
}

export async function startApp(
  config: SandboxConfig,
  extraEnv: Record<string, string> = {},
  options: StartAppOptions = {},
): Promise<RunningApp> {
  const dir = mkdtempSync(join(tmpdir(), "kizuna-e2e-"));
  const databaseUrl = options.databaseUrl ?? `file:${join(dir, "e2e.db")}`;
  const prefix = `kizuna-e2e-${process.pid}-${randomBytes(3).toString("hex")}`;
  await migrate(databaseUrl);
  const env = baseEnv({
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: new URL(config.appUrl).port,
    SHOPIFY_API_KEY: config.apiKey,
    SHOPIFY_API_SECRET: config.apiSecret,
    SHOPIFY_APP_URL: config.appUrl,
    SHOPIFY_SANDBOX: "1",
    SHOPIFY_SANDBOX_ORIGIN: config.origin,
    SHOPIFY_ADMIN_API_ORIGIN: config.origin,
    ...extraEnv,
  });
  const output: string[] = [];
  const web = startProcess(WEB_ENTRY, env, (line) => output.push(`[web] ${line}`));
  const extraWebs = (options.extraWebPorts ?? []).map((port, index) =>
    startProcess(WEB_ENTRY, { ...env, PORT: String(port) }, (line) => output.push(`[web${index + 2}] ${line}`)),
  );
  const webUrls = [config.appUrl, ...(options.extraWebPorts ?? []).map((port) => `http://127.0.0.1:${port}`)];
  const startWorker = () => startProcess(WORKER_ENTRY, env, (line) => output.push(`[worker] ${line}`));
  let worker = startWorker();
  const db = createDb(databaseUrl);
  // The shop has installed the app (as after OAuth): webhooks of a shop that never installed are not stored.
  await recordInstall(db, config.shop, null);
  const killWorker = async () => {
    worker.kill("SIGKILL");
    await waitForExit(worker);
    worker = startWorker();
  };
  const stop = async () => {
    for (const child of [web, worker, ...extraWebs]) if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.all([web, worker, ...extraWebs].map(waitForExit));
    await db.$disconnect();
    await deleteRedisKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(`${config.appUrl}/`, web, output);
    for (const [index, child] of extraWebs.entries()) await waitUntilUp(`${webUrls[index + 1]}/`, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: config.appUrl, webUrls, db, output, stop, killWorker };
}

/** Sends Shopify's example payloads for `topics` to the app, signed, and waits until the worker processed them. */
export async function sendShopData(app: RunningApp, config: SandboxConfig, topics: string[]): Promise<void> {
  for (const topic of topics) {
    const body = examplePayload(topic, config.apiVersion);
    const sent = await sendWebhook(
      `${app.url}/webhooks`,
      { topic, shop: config.shop, body, eventId: randomUUID(), apiVersion: config.apiVersion },
      config.apiSecret,
    );
    if (sent.status !== 200) throw new Error(`${topic} answered ${sent.status}: ${sent.text}`);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const done = await app.db.webhookEvent.count({ where: { shop: config.shop, status: "processed" } });
    if (done >= topics.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the worker did not process ${topics.join(", ")} within 30 s:\n${app.output.join("\n")}`);
}
