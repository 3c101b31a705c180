// Enqueueing notice delivery (job "send-notice", jobId `notice/<id>`), and the
// processor the worker registers for the notices queue. A deferred notice (quiet hours, scheduled)
// moves its own job to the delayed set, so it is sent when the wait is over.
// A fan-out (a back-in-stock wave) queues "send-notices" jobs instead, up to
// NOTICE_BATCH notices each, delivered together by deliverNotices; what a batch
// cannot send now (deferred, in progress elsewhere, failed and to be retried)
// goes back on the queue as a delayed batch of its own. Batches have a
// priority, so a single notice (a delay, an order update) never waits behind a wave.
import { DelayedError, type Job, type Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { sendNoticeJob, sendNoticesJob, type JobPayloads } from "../jobs/queues.server.ts";
import {
  deliverNotice,
  deliverNotices,
  type DeliveryDeps,
  type DeliveryOutcome,
  type DeliveryResult,
} from "./deliver-notice.server.ts";
import { queueNotice, queueNotices, type QueueNoticeInput, type QueueNoticeResult } from "./queue-notice.server.ts";

// The queue, its job names, options and ids are in app/jobs/queues.server.ts.
type SendNoticePayload = JobPayloads["send-notice"];
type SendNoticesPayload = JobPayloads["send-notices"];

/** Notices per "send-notices" job: a batch's reads and writes cost about as much for 200 notices as for 50. */
export const NOTICE_BATCH = 200;
/**
 * Batches a worker process delivers at once (one sending while the next is
 * checked and claimed): bounds the notices claimed (`sending`) at any moment.
 */
export const NOTICE_BATCHES_AT_ONCE = 2;
/** As NOTICE_JOB_OPTIONS' backoff: 30 s, doubling with each attempt. */
const RETRY_DELAY_MS = 30_000;

/** Queues delivery of one notice. A finished or failed job with the same id is replaced (a resend). */
export async function enqueueNoticeDelivery(queue: Queue, noticeId: number, delayMs = 0): Promise<void> {
  const job = sendNoticeJob(noticeId, delayMs);
  const previous = await queue.getJob(job.opts.jobId);
  if (previous) {
    const state = await previous.getState();
    if (state === "completed" || state === "failed") await previous.remove();
    else return; // waiting, delayed or active: it will deliver.
  }
  await queue.add(job.name, job.data, job.opts);
}

/**
 * "send-notices" jobs for these notices, NOTICE_BATCH each, now or at `at`
 * (epoch ms). The job id names the batch and its time, so adding it twice adds it once.
 */
export async function enqueueNoticeBatches(queue: Queue, noticeIds: readonly number[], at?: number): Promise<void> {
  const ids = [...new Set(noticeIds)].sort((a, b) => a - b);
  const delay = at === undefined ? 0 : Math.max(at - Date.now(), 1_000);
  const jobs = [];
  for (let index = 0; index < ids.length; index += NOTICE_BATCH) {
    jobs.push(sendNoticesJob(ids.slice(index, index + NOTICE_BATCH), at, delay));
  }
  if (jobs.length > 0) await queue.addBulk(jobs);
}

/** queueNotices, then delivery in batches for the notices created (scheduled ones each on their own, at their time). */
export async function queueAndEnqueueNotices(
  db: Db,
  queue: Queue,
  inputs: readonly QueueNoticeInput[],
): Promise<QueueNoticeResult[]> {
  const results = await queueNotices(db, inputs);
  const now: number[] = [];
  for (const [index, result] of results.entries()) {
    if (result.status !== "queued") continue;
    const sendAfter = inputs[index]!.sendAfter;
    if (sendAfter) await enqueueNoticeDelivery(queue, result.noticeId, Math.max(0, sendAfter.getTime() - Date.now()));
    else now.push(result.noticeId);
  }
  await enqueueNoticeBatches(queue, now);
  return results;
}

/** queueNotice, then enqueue delivery when a notice was created. */
export async function queueAndEnqueueNotice(db: Db, queue: Queue, input: QueueNoticeInput): Promise<QueueNoticeResult> {
  const result = await queueNotice(db, input);
  if (result.status === "queued") {
    const delay = input.sendAfter ? Math.max(0, input.sendAfter.getTime() - Date.now()) : 0;
    await enqueueNoticeDelivery(queue, result.noticeId, delay);
  }
  return result;
}

/** At most `limit` calls of the returned function run at once; the others wait their turn. */
function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((turn) => waiting.push(turn));
    running += 1;
    try {
      return await work();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** When a notice of a batch should be tried again (Date.now() clock), or null when it is done. */
function retryAt(outcome: DeliveryOutcome, deps: DeliveryDeps): number | null {
  if (outcome.status === "deferred") return Date.now() + Math.max(outcome.delayMs, 1_000);
  if (outcome.status === "in_progress")
    return Date.now() + Math.max(outcome.retryAt.getTime() - deps.now().getTime(), 1_000);
  if (outcome.status === "failed" && outcome.retry) return Date.now() + RETRY_DELAY_MS * 2 ** (outcome.attempt - 1);
  return null;
}

/** Delivers a "send-notices" job; what must wait goes back on the queue as delayed batches. */
async function deliverBatch(db: Db, deps: DeliveryDeps, queue: Queue | undefined, ids: number[]) {
  const outcomes = await deliverNotices(db, deps, ids);
  const counts: Record<string, number> = {};
  const later = new Map<number, number[]>();
  for (const [id, outcome] of outcomes) {
    counts[outcome.status] = (counts[outcome.status] ?? 0) + 1;
    const at = retryAt(outcome, deps);
    if (at === null) continue;
    // Seconds apart at most: one job per second of waiting, not one per notice.
    const second = Math.ceil(at / 1_000) * 1_000;
    later.set(second, [...(later.get(second) ?? []), id]);
  }
  if (later.size > 0 && !queue)
    throw new Error("A send-notices job needs the notices queue for what it cannot send now");
  for (const [at, waiting] of later) await enqueueNoticeBatches(queue!, waiting, at);
  return counts;
}

/**
 * The processor for the notices queue: `new Worker(QUEUE.notices, noticeProcessor(db, deps, queue), …)`.
 * `queue` takes back what a "send-notices" job cannot send now.
 */
export function noticeProcessor(db: Db, deps: DeliveryDeps, queue?: Queue) {
  const batches = limiter(NOTICE_BATCHES_AT_ONCE);
  return async (
    job: Job<SendNoticePayload | SendNoticesPayload>,
    token?: string,
  ): Promise<DeliveryResult | Record<string, number>> => {
    if (job.name === "send-notices")
      return batches(() => deliverBatch(db, deps, queue, (job.data as SendNoticesPayload).noticeIds));
    const result = await deliverNotice(db, deps, (job.data as SendNoticePayload).noticeId);
    // Relative to deps.now(), so the wait is right whatever clock the deps carry.
    const waitMs =
      result.status === "deferred"
        ? result.delayMs
        : result.status === "in_progress"
          ? result.retryAt.getTime() - deps.now().getTime()
          : null;
    if (waitMs !== null) {
      await job.moveToDelayed(Date.now() + Math.max(waitMs, 1_000), token);
      throw new DelayedError();
    }
    return result;
  };
}
