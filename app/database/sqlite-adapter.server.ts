// Prisma's better-sqlite3 adapter opens an interactive transaction with a plain
// (deferred) BEGIN. Under WAL, a deferred transaction that reads and then
// writes fails at once with SQLITE_BUSY ("database is locked") when another
// process committed in between: SQLite cannot wait for that case, the busy
// timeout does not apply. The web and the worker write the same file, so every
// transaction here starts with BEGIN IMMEDIATE instead: it takes the write
// lock first (waiting up to the busy timeout) and then cannot fail that way.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

interface Preparer {
  prepare(sql: string): unknown;
}

export class ImmediateTransactionsSQLite extends PrismaBetterSQLite3 {
  override async connect(): Promise<Adapter> {
    const adapter = await super.connect();
    // The adapter keeps its better-sqlite3 connection as `client` and begins with client.prepare("BEGIN").
    const client = (adapter as unknown as { client?: Preparer }).client;
    if (!client || typeof client.prepare !== "function")
      throw new Error("The SQLite adapter no longer exposes its connection: check ImmediateTransactionsSQLite.");
    const prepare = client.prepare.bind(client);
    client.prepare = (sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql);
    return adapter;
  }
}
