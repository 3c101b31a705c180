// Stores webhook events with a group commit: deliveries that arrive while a
// write is in flight share the next INSERT (one statement, ON CONFLICT DO
// NOTHING on the event key) and one enqueue round trip. Each delivery still
// gets its answer only after its own row is committed.
import type { Db } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";

export interface NewEvent {
  key: string;
  shop: string;
  topic: string;
  eventId: string;
  webhookId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  payload: string;
}

export interface StoredEvent {
  id: number;
  key: string;
}

export type StoreOutcome = "stored" | "duplicate";

/** Enqueues freshly stored events; resolves false when the queue is unreachable. */
export type Enqueue = (events: StoredEvent[]) => Promise<boolean>;

export interface EventStore {
  add(event: NewEvent): Promise<StoreOutcome>;
  /** Resolves when nothing is pending (for graceful shutdown). */
  drain(): Promise<void>;
}

interface Pending {
  event: NewEvent;
  resolve(outcome: StoreOutcome): void;
  reject(error: unknown): void;
}

// 8 parameters a row; well under SQLite's and PostgreSQL's parameter limits.
const MAX_BATCH = 500;

export function createEventStore(db: Db, enqueue: Enqueue): EventStore {
  let pending: Pending[] = [];
  let flushing: Promise<void> | null = null;

  async function flushAll(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      await flush(batch);
    }
    flushing = null;
  }

  async function flush(batch: Pending[]): Promise<void> {
    try {
      const unique = new Map<string, NewEvent>();
      for (const { event } of batch) if (!unique.has(event.key)) unique.set(event.key, event);
      const stored = await insertNew(db, [...unique.values()]);
      if (stored.length > 0 && (await enqueue(stored))) await markEnqueued(db, stored);
      const storedKeys = new Set(stored.map((event) => event.key));
      for (const item of batch) {
        const first = storedKeys.delete(item.event.key);
        item.resolve(first ? "stored" : "duplicate");
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  return {
    add(event) {
      return new Promise<StoreOutcome>((resolve, reject) => {
        pending.push({ event, resolve, reject });
        flushing ??= new Promise<void>((done) => setImmediate(done)).then(flushAll);
      });
    },
    async drain() {
      while (flushing) await flushing;
    },
  };
}

async function insertNew(db: Db, events: NewEvent[]): Promise<StoredEvent[]> {
  const now = new Date();
  const rows = events.map(
    (e) =>
      Prisma.sql`(${e.key}, ${e.shop}, ${e.topic}, ${e.eventId}, ${e.webhookId}, ${e.apiVersion}, ${e.triggeredAt}, ${e.payload}, ${"received"}, ${now})`,
  );
  const inserted = await db.$queryRaw<{ id: number | bigint; key: string }[]>`
    INSERT INTO "WebhookEvent" ("key", "shop", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "status", "receivedAt")
    VALUES ${Prisma.join(rows)}
    ON CONFLICT ("key") DO NOTHING
    RETURNING "id", "key"`;
  return inserted.map((row) => ({ id: Number(row.id), key: row.key }));
}

/** Only rows still `received`: the worker may already have processed one. */
export async function markEnqueued(db: Db, events: StoredEvent[]): Promise<void> {
  await db.webhookEvent.updateMany({
    where: { id: { in: events.map((event) => event.id) }, status: "received" },
    data: { status: "enqueued", enqueuedAt: new Date() },
  });
}
