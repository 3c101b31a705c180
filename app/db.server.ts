// The one Prisma client. SQLite (the embedded default) or PostgreSQL, chosen
// by DATABASE_URL. Both clients come from one schema (prisma/schema.prisma);
// the rest of the app sees one type, `Db`.
import { ImmediateTransactionsSQLite } from "./database/sqlite-adapter.server.ts";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/prisma-sqlite/client.ts";
import { PrismaClient as PgClient } from "./generated/prisma-pg/client.ts";
import { env } from "./env.server.ts";

export type Db = SqliteClient;
export type DbProvider = "sqlite" | "postgresql";

export function providerOf(url: string): DbProvider {
  return /^postgres(ql)?:\/\//.test(url) ? "postgresql" : "sqlite";
}

/** A file: URL's path, as better-sqlite3 wants it. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "");
}

// Each client's provider, known from its URL when it is made: raw SQL asks
// `dialectOf` instead of trying a statement and reading the error.
const providers = new WeakMap<Db, DbProvider>();
const urls = new WeakMap<Db, string>();

export function createDb(url: string): Db {
  const provider = providerOf(url);
  const client =
    provider === "postgresql"
      ? // The generated PostgreSQL client has the same model API; its type only
        // differs in provider-specific extras the app does not use.
        (new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) }) as unknown as Db)
      : new SqliteClient({ adapter: new ImmediateTransactionsSQLite({ url: sqlitePath(url), timeout: 10_000 }) });
  providers.set(client, provider);
  urls.set(client, url);
  return client;
}

/** Which database `db` talks to: the provider of the URL it was created from (no query is tried). */
export function dialectOf(db: Db): DbProvider {
  const provider = providers.get(db);
  if (!provider) throw new Error("dialectOf: this Prisma client was not made by createDb, so its database is unknown");
  return provider;
}

/** The URL `db` was made from (app/database/hot-reads.server.ts opens its own driver connection to it). */
export function urlOf(db: Db): string {
  const url = urls.get(db);
  if (!url) throw new Error("urlOf: this Prisma client was not made by createDb, so its database is unknown");
  return url;
}

let instance: Db | undefined;

/** The process-wide client, created on first use from DATABASE_URL. */
export function db(): Db {
  instance ??= createDb(env().DATABASE_URL);
  return instance;
}

export async function disconnectDb(): Promise<void> {
  await instance?.$disconnect();
  instance = undefined;
}
