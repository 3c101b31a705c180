// Where the webhook group commit writes: INSERT … ON CONFLICT ("key") DO
// NOTHING RETURNING, and the `enqueued` mark, with better-sqlite3 / pg
// directly and statements reused. Why not Prisma here: each 10 KB payload
// crossed into its query compiler and back, ~450-630 µs of event-loop time per
// event, capping ingest near 700/s (docs/decisions/0003-webhook-ingestion.md).
// Rows are written exactly as Prisma writes them (DateTime format included),
// and everything else reads them through Prisma.
import Database from "better-sqlite3";
import pg from "pg";
import { providerOf, sqlitePath } from "../db.server.ts";
import type { NewEvent, StoredEvent } from "./event-store.server.ts";

export interface EventSink {
  /** Stores the events whose key is new; returns those (duplicates are absent). */
  insert(events: readonly NewEvent[]): Promise<StoredEvent[]>;
  /** Marks rows still `received` as `enqueued`. */
  markEnqueued(events: readonly StoredEvent[]): Promise<void>;
  /** Group commits worth running at once (see EventStoreOptions). */
  maxInFlight: number;
  /** Closes the sink's own connections (after the store has drained). */
  close(): Promise<void>;
}

const COLUMNS = `"key", "shop", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "status", "receivedAt"`;
// @prisma/adapter-better-sqlite3's default DateTime format.
const sqliteTime = (date: Date | null) => (date ? date.toISOString().replace("Z", "+00:00") : null);

function sqliteSink(url: string): EventSink {
  const db = new Database(sqlitePath(url), { timeout: 10_000 });
  const insertOne = db.prepare<unknown[], StoredEvent>(
    `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?)
     ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"`,
  );
  const mark = db.prepare(
    `UPDATE "WebhookEvent" SET "status" = 'enqueued', "enqueuedAt" = ?
     WHERE "id" IN (SELECT value FROM json_each(?)) AND "status" = 'received'`,
  );
  // One transaction (one WAL commit) per batch, one reused statement per row.
  const insertAll = db.transaction((events: readonly NewEvent[]) => {
    const now = sqliteTime(new Date());
    const stored: StoredEvent[] = [];
    for (const e of events) {
      const row = insertOne.get(
        e.key,
        e.shop,
        e.topic,
        e.eventId,
        e.webhookId,
        e.apiVersion,
        sqliteTime(e.triggeredAt),
        e.payload,
        now,
      );
      if (row) stored.push({ id: row.id, key: row.key });
    }
    return stored;
  });
  return {
    insert: async (events) => insertAll(events),
    markEnqueued: async (events) => {
      mark.run(sqliteTime(new Date()), JSON.stringify(events.map((event) => event.id)));
    },
    maxInFlight: 1,
    close: async () => {
      db.close();
    },
  };
}

const utc = (n: number) => `($${n}::timestamptz AT TIME ZONE 'UTC')`;

/** One row of placeholders for event `row`'s 9 values (times as ISO text, stored as UTC like Prisma's). */
function rowPlaceholders(row: number): string {
  const p = (column: number) => row * 9 + column;
  return `($${p(1)}, $${p(2)}, $${p(3)}, $${p(4)}, $${p(5)}, $${p(6)}, ${utc(p(7))}, $${p(8)}, 'received', ${utc(p(9))})`;
}

const MAX_IN_FLIGHT_PG = 4;

function postgresSink(url: string): EventSink {
  const pool = new pg.Pool({ connectionString: url, max: MAX_IN_FLIGHT_PG });
  // An idle connection the server drops (restart, failover) emits 'error' on
  // the pool; unhandled, that would crash the web process. The next query reconnects.
  pool.on("error", () => undefined);
  return {
    // Multi-row VALUES, one parameter per value: node-pg sends big strings as
    // they are, whereas text[] parameters (unnest) are escaped character by
    // character — slow for JSON payloads full of quotes.
    async insert(events) {
      const now = new Date().toISOString();
      const values = events.flatMap((e) => [
        e.key,
        e.shop,
        e.topic,
        e.eventId,
        e.webhookId,
        e.apiVersion,
        e.triggeredAt?.toISOString() ?? null,
        e.payload,
        now,
      ]);
      const { rows } = await pool.query<StoredEvent>(
        `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES ${events.map((_, row) => rowPlaceholders(row)).join(", ")}
         ON CONFLICT ("key") DO NOTHING RETURNING "id", "key"`,
        values,
      );
      return rows;
    },
    async markEnqueued(events) {
      await pool.query(
        `UPDATE "WebhookEvent" SET "status" = 'enqueued', "enqueuedAt" = ${utc(2)}
         WHERE "id" = ANY($1::int[]) AND "status" = 'received'`,
        [events.map((event) => event.id), new Date().toISOString()],
      );
    },
    maxInFlight: MAX_IN_FLIGHT_PG,
    close: () => pool.end(),
  };
}

/** The web process's sink: the driver for DATABASE_URL's database. */
export function driverEventSink(url: string): EventSink {
  return providerOf(url) === "postgresql" ? postgresSink(url) : sqliteSink(url);
}
