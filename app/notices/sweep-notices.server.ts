// The notices sweeper: a notice row is the truth, its BullMQ job only the
// trigger. A job can be missing — Redis was down when the notice was queued,
// or a reaction failed between claiming the dedupe key and enqueueing (its
// retry finds the key taken and queues nothing). Once a minute the worker
// enqueues delivery for every unfinished notice that is overdue; a notice whose
// job is still waiting, delayed or active is left alone (enqueueNoticeDelivery
// checks), and delivery itself claims the notice, so nothing is sent twice.
import type { Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { forgetOldCapDays } from "./daily-cap.server.ts";
import { enqueueNoticeDelivery } from "./notice-queue.server.ts";

/** Statuses that still expect a delivery attempt. */
const UNFINISHED = ["queued", "deferred", "sending"];

export interface SweepNoticesOptions {
  /** How long a notice may wait past its due time before it counts as lost. */
  graceMs?: number;
  limit?: number;
}

/** Enqueues delivery of overdue unfinished notices (every shop). Returns how many were looked at. */
export async function sweepNotices(
  db: Db,
  queue: Queue,
  now: Date,
  options: SweepNoticesOptions = {},
): Promise<number> {
  const cutoff = new Date(now.getTime() - (options.graceMs ?? 2 * 60_000));
  const overdue = await db.notice.findMany({
    where: {
      status: { in: UNFINISHED },
      OR: [{ sendAfter: null, updatedAt: { lt: cutoff } }, { sendAfter: { lt: cutoff } }],
    },
    select: { id: true },
    orderBy: { id: "asc" },
    take: options.limit ?? 1_000,
  });
  for (const notice of overdue) await enqueueNoticeDelivery(queue, notice.id);
  await forgetOldCapDays(db, now);
  return overdue.length;
}
