// Several processes migrating one fresh database at once, as a web, a worker
// and the CLI starting together do: every migration is applied exactly once and
// no process fails. Real child processes (each its own connection and locks),
// on a fresh SQLite file and a fresh PostgreSQL database.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { listMigrations } from "../../app/database/migrate.server.ts";
import { POSTGRES_ADMIN_URL } from "../support/databases.ts";

const ROOT = join(import.meta.dirname, "../..");
const PROCESSES = 4;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A process that loads the runner, then migrates `url` when `go` is called. */
function migratingProcess(url: string): { ready: Promise<void>; go(): void; done: Promise<Outcome> } {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/migrate-process.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Outcome>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      markReady();
      resolve({ code, stdout, stderr });
    });
  });
  return { ready, go: () => child.stdin.end("go\n"), done };
}

/** Several processes, all loaded first, then all told to migrate `url` at once. */
async function migrateTogether(url: string): Promise<Outcome[]> {
  const processes = Array.from({ length: PROCESSES }, () => migratingProcess(url));
  await Promise.all(processes.map((each) => each.ready));
  for (const each of processes) each.go();
  return Promise.all(processes.map((each) => each.done));
}

/** Each process prints what it applied; together they must name every migration exactly once. */
function appliedBy(outcomes: Outcome[]): string[] {
  return outcomes.flatMap((outcome) => /^applied: (.+)$/m.exec(outcome.stdout)?.[1]?.split(", ") ?? []).sort();
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe("migrations from several processes at once", () => {
  it("SQLite: one fresh file, every migration applied exactly once, no process fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kizuna-migrate-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const url = `file:${join(dir, "fresh.db")}`;
    const outcomes = await migrateTogether(url);
    expect(outcomes.map((outcome) => [outcome.code, outcome.stderr])).toEqual(outcomes.map(() => [0, ""]));
    const names = listMigrations("sqlite").map((migration) => migration.name);
    expect(appliedBy(outcomes)).toEqual(names);
    const sqlite = new Database(join(dir, "fresh.db"), { readonly: true });
    try {
      const rows = sqlite.prepare(`SELECT "name" FROM "_kizuna_migrations" ORDER BY "name"`).all();
      expect(rows.map((row) => (row as { name: string }).name)).toEqual(names);
    } finally {
      sqlite.close();
    }
  }, 120_000);

  it("PostgreSQL: one fresh database, every migration applied exactly once, no process fails", async () => {
    const name = `kizuna_migrate_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE "${name}"`);
    cleanups.push(async () => void (await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const outcomes = await migrateTogether(url.toString());
    expect(outcomes.map((outcome) => [outcome.code, outcome.stderr])).toEqual(outcomes.map(() => [0, ""]));
    const names = listMigrations("postgresql").map((migration) => migration.name);
    expect(appliedBy(outcomes)).toEqual(names);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "_kizuna_migrations" ORDER BY "name"`);
      expect(rows.map((row) => row.name)).toEqual(names);
    } finally {
      await client.end();
    }
  }, 120_000);
});
