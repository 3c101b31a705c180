// The production install, end to end (CI runs it; run it by hand with
// `node --import tsx scripts/ci/production-smoke.ts`): what a production image
// gets — package.json, the lockfile, build/, prisma/migrations and the
// postinstall script — is copied into a fresh folder, installed with
// `npm ci --omit=dev`, migrated, and started with the commands of
// `npm run start` / `npm run worker` (plain node, no tsx, no dev
// dependencies). One signed webhook must then be stored and processed.
// Exits non-zero, with the processes' output, when any step fails.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { createDb } from "../../app/db.server.ts";
import { recordInstall } from "../../app/shops/record-install.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { freePort } from "../../sandbox/http.ts";
import { startMailSink } from "../../sandbox/mail/mail-sink.ts";
import { examplePayload } from "../../sandbox/webhooks/example-payloads.ts";
import { sendWebhook } from "../../sandbox/webhooks/send-webhook.ts";
import { buildCommand, ROOT } from "../lib/processes.ts";

const SHOP = "kizuna-smoke.myshopify.com";
const SECRET = "smoke-app-secret";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// Must never be installed in production: if one is there, the install is not what production gets.
const DEV_ONLY = ["tsx", "vite", "liquidjs", "@remix-run/dev", "vitest", "esbuild"];
// What an image needs besides node_modules.
const SHIPPED = ["package.json", "package-lock.json", "build", "prisma/migrations", "scripts/prepare.mjs"];

function step(text: string): void {
  console.log(`▸ ${text}`);
}

function fail(text: string): never {
  throw new Error(text);
}

/** `npm run <name>` must be plain `node <file>`: returns the file. */
function nodeEntryOf(script: string | undefined, name: string): string {
  const match = /^node ([\w./-]+\.js)$/.exec(script ?? "");
  return match?.[1] ?? fail(`npm run ${name} is "${script}", not plain \`node <built file>\``);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!process.argv.includes("--no-build")) {
    step("npm run build");
    const [command, args] = buildCommand();
    execFileSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const webEntry = nodeEntryOf(pkg.scripts.start, "start");
  const workerEntry = nodeEntryOf(pkg.scripts.worker, "worker");

  const dir = mkdtempSync(join(tmpdir(), "kizuna-production-"));
  const prefix = `kizuna-smoke-${process.pid}`;
  const output: string[] = [];
  const children: ChildProcess[] = [];
  const sink = await startMailSink();
  const databaseUrl = `file:${join(dir, "data/kizuna.db")}`;
  const db = createDb(databaseUrl);
  try {
    step(`copying ${SHIPPED.join(", ")} to ${dir}`);
    for (const path of SHIPPED) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      cpSync(join(ROOT, path), join(dir, path), { recursive: true });
    }

    step("npm ci --omit=dev");
    const installStarted = Date.now();
    execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    const present = DEV_ONLY.filter((name) => existsSync(join(dir, "node_modules", name)));
    if (present.length) fail(`npm ci --omit=dev installed dev-only packages: ${present.join(", ")}`);
    console.log(`  installed in ${((Date.now() - installStarted) / 1000).toFixed(0)} s, no dev-only package present`);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      SHOPIFY_API_KEY: "smoke-api-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: "https://kizuna.example.com",
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(await freePort()),
      SMTP_URL: sink.url,
    };

    step("node build/cli/migrate.js");
    execFileSync(process.execPath, ["build/cli/migrate.js"], {
      cwd: dir,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    await recordInstall(db, SHOP, "read_orders");

    const start = (name: string, entry: string) => {
      step(`${name}: node ${entry}`);
      const child = spawn(process.execPath, [entry], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
      const keep = (chunk: Buffer) =>
        output.push(
          ...chunk
            .toString()
            .trimEnd()
            .split("\n")
            .map((l) => `[${name}] ${l}`),
        );
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      children.push(child);
      return child;
    };
    const web = start("web", webEntry);
    const worker = start("worker", workerEntry);
    const url = `http://127.0.0.1:${env.PORT}`;
    await until("the web process to answer", async () => {
      if (web.exitCode !== null) fail("the web process stopped");
      if (worker.exitCode !== null) fail("the worker process stopped");
      return fetch(`${url}/`)
        .then(() => true)
        .catch(() => undefined);
    });

    step("one signed orders/create webhook");
    const eventId = randomUUID();
    const sent = await sendWebhook(
      `${url}/webhooks`,
      { topic: "orders/create", shop: SHOP, body: examplePayload("orders/create", API_VERSION), eventId },
      SECRET,
    );
    if (sent.status !== 200) fail(`the webhook answered ${sent.status}: ${sent.text}`);
    const status = await until("the worker to process the event", async () => {
      const row = await db.webhookEvent.findFirst({ where: { shop: SHOP, eventId }, select: { status: true } });
      return row?.status === "processed" || row?.status === "failed" ? row.status : undefined;
    });
    if (status !== "processed") fail(`the event ended "${status}", not "processed"`);
    console.log("  stored and processed");

    step("stopping web and worker (SIGTERM)");
    for (const child of children) child.kill("SIGTERM");
    const codes = await Promise.all(children.map(exitOf));
    if (codes.some((code) => code !== 0)) fail(`web and worker exited with ${codes.join(", ")}, not 0`);
    console.log(`production smoke: passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    console.error(output.join("\n"));
    throw error;
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await db.$disconnect();
    await sink.close();
    await deleteKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`production smoke: FAILED — ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
