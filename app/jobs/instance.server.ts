// This database's identity on Redis. A job id is built from row ids, and row
// ids start again at 1 in a new database (a deleted data/, a fresh clone, a
// staging reset) while Redis keeps the jobs of the earlier one; BullMQ drops a
// job whose id it already holds. So every BullMQ key lives under
// `${REDIS_PREFIX}:${instance key}`, the key being random, made once and kept
// in the database itself: web and worker of one database share it, a new
// database gets a new one, and two instances on one Redis never meet.
// See docs/decisions/0008-job-key-space.md.
import { randomBytes } from "node:crypto";
import type { Db } from "../db.server.ts";

/**
 * The instance key of `db`, made on first use. Concurrent first uses (a web
 * and a worker starting together) agree: one row, id 1, the first insert wins.
 * The table is raw SQL (migration 0010): it belongs to no shop, so it is not a model.
 */
export async function instanceKey(db: Db): Promise<string> {
  const candidate = randomBytes(6).toString("hex");
  await db.$executeRaw`INSERT INTO "_kizuna_instance" ("id", "key") VALUES (1, ${candidate}) ON CONFLICT ("id") DO NOTHING`;
  const rows = await db.$queryRaw<{ key: string }[]>`SELECT "key" FROM "_kizuna_instance" WHERE "id" = 1`;
  const key = rows[0]?.key;
  if (!key) throw new Error("the database has no instance key (is migration 0010 applied?)");
  return key;
}

/** The BullMQ prefix for the database `db` under `redisPrefix` (REDIS_PREFIX). */
export async function instancePrefix(db: Db, redisPrefix: string): Promise<string> {
  return `${redisPrefix}:${await instanceKey(db)}`;
}
