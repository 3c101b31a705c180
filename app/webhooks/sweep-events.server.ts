// The sweeper: events stored while Redis was unreachable (or whose enqueue
// answer was lost) are enqueued here. A job id equal to the event key makes a
// second enqueue of a waiting job a no-op, and the processor skips processed events.
import type { Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { webhookJob } from "../jobs/queues.server.ts";
import type { StoredEvent } from "./event-store.server.ts";

/** Enqueues stored events still `received` after `graceMs`. Returns how many. */
export async function sweepEvents(db: Db, queue: Queue, graceMs = 2_000, limit = 1_000): Promise<number> {
  let total = 0;
  for (;;) {
    const events = await db.webhookEvent.findMany({
      where: { status: "received", receivedAt: { lt: new Date(Date.now() - graceMs) } },
      select: { id: true, key: true },
      orderBy: { id: "asc" },
      take: limit,
    });
    if (events.length === 0) return total;
    await queue.addBulk(events.map((event) => webhookJob(event.id, event.key)));
    await markEnqueued(db, events);
    total += events.length;
    if (events.length < limit) return total;
  }
}

/**
 * Puts an event back in the queue; its old job is removed first so the id is
 * free. `shop` scopes it: another shop's event answers null, like a missing one.
 */
export async function replayShopEvent(
  db: Db,
  queue: Queue,
  shop: string | null,
  eventRowId: number,
): Promise<{ key: string } | null> {
  const event = await db.webhookEvent.findFirst({
    where: { id: eventRowId, ...(shop ? { shop } : {}) },
    select: { id: true, key: true },
  });
  if (!event) return null;
  await db.webhookEvent.update({ where: { id: event.id }, data: { status: "received", lastError: null, attempts: 0 } });
  await queue.remove(event.key);
  await queue.addBulk([webhookJob(event.id, event.key)]);
  await markEnqueued(db, [event]);
  return { key: event.key };
}

/** Only rows still `received`: the worker may already have processed one. */
async function markEnqueued(db: Db, events: StoredEvent[]): Promise<void> {
  await db.webhookEvent.updateMany({
    where: { id: { in: events.map((event) => event.id) }, status: "received" },
    data: { status: "enqueued", enqueuedAt: new Date() },
  });
}
