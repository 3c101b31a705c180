// What Kizuna does about an event once it is in the mirror: re-evaluate the
// order's delays, tell the customer about their parcel, start a restock
// episode, attribute a purchase to a restock alert. One job per processed
// event (jobId `react/<event row id>`), separate from the projection, so a
// failing reaction retries on its own and never holds the mirror back.
// Every reaction is idempotent (unique cases, notice dedupe keys, claimed alerts).
import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
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
import type { AdminApi } from "../shopify/admin-api.server.ts";
import { orderOfFulfillmentOrder } from "../sync/link-fulfillment-order.server.ts";
import { installedShops } from "../sync/sync-shop.server.ts";

export const REACTIONS_QUEUE = "reactions";

export interface ReactionJobs {
  "react-to-event": { eventRowId: number };
  "restock-wave": { shop: string; episodeId: number; round: number };
  /** Scheduled (every shop), and after a shop's backfill (that shop): finds silence (no carrier scan, handling time passed) that no webhook reports. */
  "scan-delays": { shop?: string };
  /** Scheduled: restocks whose inventory webhook never came (Shopify does not guarantee it). */
  "reconcile-inventory": Record<string, never>;
  /** Scheduled: notices whose delivery job was lost (see notices/sweep-notices.server.ts). */
  "sweep-notices": Record<string, never>;
}

export const SCHEDULES = [
  { id: "scan-delays", name: "scan-delays", pattern: "*/30 * * * *" },
  { id: "reconcile-inventory", name: "reconcile-inventory", pattern: "15 * * * *" },
  { id: "sweep-notices", name: "sweep-notices", pattern: "* * * * *" },
] as const;

export function reactJob(eventRowId: number) {
  return {
    name: "react-to-event" as const,
    data: { eventRowId } satisfies ReactionJobs["react-to-event"],
    opts: { jobId: `react/${eventRowId}` },
  };
}

export const REACTION_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
};

export function createReactionsQueue(connection: ConnectionOptions, prefix: string): Queue {
  const queue = new Queue(REACTIONS_QUEUE, { connection, prefix, defaultJobOptions: REACTION_JOB_OPTIONS });
  queue.on("error", () => undefined);
  return queue;
}

/** Seconds between restock waves: shoppers told in one wave get a head start on the next. */
export const WAVE_INTERVAL_MS = 60_000;

export function restockWaveJob(shop: string, episodeId: number, round: number) {
  return {
    name: "restock-wave" as const,
    data: { shop, episodeId, round } satisfies ReactionJobs["restock-wave"],
    opts: { jobId: `restock-wave/${episodeId}/${round}`, ...(round > 0 ? { delay: WAVE_INTERVAL_MS } : {}) },
  };
}

export interface ReactionDeps {
  db: Db;
  reactions: Queue;
  notices: Queue;
  now(): Date;
  adminApiFor(shop: string): Promise<AdminApi | null>;
  scanOptions: ScanOptions;
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

export async function reactToEvent(deps: ReactionDeps, eventRowId: number): Promise<void> {
  const { db } = deps;
  const event = await db.webhookEvent.findUnique({ where: { id: eventRowId } });
  if (!event || event.status !== "processed") return;
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
  for (const subject of stockSubjects(topic, body)) {
    for (const episode of await startEpisodeIfRestocked(db, event.shop, subject, now)) {
      const job = restockWaveJob(event.shop, episode.id, 0);
      await deps.reactions.add(job.name, job.data, job.opts);
    }
  }
}

/** One wave; schedules the next while the episode still has stock and people waiting. */
export async function runRestockWave(deps: ReactionDeps, job: ReactionJobs["restock-wave"]): Promise<void> {
  const wave = await runWave(deps.db, job.shop, job.episodeId, restockNotices(deps.db).notify, deps.now());
  if (!wave.due) return;
  const next = restockWaveJob(job.shop, job.episodeId, job.round + 1);
  await deps.reactions.add(next.name, next.data, next.opts);
}

/** A delay scan of `shop`, once its backfill has filled the mirror: the Delays page is current right after install. */
export function scanShopDelaysJob(shop: string, at: Date) {
  return {
    name: "scan-delays" as const,
    data: { shop } satisfies ReactionJobs["scan-delays"],
    opts: { jobId: `scan-delays/${shop}/${at.getTime()}` },
  };
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
    for (const episode of summary.started) {
      const job = restockWaveJob(shop, episode.id, 0);
      await deps.reactions.add(job.name, job.data, job.opts);
    }
  }
}

/** The reactions queue's processor. */
export function reactionProcessor(deps: ReactionDeps) {
  return async (job: { name: string; data: unknown }): Promise<void> => {
    switch (job.name) {
      case "react-to-event":
        return reactToEvent(deps, (job.data as ReactionJobs["react-to-event"]).eventRowId);
      case "restock-wave":
        return runRestockWave(deps, job.data as ReactionJobs["restock-wave"]);
      case "scan-delays":
        return scanAllDelays(deps, (job.data as ReactionJobs["scan-delays"]).shop ?? null);
      case "reconcile-inventory":
        return reconcileAllInventory(deps);
      case "sweep-notices":
        await sweepNotices(deps.db, deps.notices, deps.now());
        return;
      default:
        throw new Error(`unknown reactions job ${job.name}`);
    }
  };
}
