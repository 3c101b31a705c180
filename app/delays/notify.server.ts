// Telling the customer. The delay code never sends anything itself: it calls
// an injected `notify(caseRow, kind, message?)`, so tests count calls and the
// worker wires the notice engine (`queueNoticeNotifier`).
import type { Db } from "../db.server.ts";
import { queueNotice, type QueueNoticeInput, type QueueNoticeResult } from "../notices/queue-notice.server.ts";
import { evaluateOrder } from "./evaluate-order.server.ts";
import { prepareEtsyDelayMessage } from "../etsy/delay-message.server.ts";
import { trackingVariables } from "../notices/order-updates.server.ts";
import { customerActionOf, customerReason, customerReasonJa } from "./reasons.ts";
import { scanDelays, type ScanOptions, type ScanSummary } from "./scan-delays.server.ts";
import { detailsOf, type DelayCaseRow, type DelayChanges } from "./sync-cases.server.ts";
import {
  holdOutCase,
  holdoutSettings,
  releaseHeldOutCases,
  type HoldoutSettings,
} from "../analytics/holdout.server.ts";

export type DelayNoticeKind = "delay" | "delay_resolved";

/**
 * Sends (or queues) one notice about a case; returns the notice id when there
 * is one, and `told: false` when nothing will reach the customer (kind turned
 * off, no contact): the case then stays "not told".
 */
export type DelayNotify = (
  caseRow: DelayCaseRow,
  kind: DelayNoticeKind,
  message?: string,
) => Promise<DelayNotifyResult | void> | DelayNotifyResult | void;

export interface DelayNotifyResult {
  noticeId?: number | null;
  told?: boolean;
  /** An Etsy order: nobody was told yet, a message waits in the inbox for the seller to send on Etsy. */
  preparedOnEtsy?: boolean;
}

/** The notice engine's entry point (app/notices/queue-notice.server.ts), injectable for tests. */
export type QueueNotice = (db: Db, input: QueueNoticeInput) => Promise<QueueNoticeResult>;

/** One notice per case opening, one per resolution: re-running never sends twice. */
export function dedupeKeyOf(caseRow: DelayCaseRow, kind: DelayNoticeKind): string {
  const episode = caseRow.openedAt.getTime();
  const base = `${caseRow.orderId}:${caseRow.subject}:${caseRow.rule}:${episode}`;
  return kind === "delay" ? `delay:${base}` : `delay_resolved:${base}`;
}

async function resolutionOf(db: Db, caseRow: DelayCaseRow): Promise<{ en: string; ja: string }> {
  if (caseRow.rule === "handling_time" || caseRow.rule === "on_hold")
    return { en: "is on its way to you", ja: "発送の準備が整いました" };
  const latest = await db.fulfillmentEvent.findFirst({
    where: { shop: caseRow.shop, fulfillmentId: caseRow.subject },
    orderBy: [{ happenedAt: "desc" }, { id: "desc" }],
    select: { status: true },
  });
  return latest?.status === "DELIVERED"
    ? { en: "was delivered", ja: "お届けが完了しました" }
    : { en: "is moving again", ja: "配送が再開しました" };
}

/** The case's parcel (carrier rules are about one), else the order's latest: for its tracking link. */
async function parcelOf(db: Db, caseRow: DelayCaseRow) {
  const select = { trackingCompany: true, trackingNumbers: true, trackingUrls: true } as const;
  const own = await db.fulfillment.findUnique({
    where: { shop_id: { shop: caseRow.shop, id: caseRow.subject } },
    select: { ...select, orderId: true },
  });
  if (own?.orderId === caseRow.orderId) return own;
  return db.fulfillment.findFirst({
    where: { shop: caseRow.shop, orderId: caseRow.orderId },
    orderBy: { shopifyUpdatedAt: "desc" },
    select,
  });
}

/** A DelayNotify backed by the notice engine. `message` (the seller's words) replaces the reason text. */
export function queueNoticeNotifier(
  db: Db,
  queue: QueueNotice = queueNotice,
  /** Puts a queued notice's send on the job queue at once (the web's "Notify now"); else the worker's sweep sends it. */
  sendNow?: (noticeId: number) => Promise<void>,
): DelayNotify {
  return async (caseRow, kind, message) => {
    const order = await db.order.findUnique({
      where: { shop_id: { shop: caseRow.shop, id: caseRow.orderId } },
      select: { customerId: true, source: true },
    });
    const details = detailsOf(caseRow);
    const estimate = typeof details.estimatedDeliveryAt === "string" ? details.estimatedDeliveryAt.slice(0, 10) : null;
    const resolution = kind === "delay_resolved" ? await resolutionOf(db, caseRow) : null;
    const action = customerActionOf(caseRow.rule, caseRow.reason);
    const variables =
      kind === "delay"
        ? {
            reason: customerReason(caseRow.rule, caseRow.reason),
            "reason@ja": customerReasonJa(caseRow.rule, caseRow.reason),
            newEstimate: caseRow.rule === "carrier_exception" ? estimate : null,
            sellerMessage: message ?? null,
            customerAction: action?.en ?? null,
            "customerAction@ja": action?.ja ?? null,
            ...trackingVariables(await parcelOf(db, caseRow)),
          }
        : { resolution: resolution!.en, "resolution@ja": resolution!.ja };
    const dedupeKey = message ? `${dedupeKeyOf(caseRow, kind)}:seller:${Date.now()}` : dedupeKeyOf(caseRow, kind);
    // Etsy buyers are never e-mailed (Etsy's rules): the text waits in the inbox for the seller to send on Etsy.
    if (order?.source === "etsy") return prepareEtsyDelayMessage(db, caseRow, kind, variables, dedupeKey);
    const result = await queue(db, {
      shop: caseRow.shop,
      kind,
      // A seller's "notify now" is a new notice each time; the automatic ones are once per case opening.
      dedupeKey,
      customerId: order?.customerId ?? null,
      orderId: caseRow.orderId,
      variables,
    });
    if (result.status === "disabled") return { told: false };
    if (result.status === "queued" && sendNow) {
      // Redis away: the notice is stored as queued, and the notice sweep sends it.
      await sendNow(result.noticeId).catch(() => undefined);
    }
    return { noticeId: result.noticeId, told: result.status !== "suppressed" };
  };
}

/** Records that the customer was told. */
async function markNotified(db: Db, caseRow: DelayCaseRow, noticeId: number | null | undefined, at: Date) {
  await db.delayCase.update({
    where: { id: caseRow.id },
    data: { notifiedAt: at, ...(noticeId != null ? { noticeId } : {}) },
  });
}

/**
 * The default reaction to a change: "delay" for each opened case; for each
 * resolved case whose customer had been told, "delay_resolved" (moving again /
 * delivered). Cases resolved by the seller are not announced.
 */
export async function notifyChanges(
  db: Db,
  changes: DelayChanges,
  notify: DelayNotify,
  now: Date = new Date(),
): Promise<{ delay: number; resolved: number }> {
  let delay = 0;
  let resolved = 0;
  const holdouts = new Map<string, HoldoutSettings>();
  for (const caseRow of changes.opened) {
    // The contacts-prevented holdout (ADR 0016): a chosen case is told nothing for a day.
    let holdout = holdouts.get(caseRow.shop);
    if (!holdout) holdouts.set(caseRow.shop, (holdout = await holdoutSettings(db, caseRow.shop)));
    if (await holdOutCase(db, caseRow, holdout, now)) continue;
    const result = await notify(caseRow, "delay");
    if (result?.told === false) continue;
    await markNotified(db, caseRow, result?.noticeId, now);
    delay++;
  }
  for (const caseRow of changes.resolved) {
    if (caseRow.notifiedAt === null || detailsOf(caseRow).resolvedBy === "seller") continue;
    await notify(caseRow, "delay_resolved");
    resolved++;
  }
  return { delay, resolved };
}

/** A notifier that also hands each queue result to `onQueued` (the worker enqueues delivery of queued ones). */
function recordingNotifier(
  db: Db,
  queue: QueueNotice,
  onQueued: (result: QueueNoticeResult) => Promise<void> | void,
): DelayNotify {
  const recording: QueueNotice = async (database, input) => {
    const result = await queue(database, input);
    await onQueued(result);
    return result;
  };
  return queueNoticeNotifier(db, recording);
}

/**
 * After an order / fulfillment / fulfillment event / hold webhook: re-evaluates
 * the order and queues "delay" / "delay_resolved" notices for what changed.
 * Returns the notice engine's answers (queue delivery for the `queued` ones).
 */
export async function evaluateOrderAndNotify(
  db: Db,
  shop: string,
  orderId: string,
  now: Date = new Date(),
  queue: QueueNotice = queueNotice,
): Promise<(QueueNoticeResult | null)[]> {
  const results: QueueNoticeResult[] = [];
  const changes = await evaluateOrder(db, shop, orderId, now);
  await notifyChanges(
    db,
    changes,
    recordingNotifier(db, queue, (result) => void results.push(result)),
    now,
  );
  return results;
}

/**
 * The scheduled scan with notices: `shop` or every shop (null). `onQueued` gets
 * each notice result as it is made (the worker enqueues delivery of `queued` ones).
 */
export async function scanAndNotify(
  db: Db,
  shop: string | null,
  now: Date,
  onQueued: (result: QueueNoticeResult) => Promise<void> | void,
  options: ScanOptions = {},
  queue: QueueNotice = queueNotice,
): Promise<ScanSummary> {
  const notify = recordingNotifier(db, queue, onQueued);
  const summary = await scanDelays(
    db,
    shop,
    now,
    async (_shop, changes) => {
      await notifyChanges(db, changes, notify, now);
    },
    options,
  );
  // Held-out cases whose day is over and that are still open are told now.
  await releaseHeldOutCases(
    db,
    shop,
    now,
    (caseShop, id) => db.delayCase.findFirst({ where: { shop: caseShop, id } }),
    async (caseRow) => {
      const result = await notify(caseRow, "delay");
      if (result?.told !== false) await markNotified(db, caseRow, result?.noticeId, now);
    },
  );
  return summary;
}
