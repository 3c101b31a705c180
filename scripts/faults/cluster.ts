// The processes a fault run breaks: a Redis of its own (its own port, so
// stopping it touches nobody else's queues), and the app's web and worker
// entries started the way production starts them (scripts/lib/processes.ts,
// as the demo does), each of which can be killed and started again.
import { spawn, type ChildProcess } from "node:child_process";
import Redis from "ioredis";
import { freePort } from "../../sandbox/http.ts";
import { baseEnv, startProcess, waitForExit, WEB_ENTRY, WORKER_ENTRY } from "../lib/processes.ts";
import { sleep, until } from "../lib/wait.ts";

/**
 * A Redis with an append-only file, stopped the way an operator restarts one
 * (SIGTERM: it writes what it holds and exits), so queued jobs survive the
 * restart as they do on a production Redis with persistence.
 */
export class FaultRedis {
  private child: ChildProcess | null = null;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--dir", this.dir];
    args.push("--appendonly", "yes", "--appendfsync", "always");
    this.child = spawn("redis-server", args, { stdio: "ignore" });
    await until(
      `redis-server on port ${this.port}`,
      async () => {
        const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on("error", () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === "PONG";
        } catch {
          return false;
        } finally {
          client.disconnect();
        }
      },
      20_000,
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    child.kill("SIGTERM");
    await waitForExit(child);
  }
}

export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  secret: string;
  apiKey: string;
  smtpUrl: string;
  /** The sandbox (Admin API, admin host) when the run needs one. */
  sandboxOrigin?: string;
  /** Worker knobs, shortened for the suite (production defaults are longer). */
  workerLockMs?: number;
}

/** One app process (web or worker) that can be killed and started again under the same port and environment. */
export class AppProcess {
  private child: ChildProcess | null = null;
  /** Recent output, for the report when a start fails. */
  readonly output: string[] = [];

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly url: string | null,
    private readonly echo: boolean,
  ) {}

  async start(): Promise<void> {
    const child = startProcess(this.entry, this.env, (line) => {
      this.output.push(line);
      if (this.output.length > 200) this.output.shift();
      if (this.echo) console.log(`  [${this.name}] ${line}`);
    });
    this.child = child;
    if (this.url) {
      const health = `${this.url}/`;
      await until(
        `${this.name} to answer at ${health}`,
        async () => {
          if (child.exitCode !== null)
            throw new Error(`${this.name} stopped at start:\n${this.output.slice(-20).join("\n")}`);
          return fetch(health, { signal: AbortSignal.timeout(2_000) })
            .then((response) => response.status < 500)
            .catch(() => false);
        },
        120_000,
      );
    } else {
      await until(`${this.name} to start`, async () => {
        if (child.exitCode !== null)
          throw new Error(`${this.name} stopped at start:\n${this.output.slice(-20).join("\n")}`);
        return this.output.some((line) => line.startsWith("worker: running"));
      });
    }
  }

  /** SIGKILL: no shutdown hook runs, jobs in progress are abandoned mid-flight. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGKILL");
    await waitForExit(child);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const exited = await Promise.race([waitForExit(child).then(() => true), sleep(15_000).then(() => false)]);
    if (!exited) {
      child.kill("SIGKILL");
      await waitForExit(child);
    }
  }
}

function appEnv(config: AppConfig, port: number, appUrl: string): NodeJS.ProcessEnv {
  return baseEnv({
    NODE_ENV: "production",
    DATABASE_URL: config.databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: config.redisPrefix,
    PORT: String(port),
    SHOPIFY_API_KEY: config.apiKey,
    SHOPIFY_API_SECRET: config.secret,
    SHOPIFY_APP_URL: appUrl,
    SMTP_URL: config.smtpUrl,
    MAIL_FROM: "notices@kizuna.example.com",
    WORKER_LOCK_MS: String(config.workerLockMs ?? 5_000),
    WORKER_CONCURRENCY: "8",
    ...(config.sandboxOrigin
      ? {
          SHOPIFY_SANDBOX: "1",
          SHOPIFY_SANDBOX_ORIGIN: config.sandboxOrigin,
          SHOPIFY_ADMIN_API_ORIGIN: config.sandboxOrigin,
        }
      : {}),
  });
}

export interface Cluster {
  webs: AppProcess[];
  workers: AppProcess[];
  /** The webs' base URLs, e.g. http://127.0.0.1:41234 */
  urls: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `webs` web processes and `workers` worker processes sharing one database and one Redis. */
export async function createCluster(
  config: AppConfig,
  counts: { webs: number; workers: number; ports?: number[] },
  echo = false,
): Promise<Cluster> {
  const webs: AppProcess[] = [];
  for (let i = 0; i < counts.webs; i++) {
    const port = counts.ports?.[i] ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    webs.push(new AppProcess(`web${i + 1}`, WEB_ENTRY, appEnv(config, port, url), url, echo));
  }
  const appUrl = webs[0]?.url ?? "http://127.0.0.1:9";
  const workers = Array.from(
    { length: counts.workers },
    (_, i) => new AppProcess(`worker${i + 1}`, WORKER_ENTRY, appEnv(config, 9, appUrl), null, echo),
  );
  return {
    webs,
    workers,
    urls: webs.map((web) => web.url ?? ""),
    // Web first: it migrates the database; workers after, as a deployment rolls out.
    async start() {
      await Promise.all(webs.map((web) => web.start()));
      await Promise.all(workers.map((worker) => worker.start()));
    },
    async stop() {
      await Promise.all([...webs, ...workers].map((process) => process.stop()));
    },
  };
}
