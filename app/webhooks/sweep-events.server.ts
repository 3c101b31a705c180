// The sweeper: events stored while Redis was unreachable (or whose enqueue
// answer was lost) are enqueued here. The job id is built from the row id
// (webhookJobId), so a second enqueue of a waiting job is a no-op and no stored
// text can make it invalid; the processor skips processed events. One row that
// Redis refuses never holds the others back: the batch falls back to one add
// per row, and the refused row is marked failed with the reason.
import type { Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { webhookJob, webhookJobId } from "../jobs/queues.server.ts";

export interface SweepEventsOptions {
  /** How long a row may stay `received` before it counts as not enqueued (the receiver may still be on it). */
  graceMs?: number;
  limit?: number;
  log?: (message: string) => void;
}

/** Enqueues stored events still `received` after the grace time. Returns how many. */
export async function sweepEvents(db: Db, queue: Queue, options: SweepEventsOptions = {}): Promise<number> {
  const { graceMs = 2_000, limit = 1_000, log = () => undefined } = options;
  let total = 0;
  for (;;) {
    const events = await db.webhookEvent.findMany({
      where: { status: "received", receivedAt: { lt: new Date(Date.now() - graceMs) } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: limit,
    });
    if (events.length === 0) return total;
    const enqueued = await addEach(db, queue, events, log);
    await markEnqueued(db, enqueued);
    total += enqueued.length;
    if (events.length < limit) return total;
  }
}

/**
 * addBulk, and when Redis refuses the batch, one add per row: a row refused
 * while Redis answers is refused for itself, so it is marked failed (its
 * reason in lastError, shown by `ops events --status failed`) and the sweep goes
 * on. When Redis does not answer, the error is Redis's: the rows stay for the next sweep.
 */
async function addEach(
  db: Db,
  queue: Queue,
  events: { id: number }[],
  log: (message: string) => void,
): Promise<{ id: number }[]> {
  try {
    await queue.addBulk(events.map((event) => webhookJob(event.id)));
    return events;
  } catch (batchError) {
    const added: { id: number }[] = [];
    for (const event of events) {
      try {
        const job = webhookJob(event.id);
        await queue.add(job.name, job.data, job.opts);
        added.push(event);
      } catch (error) {
        if (!(await redisAnswers(queue))) throw batchError;
        const reason = `could not be queued: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2_000);
        log(`worker: event ${event.id} ${reason}; marked failed`);
        await db.webhookEvent.updateMany({
          where: { id: event.id, status: "received" },
          data: { status: "failed", lastError: reason },
        });
      }
    }
    return added;
  }
}

/** Whether Redis answers a read of this queue (as a ping would). */
async function redisAnswers(queue: Queue): Promise<boolean> {
  try {
    await queue.count();
    return true;
  } catch {
    return false;
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
  await queue.remove(webhookJobId(event.id));
  await queue.addBulk([webhookJob(event.id)]);
  await markEnqueued(db, [event]);
  return { key: event.key };
}

/** Only rows still `received`: the worker may already have processed one. */
async function markEnqueued(db: Db, events: { id: number }[]): Promise<void> {
  if (events.length === 0) return;
  await db.webhookEvent.updateMany({
    where: { id: { in: events.map((event) => event.id) }, status: "received" },
    data: { status: "enqueued", enqueuedAt: new Date() },
  });
}
