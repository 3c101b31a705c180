// Each test file gets its own database: a fresh SQLite file, or a fresh
// PostgreSQL database on the machine's server, migrated with the app's own runner.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe } from "vitest";
import { createDb, type Db, type DbProvider } from "../../app/db.server.ts";
import { migrate } from "../../app/database/migrate.server.ts";

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const PROVIDERS: DbProvider[] = ["sqlite", "postgresql"];

export interface TestDatabase {
  provider: DbProvider;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: DbProvider): Promise<TestDatabase> {
  const suffix = `${process.pid}_${randomBytes(4).toString("hex")}`;
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "kizuna-test-"));
    const url = `file:${join(dir, "test.db")}`;
    await migrate(url);
    const db = createDb(url);
    return {
      provider,
      url,
      db,
      async drop() {
        await db.$disconnect();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `kizuna_test_${suffix}`;
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

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Runs the same suite once on SQLite and once on PostgreSQL. */
export function describeEachDatabase(name: string, suite: (provider: DbProvider) => void): void {
  for (const provider of PROVIDERS) describe(`${name} [${provider}]`, () => suite(provider));
}
