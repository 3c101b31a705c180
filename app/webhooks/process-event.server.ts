// The worker's side of a webhook: project one stored event into the mirror,
// exactly once in effect. Every job can run twice (a retry, a stalled job
// taken over after a crash), so a processed event is a no-op.
import { UnrecoverableError } from "bullmq";
import type { Db } from "../db.server.ts";
import { projectEvent, ProjectionError } from "../mirror/project-event.server.ts";
import { parsePayload, PayloadError } from "./payload.server.ts";
import { isCompliance, isTopic } from "./topics.ts";

/** What customers/redact leaves of a payload that mentioned the customer. */
const SCRUBBED = "{}";

export type ProcessOutcome = "processed" | "already-processed" | "missing";

export interface ProcessResult {
  outcome: ProcessOutcome;
  /**
   * The event's reaction is still owed (WebhookEvent.reaction = pending): the
   * caller queues it. Also true for an event processed earlier whose reaction
   * job was never queued (a crash right after the commit).
   */
  reactionOwed: boolean;
}

/** Marked in the same statement as `processed`: the reaction is as durable as the projection. */
const OWED = { reaction: "pending", reactionError: null } as const;

export async function processEvent(db: Db, eventRowId: number, isFinalAttempt: boolean): Promise<ProcessResult> {
  const event = await db.webhookEvent.findUnique({ where: { id: eventRowId } });
  if (!event) return { outcome: "missing", reactionOwed: false }; // e.g. removed by shop/redact meanwhile
  if (event.status === "processed") return { outcome: "already-processed", reactionOwed: event.reaction === "pending" };
  if (event.payload === SCRUBBED) {
    // customers/redact emptied it before its turn came: there is nothing left
    // to project, and what it held must not come back.
    await db.webhookEvent.updateMany({
      where: { id: event.id },
      data: { status: "processed", processedAt: new Date(), ...OWED },
    });
    return { outcome: "processed", reactionOwed: true };
  }
  try {
    if (!isTopic(event.topic)) throw new UnrecoverableError(`unknown topic ${event.topic}`);
    const about = await projectEvent(db, {
      shop: event.shop,
      topic: event.topic,
      payload: parsePayload(event.payload),
      triggeredAt: event.triggeredAt,
    });
    // updateMany: shop/redact deletes this very row, which is not an error.
    await db.webhookEvent.updateMany({
      where: { id: event.id },
      data: {
        status: "processed",
        processedAt: new Date(),
        attempts: { increment: 1 },
        lastError: null,
        customerId: about.customerId ?? null,
        orderId: about.orderId ?? null,
        // Compliance payloads carry personal data only so we can act on it; an
        // event refused because the shop is not installed keeps none either.
        ...(isCompliance(event.topic) || about.refused ? { payload: SCRUBBED } : {}),
        ...(about.refused ? { lastError: about.refused } : OWED),
      },
    });
    return { outcome: "processed", reactionOwed: !about.refused };
  } catch (error) {
    // A payload we cannot read will not get better with retries.
    const permanent =
      error instanceof ProjectionError || error instanceof PayloadError || error instanceof UnrecoverableError;
    await db.webhookEvent.updateMany({
      where: { id: event.id },
      data: {
        attempts: { increment: 1 },
        lastError: describe(error),
        ...(permanent || isFinalAttempt ? { status: "failed" } : {}),
      },
    });
    if (permanent && !(error instanceof UnrecoverableError)) throw new UnrecoverableError(describe(error));
    throw error;
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, 2_000);
}
