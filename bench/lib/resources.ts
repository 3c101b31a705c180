// Throw-away databases and Redis key spaces for benchmarks; each helper
// registers its own removal with the caller's Cleanup.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import pg from "pg";
import type { DbProvider } from "../../app/db.server.ts";
import type { Cleanup } from "./cleanup.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PG_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export const randomTag = (): string => randomBytes(4).toString("hex");

/** A fresh SQLite file in its own temp directory. */
export function sqliteDatabase(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), "kizuna-bench-"));
  cleanup.defer(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return `file:${join(dir, "bench.db")}`;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database `kizuna_bench_<random>`, dropped WITH (FORCE) on clean-up. */
export async function postgresDatabase(cleanup: Cleanup): Promise<string> {
  const name = `kizuna_bench_${randomTag()}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  cleanup.defer(`drop database ${name}`, async () => {
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Server processes (backends) connected to the database of `url`. */
export async function postgresBackendPids(url: string): Promise<number[]> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const { rows } = await withAdmin((client) =>
    client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [
      name,
    ]),
  );
  return rows.map((row) => row.pid);
}

/** The Redis server's pid (from INFO), when it runs on this machine. */
export async function redisServerPids(): Promise<number[]> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const pid = /process_id:(\d+)/.exec(await redis.info("server"))?.[1];
    return pid ? [Number(pid)] : [];
  } finally {
    redis.disconnect();
  }
}

export function freshDatabase(provider: DbProvider, cleanup: Cleanup): Promise<string> {
  return provider === "sqlite" ? Promise.resolve(sqliteDatabase(cleanup)) : postgresDatabase(cleanup);
}

/** Deletes every key under `prefix:` (SCAN + UNLINK: BullMQ keeps several keys per queue). */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    redis.disconnect();
  }
}

/** A fresh BullMQ prefix whose keys are deleted on clean-up. */
export function redisCleanup(cleanup: Cleanup): string {
  const prefix = `kizuna-bench-${randomTag()}`;
  cleanup.defer(`delete Redis keys ${prefix}:*`, async () => {
    await deleteRedisKeys(prefix);
  });
  return prefix;
}
