// What Kizuna does about an event once it is in the mirror: re-evaluate the
// order's delays, tell the customer about their parcel, start a restock
// episode, attribute a purchase to a restock alert. One job per processed
// event (jobId `react/<event row id>`), separate from the projection, so a
// failing reaction retries on its own and never holds the mirror back.
// The database says whether a reaction is owed (WebhookEvent.reaction: set to
// pending with the event's processed mark, done or failed here); the job is
// only the trigger, and sweepReactions queues owed reactions whose job was
// lost (a crash between the commit and the enqueue, Redis away).
// Every reaction is idempotent (unique cases, notice dedupe keys, claimed alerts).
import type { Job, Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { noticesForFulfillmentEvent, scheduleFollowUp } from "../notices/order-updates.server.ts";
import { enqueueNoticeDelivery } from "../notices/notice-queue.server.ts";
import { sweepNotices } from "../notices/sweep-notices.server.ts";
import type { QueueNoticeResult } from "../notices/queue-notice.server.ts";
import { attributeOrder } from "../restock/attribute-order.server.ts";
import { startEpisodeIfRestocked } from "../restock/episodes.server.ts";
import { gidParam, idAt, objectOf, objectsOf, ownIdOf, textOf } from "../mirror/read-payload.server.ts";
import { isObject, parsePayload, type JsonObject } from "../webhooks/payload.server.ts";
import { SUBSCRIBED_TOPICS, type Topic } from "../webhooks/topics.ts";
import { evaluateOrderAndNotify, scanAndNotify } from "../delays/notify.server.ts";
import type { ScanOptions } from "../delays/scan-delays.server.ts";
import { restockNotices } from "../restock/notifier.server.ts";
import { runWave } from "../restock/episodes.server.ts";
import { reconcileInventory } from "../restock/reconcile-inventory.server.ts";
import { resumeWaitingEpisodes } from "../restock/held-orders.server.ts";
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { returnIdOfChange } from "../mirror/returns.server.ts";
import { recoverMoneyActions } from "../returns/money-actions.server.ts";
import { MONEY_OPERATIONS } from "../returns/money-operations.server.ts";
import { afterMoneyMoved } from "../returns/return-actions.server.ts";
import { wakeSnoozedConversations } from "../inbox/conversation-actions.server.ts";
import { refreshReturn } from "../returns/refresh-return.server.ts";
import { tellCustomerOrderCancelled, tellExchangeShipped } from "../returns/return-notices.server.ts";
import { orderOfFulfillmentOrder } from "../sync/link-fulfillment-order.server.ts";
import { installedShops } from "../sync/sync-shop.server.ts";
import { reactJob, REACTION_JOB_OPTIONS, restockWaveJob, type JobPayloads } from "./queues.server.ts";

// The queue, its job names, options and ids are in ./queues.server.ts.
type ReactionJobs = Pick<
  JobPayloads,
  | "react-to-event"
  | "restock-wave"
  | "scan-delays"
  | "reconcile-inventory"
  | "sweep-notices"
  | "recover-money-actions"
  | "wake-snoozed"
>;

export interface ReactionDeps {
  db: Db;
  reactions: Queue;
  notices: Queue;
  now(): Date;
  adminApiFor(shop: string): Promise<AdminApi | null>;
  scanOptions: ScanOptions;
  /** An SMS provider is configured: a shopper who asked for texts gets one. */
  smsOn?: boolean;
}

/** Topics that can change whether an order is late: orders, parcels, carrier scans, holds. */
const ORDER_TOPICS = new Set<Topic>(
  SUBSCRIBED_TOPICS.filter((topic) => topic.startsWith("orders/") || topic.startsWith("fulfillment")),
);

async function enqueueQueued(deps: ReactionDeps, results: (QueueNoticeResult | null)[]): Promise<void> {
  for (const result of results)
    if (result?.status === "queued") await enqueueNoticeDelivery(deps.notices, result.noticeId);
}

/** Inventory items or variants whose stock the event may have changed. */
function stockSubjects(topic: Topic, payload: JsonObject): string[] {
  if (topic === "inventory_levels/update") {
    const item =
      gidParam(textOf(payload, "admin_graphql_api_id"), "inventory_item_id") ?? idAt(payload, "inventory_item_id");
    return item ? [item] : [];
  }
  if (topic === "products/update") return objectsOf(payload, "variants").flatMap((variant) => ownIdOf(variant) ?? []);
  return [];
}

const HOLD_TOPICS = new Set<Topic>(["fulfillment_orders/placed_on_hold", "fulfillment_orders/hold_released"]);

/** A hold webhook's order (its payload does not name it): from the mirror, else from the Admin API. */
async function orderOfHold(deps: ReactionDeps, shop: string, body: JsonObject): Promise<string | null> {
  const held = objectOf(body, "fulfillment_order");
  const fulfillmentOrderId = held ? ownIdOf(held) : null;
  if (!fulfillmentOrderId) return null;
  return orderOfFulfillmentOrder(deps.db, await deps.adminApiFor(shop), shop, fulfillmentOrderId);
}

/**
 * Runs the reaction the event is owed, then marks it done. A reaction not owed
 * (done already, failed for good, never owed) is a no-op, whatever the job says.
 */
export async function reactToEvent(deps: ReactionDeps, eventRowId: number): Promise<void> {
  const event = await deps.db.webhookEvent.findUnique({ where: { id: eventRowId } });
  if (!event || event.status !== "processed" || event.reaction !== "pending") return;
  await react(deps, event);
  await deps.db.webhookEvent.updateMany({
    where: { id: eventRowId, reaction: "pending" },
    data: { reaction: "done", reactedAt: deps.now(), reactionError: null },
  });
}

/** After the last attempt: the reaction is not owed any more, and the reason is kept for the ops CLI. */
async function reactionFailed(db: Db, eventRowId: number, error: unknown): Promise<void> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  await db.webhookEvent.updateMany({
    where: { id: eventRowId, reaction: "pending" },
    data: { reaction: "failed", reactionError: message.slice(0, 2_000) },
  });
}

interface ReactingEvent {
  id: number;
  shop: string;
  topic: string;
  payload: string;
  orderId: string | null;
}

async function react(deps: ReactionDeps, event: ReactingEvent): Promise<void> {
  const { db } = deps;
  const topic = event.topic as Topic;
  const now = deps.now();
  const payload = event.payload === "{}" ? null : parsePayload(event.payload);
  const body = isObject(payload ?? undefined) ? (payload as JsonObject) : null;
  const orderId = event.orderId ?? (body && HOLD_TOPICS.has(topic) ? await orderOfHold(deps, event.shop, body) : null);
  if (orderId && ORDER_TOPICS.has(topic)) {
    await enqueueQueued(deps, await evaluateOrderAndNotify(db, event.shop, orderId, now));
  }
  if (event.orderId && (topic === "orders/create" || topic === "orders/updated")) {
    await attributeOrder(db, event.shop, event.orderId);
  }
  if (!body) return;
  if (RETURN_TOPICS.has(topic)) {
    // Shopify's word on the return (change-only payloads say little): read it again.
    const returnId =
      topic.startsWith("returns/") && topic !== "returns/update" ? ownIdOf(body) : returnIdOfChange(body);
    const api = returnId ? await deps.adminApiFor(event.shop) : null;
    if (api && returnId) await refreshReturn(db, api, event.shop, returnId);
  }
  if (topic === "orders/cancelled" && event.orderId) await tellCustomerOrderCancelled(db, event.shop, event.orderId);
  if (topic === "fulfillments/create" && event.orderId) await tellExchangeShipped(db, event.shop, event.orderId);
  if (topic === "fulfillment_events/create" && event.orderId) {
    const fulfillmentId = idAt(body, "fulfillment_id");
    const status = textOf(body, "status")?.toUpperCase();
    if (fulfillmentId && status) {
      const happened = textOf(body, "happened_at");
      const happenedAt = happened ? new Date(happened) : now;
      const updates = await noticesForFulfillmentEvent(db, event.shop, {
        orderId: event.orderId,
        fulfillmentId,
        status,
        happenedAt,
      });
      await enqueueQueued(
        deps,
        updates.map((update) => update.result),
      );
      if (status === "DELIVERED")
        await enqueueQueued(deps, [
          await scheduleFollowUp(db, event.shop, { orderId: event.orderId, deliveredAt: happenedAt }),
        ]);
    }
  }
  for (const subject of stockSubjects(topic, body))
    await queueFirstWaves(deps, event.shop, await startEpisodeIfRestocked(db, event.shop, subject, now));
  // A hold released or its order cancelled or fulfilled: a restock waiting for that order may go on.
  if (orderId && FREES_HELD_STOCK.has(topic))
    await queueFirstWaves(deps, event.shop, await resumeWaitingEpisodes(db, event.shop, { orderId, now }));
}

const RETURN_TOPICS = new Set<Topic>(
  SUBSCRIBED_TOPICS.filter((topic) => topic.startsWith("returns/") || topic.startsWith("reverse_")),
);

const FREES_HELD_STOCK = new Set<Topic>([
  "fulfillment_orders/hold_released",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/updated",
]);

/** The first wave of each episode that runs now (one waiting for held orders gets its wave when it resumes). */
export async function queueFirstWaves(
  deps: Pick<ReactionDeps, "reactions">,
  shop: string,
  episodes: { id: number; status: string }[],
): Promise<void> {
  for (const episode of episodes) {
    if (episode.status !== "running") continue;
    const job = restockWaveJob(shop, episode.id, 0);
    await deps.reactions.add(job.name, job.data, job.opts);
  }
}

/** One wave; schedules the next while the episode still has stock and people waiting. */
export async function runRestockWave(deps: ReactionDeps, job: ReactionJobs["restock-wave"]): Promise<void> {
  // The worker's own notices queue (its key space), not the web process's shared handle.
  const wave = await runWave(
    deps.db,
    job.shop,
    job.episodeId,
    restockNotices(deps.db, deps.notices, deps.smsOn ?? false).notify,
    deps.now(),
  );
  if (!wave.due) return;
  const next = restockWaveJob(job.shop, job.episodeId, job.round + 1);
  await deps.reactions.add(next.name, next.data, next.opts);
}

export async function scanAllDelays(deps: ReactionDeps, shop: string | null = null): Promise<void> {
  await scanAndNotify(
    deps.db,
    shop,
    deps.now(),
    (result) => (result.status === "queued" ? enqueueNoticeDelivery(deps.notices, result.noticeId) : undefined),
    deps.scanOptions,
  );
}

export async function reconcileAllInventory(deps: ReactionDeps): Promise<void> {
  for (const shop of await installedShops(deps.db)) {
    const summary = await reconcileInventory(deps.db, shop, await deps.adminApiFor(shop), deps.now());
    await queueFirstWaves(deps, shop, summary.started);
  }
}

/** How long an owed reaction may wait for its job before the sweeper queues it again. */
export const REACTION_GRACE_MS = 30_000;

/**
 * Queues the reactions still owed `graceMs` after their event was processed
 * (their job was lost: a crash between the commit and the enqueue, Redis away).
 * A job still waiting, delayed or active under the same id makes the add a
 * no-op; a finished reaction job is removed when it completes, so its id never
 * hides a reaction the database still owes. Returns how many were queued.
 */
export async function sweepReactions(
  db: Db,
  reactions: Queue,
  now: Date,
  graceMs = REACTION_GRACE_MS,
  limit = 1_000,
): Promise<number> {
  const owed = await db.webhookEvent.findMany({
    where: { reaction: "pending", processedAt: { lt: new Date(now.getTime() - graceMs) } },
    select: { id: true },
    orderBy: { id: "asc" },
    take: limit,
  });
  if (owed.length > 0) await reactions.addBulk(owed.map((event) => reactJob(event.id)));
  return owed.length;
}

/** The reactions queue's processor. */
export function reactionProcessor(deps: ReactionDeps) {
  const attempts = REACTION_JOB_OPTIONS.attempts ?? 1;
  return async (job: Pick<Job, "name" | "data" | "attemptsMade" | "opts">): Promise<void> => {
    switch (job.name) {
      case "react-to-event": {
        const { eventRowId } = job.data as ReactionJobs["react-to-event"];
        try {
          return await reactToEvent(deps, eventRowId);
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? attempts)) await reactionFailed(deps.db, eventRowId, error);
          throw error;
        }
      }
      case "restock-wave":
        return runRestockWave(deps, job.data as ReactionJobs["restock-wave"]);
      case "scan-delays":
        return scanAllDelays(deps, (job.data as ReactionJobs["scan-delays"]).shop ?? null);
      case "reconcile-inventory":
        return reconcileAllInventory(deps);
      case "sweep-notices":
        await sweepNotices(deps.db, deps.notices, deps.now());
        return;
      case "recover-money-actions":
        await recoverMoneyActions(deps.db, deps.adminApiFor, MONEY_OPERATIONS, {
          now: deps.now,
          afterSuccess: (api, action) => afterMoneyMoved(deps.db, api, action, { id: action.actor ?? "kizuna" }),
        });
        return;
      case "wake-snoozed":
        await wakeSnoozedConversations(deps.db, deps.now());
        return;
      default:
        throw new Error(`unknown reactions job ${job.name}`);
    }
  };
}
