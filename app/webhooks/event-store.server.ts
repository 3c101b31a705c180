// Stores webhook events with a group commit: deliveries that arrive while a
// write is in flight share the next INSERT (one statement, ON CONFLICT DO
// NOTHING on the event key) and one enqueue round trip. Each delivery still
// gets its answer only after its own row is committed and enqueue was tried;
// marking the rows `enqueued` (bookkeeping for the sweeper) happens after.
// The writes go through an EventSink (event-sink.server.ts): the database
// driver, not Prisma — Prisma's query compiler cost ~450-630 µs of event-loop
// time per event here (bench: npm run bench -- ingest-breakdown).
import type { EventSink } from "./event-sink.server.ts";

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

// 9 parameters a row; well under SQLite's and PostgreSQL's parameter limits.
const MAX_BATCH = 500;

export interface EventStoreOptions {
  /**
   * Group commits in flight at once. PostgreSQL: a batch mostly waits on the
   * server, so overlapping a few keeps the event loop busy. SQLite: 1 (its
   * writes are synchronous and single-writer anyway).
   */
  maxInFlight?: number;
}

export function createEventStore(sink: EventSink, enqueue: Enqueue, options: EventStoreOptions = {}): EventStore {
  const maxInFlight = options.maxInFlight ?? 1;
  const pending: Pending[] = [];
  const idle: (() => void)[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function flush(batch: Pending[]): Promise<void> {
    try {
      const unique = new Map<string, NewEvent>();
      for (const { event } of batch) if (!unique.has(event.key)) unique.set(event.key, event);
      // ON CONFLICT DO NOTHING also settles a key racing in a concurrent batch.
      const stored = await sink.insert([...unique.values()]);
      const enqueued = stored.length > 0 && (await enqueue(stored));
      const storedKeys = new Set(stored.map((event) => event.key));
      for (const item of batch) item.resolve(storedKeys.delete(item.event.key) ? "stored" : "duplicate");
      // After the answers: if this fails or the process dies first, the rows stay
      // `received` and the sweeper enqueues them again under the same jobId.
      if (enqueued) await sink.markEnqueued(stored).catch(() => undefined);
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  /** Starts batches while slots are free; deliveries arriving meanwhile gather into the next one. */
  function pump(): void {
    scheduled = false;
    while (pending.length > 0 && inFlight < maxInFlight) {
      const batch = pending.splice(0, MAX_BATCH);
      inFlight++;
      void flush(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
    if (pending.length === 0 && inFlight === 0) for (const done of idle.splice(0)) done();
  }

  return {
    add(event) {
      return new Promise<StoreOutcome>((resolve, reject) => {
        pending.push({ event, resolve, reject });
        // One turn of the event loop, so deliveries parsed together share a batch.
        if (!scheduled) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
    drain() {
      if (pending.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise<void>((done) => idle.push(done));
    },
  };
}
