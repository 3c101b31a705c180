// A database of the run's own: a SQLite file in a temp folder, or a fresh
// PostgreSQL database on the machine's server, migrated with the app's runner
// and removed at the end (as tests/support/databases.ts does for tests).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb, type Db, type DbProvider } from "../../app/db.server.ts";
import { migrate } from "../../app/database/migrate.server.ts";

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface RunDatabase {
  provider: DbProvider;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createRunDatabase(provider: DbProvider, dir: string): Promise<RunDatabase> {
  if (provider === "sqlite") {
    const folder = mkdtempSync(join(dir, "sqlite-"));
    const url = `file:${join(folder, "kizuna.db")}`;
    await migrate(url);
    const db = createDb(url);
    return {
      provider,
      url,
      db,
      async drop() {
        await db.$disconnect();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const name = `kizuna_faults_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const db = createDb(url.toString());
  return {
    provider,
    url: url.toString(),
    db,
    async drop() {
      await db.$disconnect();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), "kizuna-faults-"));
}

/** Rows in every table of the app (the migration bookkeeping aside), for "rejected requests write nothing". */
export async function rowCounts(db: Db, provider: DbProvider): Promise<Map<string, number>> {
  const tables =
    provider === "sqlite"
      ? await db.$queryRawUnsafe<{ name: string }[]>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
        )
      : await db.$queryRawUnsafe<{ name: string }[]>(
          `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
        );
  const counts = new Map<string, number>();
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT count(*) AS n FROM "${name}"`);
    counts.set(name, Number(row?.n ?? 0));
  }
  return counts;
}
