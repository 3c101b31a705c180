// Reads on a hot path (the customer's order page, opened by every shopper of
// every notice) straight through the database driver, beside the app's Prisma
// client: Prisma's client engine compiles every query anew (~1–3 ms a query on
// this machine against ~0.02 ms for a prepared better-sqlite3 statement), which
// made a page of ten small reads cost 12 ms of CPU. Reads only: every write
// still goes through Prisma. See docs/decisions/0015-hot-reads.md.
import Database from "better-sqlite3";
import pg from "pg";
import { dialectOf, sqlitePath, urlOf, type Db, type DbProvider } from "../db.server.ts";

export interface HotReader {
  dialect: DbProvider;
  /** The first row of a statement with `$1 … $n` parameters (both databases), or null. */
  one(sql: string, params: readonly (string | number)[]): Promise<Record<string, unknown> | null>;
  close(): Promise<void>;
}

function sqliteReader(file: string): HotReader {
  // Not opened read-only: a read-only connection cannot open a WAL file whose
  // -shm is missing. query_only refuses any write all the same.
  const sqlite = new Database(file, { fileMustExist: true });
  sqlite.pragma("busy_timeout = 10000");
  sqlite.pragma("query_only = 1");
  const statements = new Map<string, Database.Statement>();
  return {
    dialect: "sqlite",
    one(sql, params) {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = sqlite.prepare(sql.replace(/\$\d+/g, "?"))));
      // `$n` become positional `?`: each `$n` appears once, in order, in our statements.
      return Promise.resolve((statement.get(...params) as Record<string, unknown> | undefined) ?? null);
    },
    close: () => {
      sqlite.close();
      return Promise.resolve();
    },
  };
}

function postgresReader(url: string): HotReader {
  // Idle connections close on their own, so a test's process (or a dropped
  // test database) is never held by this pool.
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
  // A connection the server ended (a dropped database, a restart) must not crash the process.
  pool.on("error", () => undefined);
  return {
    dialect: "postgresql",
    async one(sql, params) {
      // A named statement is parsed and planned once per connection.
      const result = await pool.query<Record<string, unknown>>({
        name: `hot-${hash(sql)}`,
        text: sql,
        values: [...params],
      });
      return result.rows[0] ?? null;
    },
    close: () => pool.end(),
  };
}

function hash(text: string): string {
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = ((h << 5) + h + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

const readers = new WeakMap<Db, HotReader>();

/** The driver-level reader of the database `db` talks to, made once per client. */
export function hotReader(db: Db): HotReader {
  let reader = readers.get(db);
  if (!reader) {
    const url = urlOf(db);
    reader = dialectOf(db) === "sqlite" ? sqliteReader(sqlitePath(url)) : postgresReader(url);
    readers.set(db, reader);
  }
  return reader;
}

export async function closeHotReader(db: Db): Promise<void> {
  const reader = readers.get(db);
  readers.delete(db);
  await reader?.close();
}

/**
 * A time read back from JSON built in SQL: SQLite keeps Prisma's ISO text (or
 * epoch milliseconds); PostgreSQL's json of a TIMESTAMP(3) has no zone, and
 * Prisma writes UTC there.
 */
export function timeOf(value: unknown): Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return new Date(value);
  const text = String(value);
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
}

export function timeOrEpoch(value: unknown): Date {
  return timeOf(value) ?? new Date(0);
}
