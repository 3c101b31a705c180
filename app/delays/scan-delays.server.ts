// The scheduled scan: every open order of a shop (or of every shop), in
// batches by keyset pagination on the order id, so memory stays flat however
// many orders there are. Per batch: one query for the orders, one each for
// their held fulfillment orders, fulfillments and carrier events, one for
// their cases, then bulk writes. It is what finds silence (a parcel with no
// scan for days, a handling time that ran out) when no webhook comes.
import Database from "better-sqlite3";
import type { Db } from "../db.server.ts";
import { loadRuleContext } from "./context.server.ts";
import { applyBatch, evaluateOrdersWith } from "./evaluate-order.server.ts";
import { providerOf, sqlitePath } from "../db.server.ts";
import { prismaRunner, readBatch, type SqlRunner } from "./facts.server.ts";
import { wakeSnoozed, type DelayChanges } from "./sync-cases.server.ts";

const DAY = 24 * 60 * 60 * 1000;

export interface ScanOptions {
  /** Orders per batch (default 2,000). */
  batchSize?: number;
  /** Orders placed longer ago than this are no longer watched, unless a case is still open (default 90). */
  lookbackDays?: number;
  /**
   * The app's SQLite file: the scan then reads through its own read-only
   * better-sqlite3 connection instead of Prisma (writes still go through
   * `db`). See `scanOptionsFor(DATABASE_URL)`.
   */
  sqliteFile?: string;
}

/** The fastest scan options for a database URL. */
export function scanOptionsFor(databaseUrl: string): ScanOptions {
  return providerOf(databaseUrl) === "sqlite" ? { sqliteFile: sqlitePath(databaseUrl) } : {};
}

/**
 * The scan's read-only better-sqlite3 connection (WAL: it sees every commit).
 * Rows come back as arrays and become objects here: better-sqlite3 builds
 * each row object property by property through the engine's slow path, while
 * a plain loop makes them ~20% cheaper over a million orders.
 */
export function scanRunner(file: string): SqlRunner {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 10000");
  // Each page is read once per scan: a small page cache (2 MB, not the build's 16 MB) costs nothing here.
  sqlite.pragma("cache_size = -2000");
  const statements = new Map<string, { statement: Database.Statement; columns: string[] }>();
  return {
    dialect: "sqlite",
    all(sql, params) {
      let prepared = statements.get(sql);
      if (!prepared) {
        const statement = sqlite.prepare(sql).raw(true);
        prepared = { statement, columns: statement.columns().map((column) => column.name) };
        statements.set(sql, prepared);
      }
      const { statement, columns } = prepared;
      const rows = statement.all(...params) as unknown[][];
      return Promise.resolve(
        rows.map((values) => {
          const row: Record<string, unknown> = {};
          for (let index = 0; index < columns.length; index++) row[columns[index]!] = values[index];
          return row;
        }),
      );
    },
    close: () => sqlite.close(),
  };
}

export interface ScanSummary {
  shops: number;
  orders: number;
  opened: number;
  resolved: number;
  batches: number;
  ms: number;
  /** Where the time went: reading the batches, rules + writes, loading the rule context. */
  readMs: number;
  applyMs: number;
  contextMs: number;
}

export type OnDelayChange = (shop: string, changes: DelayChanges) => Promise<void> | void;

async function scanShop(
  db: Db,
  shop: string,
  now: Date,
  onChange: OnDelayChange,
  options: { batchSize: number; lookbackDays: number },
  runner: SqlRunner,
  summary: ScanSummary,
): Promise<void> {
  const loading = performance.now();
  const context = await loadRuleContext(db, shop, now);
  await wakeSnoozed(db, shop, now);
  summary.contextMs += performance.now() - loading;
  const since = new Date(now.getTime() - options.lookbackDays * DAY);
  const report = async (changes: DelayChanges) => {
    summary.opened += changes.opened.length;
    summary.resolved += changes.resolved.length;
    if (changes.opened.length > 0 || changes.resolved.length > 0) await onChange(shop, changes);
  };

  let after: string | null = null;
  for (;;) {
    const reading = performance.now();
    const batch = await readBatch(runner, shop, { after, limit: options.batchSize });
    summary.readMs += performance.now() - reading;
    if (batch.orders.length === 0) break;
    const ids = batch.orders.map((order) => order.id);
    after = ids[ids.length - 1]!;
    summary.batches++;
    summary.orders += ids.length;
    const watched = batch.orders.filter((order) => order.createdAt >= since).map((order) => order.id);
    const applying = performance.now();
    const changes = await applyBatch(db, shop, watched, batch, context, since);
    summary.applyMs += performance.now() - applying;
    await report(changes);
    if (ids.length < options.batchSize) break;
    // Let timers and I/O run between batches (BullMQ lock renewal, metrics).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // Open cases of orders older than the look-back window are still evaluated.
  // (and cases of orders gone from the mirror resolve).
  const sqlite = runner.dialect === "sqlite";
  const rows = await runner.all(
    `SELECT DISTINCT c."orderId" FROM "DelayCase" c LEFT JOIN "Order" o ON o."shop" = c."shop" AND o."id" = c."orderId" ` +
      `WHERE c."shop" = ${sqlite ? "?" : "$1"} AND c."status" IN ('open', 'snoozed') ` +
      `AND (o."id" IS NULL OR o."shopifyCreatedAt" < ${sqlite ? "?" : "$2"})`,
    [shop, sqlite ? since.toISOString().replace("Z", "+00:00") : since],
  );
  const leftovers = rows.map((row) => String(row.orderId));
  for (let index = 0; index < leftovers.length; index += options.batchSize)
    await report(await evaluateOrdersWith(db, shop, leftovers.slice(index, index + options.batchSize), context));
}

/**
 * Scans `shop` (or every installed shop when null) at `now`. `onChange` gets
 * each batch's opened and resolved cases, e.g. `notifyChanges(db, changes, notify)`.
 */
export async function scanDelays(
  db: Db,
  shop: string | null,
  now: Date,
  onChange: OnDelayChange = () => {},
  options: ScanOptions = {},
): Promise<ScanSummary> {
  const started = performance.now();
  const settings = { batchSize: options.batchSize ?? 2_000, lookbackDays: options.lookbackDays ?? 90 };
  const shops =
    shop !== null
      ? [shop]
      : (await db.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true } })).map((row) => row.domain);
  const summary: ScanSummary = {
    shops: shops.length,
    orders: 0,
    opened: 0,
    resolved: 0,
    batches: 0,
    ms: 0,
    readMs: 0,
    applyMs: 0,
    contextMs: 0,
  };
  const runner = options.sqliteFile ? scanRunner(options.sqliteFile) : await prismaRunner(db);
  try {
    for (const domain of shops) await scanShop(db, domain, now, onChange, settings, runner, summary);
  } finally {
    runner.close();
  }
  summary.ms = Math.round(performance.now() - started);
  summary.readMs = Math.round(summary.readMs);
  summary.applyMs = Math.round(summary.applyMs);
  summary.contextMs = Math.round(summary.contextMs);
  return summary;
}
