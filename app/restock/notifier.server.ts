// The bridge from restock to the notice engine (app/notices/): turns "tell this
// subscriber" into queueNotice calls with the dedupe keys of DESIGN.md
// (`restock:<variant>:<subscriber>:<episode>`), so a retried wave never sends twice.
import type { Db } from "../db.server.ts";
import { enqueueNoticeDelivery, noticeQueue } from "../notices/notice-queue.server.ts";
import { queueNotice } from "../notices/queue-notice.server.ts";
import type { RestockConfirm, RestockEpisode, RestockNotify, RestockSubscription } from "./types.ts";

export interface RestockNoticeRequest {
  shop: string;
  kind: "restock" | "restock_confirmation";
  dedupeKey: string;
  customerId?: string;
  email?: string;
  phone?: string;
  locale?: string;
  variables: Record<string, string | number | boolean | null>;
}

/** The notice engine's entry point, structurally (app/notices/ owns the real one). */
export type QueueNotice = (db: Db, notice: RestockNoticeRequest) => Promise<unknown>;

export function restockDedupeKey(subscription: RestockSubscription, episode: RestockEpisode | null): string {
  return episode
    ? `restock:${subscription.variantId}:${subscription.id}:${episode.id}`
    : `restock_confirmation:${subscription.variantId}:${subscription.id}`;
}

export interface RestockNotices {
  notify: RestockNotify;
  confirm: RestockConfirm;
}

/** notify/confirm that queue notices; product facts are read once per variant. */
export function noticeNotifier(db: Db, queueNotice: QueueNotice): RestockNotices {
  const facts = new Map<string, Promise<Record<string, string | null>>>();
  const variablesOf = (shop: string, variantId: string) => {
    const key = `${shop}|${variantId}`;
    let found = facts.get(key);
    if (!found) {
      found = (async () => {
        const variant = await db.variant.findUnique({ where: { shop_id: { shop, id: variantId } } });
        const product = variant
          ? await db.product.findUnique({ where: { shop_id: { shop, id: variant.productId } } })
          : null;
        return {
          productTitle: product?.title ?? null,
          variantTitle: variant?.title && variant.title !== "Default Title" ? variant.title : null,
          price: variant?.price ?? null,
          productUrl: product?.handle ? `https://${shop}/products/${product.handle}?variant=${variantId}` : null,
        };
      })();
      if (facts.size > 1000) facts.clear();
      facts.set(key, found);
    }
    return found;
  };
  const send = async (subscription: RestockSubscription, episode: RestockEpisode | null) => {
    await queueNotice(db, {
      shop: subscription.shop,
      kind: episode ? "restock" : "restock_confirmation",
      dedupeKey: restockDedupeKey(subscription, episode),
      ...(subscription.customerId ? { customerId: subscription.customerId } : {}),
      ...(subscription.email ? { email: subscription.email } : {}),
      ...(subscription.phone && subscription.smsConsent ? { phone: subscription.phone } : {}),
      locale: subscription.locale,
      variables: {
        ...(await variablesOf(subscription.shop, subscription.variantId)),
        variantId: subscription.variantId,
        episodeId: episode?.id ?? null,
      },
    });
  };
  return { notify: (subscription, episode) => send(subscription, episode), confirm: (s) => send(s, null) };
}

/**
 * The notices restock sends, through the notice engine and its delivery queue:
 * for the signup route (confirmation) and the worker (waves).
 */
export function restockNotices(db: Db): RestockNotices {
  const queue = noticeQueue();
  return noticeNotifier(db, async (database, notice) => {
    const result = await queueNotice(database, notice);
    if (result.status === "queued") await enqueueNoticeDelivery(queue, result.noticeId);
    return result;
  });
}
