// The notices queue: job "send-notice" with jobId `notice/<id>`, and the
// processor the worker registers. A deferred notice (quiet hours, scheduled)
// moves its own job to the delayed set, so it is sent when the wait is over.
import { DelayedError, Queue, type ConnectionOptions, type Job, type JobsOptions } from "bullmq";
import type { Db } from "../db.server.ts";
import { producerConnection, queuePrefix } from "../jobs/queues.server.ts";
import { deliverNotice, NOTICE_MAX_ATTEMPTS, type DeliveryDeps, type DeliveryResult } from "./deliver-notice.server.ts";
import { queueNotice, type QueueNoticeInput, type QueueNoticeResult } from "./queue-notice.server.ts";

export const NOTICE_QUEUE = "notices";
export const SEND_NOTICE_JOB = "send-notice";

export interface SendNoticePayload {
  noticeId: number;
}

export const NOTICE_JOB_OPTIONS: JobsOptions = {
  attempts: NOTICE_MAX_ATTEMPTS,
  backoff: { type: "exponential", delay: 30_000 },
  // Frees the job id, so a resend can queue `notice/<id>` again; the database keeps the history.
  removeOnComplete: true,
  removeOnFail: { count: 5_000 },
};

export function noticeJobId(noticeId: number): string {
  return `notice/${noticeId}`;
}

export function createNoticeQueue(connection: ConnectionOptions = producerConnection(), prefix = queuePrefix()): Queue {
  const queue = new Queue(NOTICE_QUEUE, { connection, prefix, defaultJobOptions: NOTICE_JOB_OPTIONS });
  queue.on("error", () => undefined);
  return queue;
}

let shared: Queue | undefined;

/** The web process's producer handle on the notices queue. */
export function noticeQueue(): Queue {
  shared ??= createNoticeQueue();
  return shared;
}

/** Queues delivery of one notice. A finished or failed job with the same id is replaced (a resend). */
export async function enqueueNoticeDelivery(queue: Queue, noticeId: number, delayMs = 0): Promise<void> {
  const jobId = noticeJobId(noticeId);
  const previous = await queue.getJob(jobId);
  if (previous) {
    const state = await previous.getState();
    if (state === "completed" || state === "failed") await previous.remove();
    else return; // waiting, delayed or active: it will deliver.
  }
  await queue.add(SEND_NOTICE_JOB, { noticeId } satisfies SendNoticePayload, {
    jobId,
    ...(delayMs > 0 ? { delay: delayMs } : {}),
  });
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

/** The processor for the notices queue: `new Worker(NOTICE_QUEUE, noticeProcessor(db, deps), …)`. */
export function noticeProcessor(db: Db, deps: DeliveryDeps) {
  return async (job: Job<SendNoticePayload>, token?: string): Promise<DeliveryResult> => {
    const result = await deliverNotice(db, deps, job.data.noticeId);
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
