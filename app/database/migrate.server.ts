// Applies prisma/migrations/<NNNN_name>/{sqlite,postgresql}.sql in order, each
// in one transaction, recording applied names in `_kizuna_migrations`.
// Why our own runner: `prisma migrate deploy` fails offline on PostgreSQL with
// the JS engine (prisma/orm#27403). See docs/decisions/0002-two-databases-one-schema.md.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqlitePath } from "../db.server.ts";
import { PROJECT_ROOT } from "../project-root.server.ts";

// From the project root: this module also runs bundled, from build/server and build/worker.
const MIGRATIONS_DIR = join(PROJECT_ROOT, "prisma/migrations");

export interface Migration {
  name: string;
  sql: string;
}

export function listMigrations(provider: "sqlite" | "postgresql", dir = MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d{4}_/.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name, `${provider}.sql`), "utf8") }));
}

/** Brings the database at `url` up to date. Returns the names it applied. */
export async function migrate(url: string): Promise<string[]> {
  return providerOf(url) === "postgresql" ? migratePostgres(url) : migrateSqlite(url);
}

function migrateSqlite(url: string): string[] {
  const path = sqlitePath(url);
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path, { timeout: 10_000 });
  try {
    // WAL lets the web and worker processes read while the other writes.
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(`CREATE TABLE IF NOT EXISTS "_kizuna_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`);
    const isApplied = sqlite.prepare(`SELECT 1 FROM "_kizuna_migrations" WHERE "name" = ?`);
    const record = sqlite.prepare(`INSERT INTO "_kizuna_migrations" VALUES (?, ?)`);
    const done: string[] = [];
    for (const migration of listMigrations("sqlite")) {
      // The write lock first (BEGIN IMMEDIATE), then the check: another process
      // migrating the same file at once waits here and then sees it applied.
      const applied = sqlite
        .transaction(() => {
          if (isApplied.get(migration.name)) return false;
          sqlite.exec(migration.sql);
          record.run(migration.name, new Date().toISOString());
          return true;
        })
        .immediate();
      if (applied) done.push(migration.name);
    }
    return done;
  } finally {
    sqlite.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One migrator at a time across processes (web, worker and CLI may start together).
    await client.query("SELECT pg_advisory_lock(472211)");
    await client.query(
      `CREATE TABLE IF NOT EXISTS "_kizuna_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "_kizuna_migrations"`);
    const applied = new Set(rows.map((row) => row.name));
    const done: string[] = [];
    for (const migration of listMigrations("postgresql")) {
      if (applied.has(migration.name)) continue;
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO "_kizuna_migrations" VALUES ($1, now())`, [migration.name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock(472211)").catch(() => undefined);
    await client.end();
  }
}
