// The bridge from restock to the notice engine (app/notices/): turns "tell this
// subscriber" into queueNotice calls with the dedupe keys of DESIGN.md
// (`restock:<variant>:<subscriber>:<episode>`), so a retried wave never sends twice.
import type { Queue } from "bullmq";
import type { Db } from "../db.server.ts";
import { noticeQueue } from "../jobs/queues.server.ts";
import { queueAndEnqueueNotices } from "../notices/notice-queue.server.ts";
import { sandboxOf, type Sandbox } from "../sandbox/sandbox.server.ts";
import type { RestockConfirm, RestockEpisode, RestockNotify, RestockSubscription } from "./types.ts";

export interface RestockNoticeRequest {
  shop: string;
  kind: "restock" | "restock_confirmation";
  dedupeKey: string;
  customerId?: string;
  email?: string;
  phone?: string;
  /** By text message: the shopper gave a number and ticked the box, and SMS is configured. */
  channel?: "sms";
  locale?: string;
  variables: Record<string, string | number | boolean | null>;
}

/** The notice engine's entry point, structurally (app/notices/ owns the real one). */
export type QueueNotice = (db: Db, notice: RestockNoticeRequest) => Promise<unknown>;

/**
 * An alert: once per subscriber and episode. A confirmation: once per address
 * and UTC day, whatever was signed up for, so the form cannot be used to mail
 * an address over and over (its other signups that day get none).
 */
export function restockDedupeKey(
  subscription: RestockSubscription,
  episode: RestockEpisode | null,
  now: Date = new Date(),
): string {
  return episode
    ? `restock:${subscription.variantId}:${subscription.id}:${episode.id}`
    : `restock_confirmation:${(subscription.email ?? subscription.phone ?? String(subscription.id)).slice(0, 200)}:${now.toISOString().slice(0, 10)}`;
}

export interface RestockNotices {
  notify: RestockNotify;
  confirm: RestockConfirm;
}

export interface NotifierOptions {
  /**
   * The origin of the shop's storefront, e.g. "https://tsumugi.example" (no
   * trailing slash). Default: the sandbox's storefront in sandbox mode, else
   * the shop's own domain (Shopify redirects it to the primary domain).
   */
  storefrontOrigin?: (shop: string) => string;
}

/** The sandbox this process runs against, or null (also when the environment is not set: a script, a test). */
function currentSandbox(): Sandbox | null {
  try {
    return sandboxOf();
  } catch {
    return null;
  }
}

/** Where shoppers see the shop's products: see NotifierOptions.storefrontOrigin. */
export function defaultStorefrontOrigin(shop: string, sandbox: Sandbox | null = currentSandbox()): string {
  // The sandbox's storefront answers /products/<handle> for its shop, as the shop's domain does.
  return sandbox ? sandbox.origin : `https://${shop}`;
}

/** The product page with this variant chosen: <storefront>/products/<handle>?variant=<numeric id>. */
export function productPageUrl(origin: string, handle: string, variantId: string): string {
  const numeric = variantId.replace(/^gid:\/\/shopify\/ProductVariant\//, "");
  return `${origin.replace(/\/+$/, "")}/products/${encodeURIComponent(handle)}?variant=${encodeURIComponent(numeric)}`;
}

/** The product's featured image (the mirror's Product.imageUrl), when it is an http(s) URL. */
function imageOf(product: { imageUrl: string | null } | null): string | null {
  const value = product?.imageUrl;
  return value && /^https?:\/\//i.test(value) ? value : null;
}

/** The notice request for a subscriber (an alert in `episode`, or the signup's confirmation when null); product facts read once per variant. */
function noticeRequests(db: Db, smsOn: boolean, options: NotifierOptions) {
  const storefrontOrigin = options.storefrontOrigin ?? ((shop: string) => defaultStorefrontOrigin(shop));
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
          productUrl: product?.handle ? productPageUrl(storefrontOrigin(shop), product.handle, variantId) : null,
          productImageUrl: imageOf(product),
        };
      })();
      if (facts.size > 1000) facts.clear();
      facts.set(key, found);
    }
    return found;
  };
  return async (subscription: RestockSubscription, episode: RestockEpisode | null): Promise<RestockNoticeRequest> => ({
    shop: subscription.shop,
    kind: episode ? "restock" : "restock_confirmation",
    dedupeKey: restockDedupeKey(subscription, episode),
    ...(subscription.customerId ? { customerId: subscription.customerId } : {}),
    ...(subscription.email ? { email: subscription.email } : {}),
    ...(subscription.phone && subscription.smsConsent ? { phone: subscription.phone } : {}),
    // A shopper who asked to be texted gets a text; without an SMS provider, the email they also gave.
    ...(subscription.phone && subscription.smsConsent && smsOn ? { channel: "sms" as const } : {}),
    locale: subscription.locale,
    variables: {
      ...(await variablesOf(subscription.shop, subscription.variantId)),
      variantId: subscription.variantId,
      episodeId: episode?.id ?? null,
    },
  });
}

/** notify/confirm that queue notices one by one through `queueNotice`. */
/** `smsOn`: an SMS provider is configured (else every notice goes by email). */
export function noticeNotifier(
  db: Db,
  queueNotice: QueueNotice,
  smsOn = false,
  options: NotifierOptions = {},
): RestockNotices {
  const requestFor = noticeRequests(db, smsOn, options);
  const send = async (subscription: RestockSubscription, episode: RestockEpisode | null) => {
    await queueNotice(db, await requestFor(subscription, episode));
  };
  return { notify: (subscription, episode) => send(subscription, episode), confirm: (s) => send(s, null) };
}

/** The notice engine's many-at-once entry point, structurally. */
export type QueueNotices = (db: Db, notices: RestockNoticeRequest[]) => Promise<unknown>;

/** Notices queued per call of a batched notifier, at most. */
const BATCH = 1_000;

/**
 * notify/confirm that gather the calls made together (a wave notifies a page
 * of subscribers at once) into one `queueNotices` call; each call settles
 * with its batch.
 */
export function batchedNoticeNotifier(
  db: Db,
  queueNotices: QueueNotices,
  smsOn = false,
  options: NotifierOptions = {},
): RestockNotices {
  const requestFor = noticeRequests(db, smsOn, options);
  let pending: { request: RestockNoticeRequest; done: () => void; fail: (error: unknown) => void }[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const taken = pending;
    pending = [];
    if (taken.length === 0) return;
    try {
      await queueNotices(
        db,
        taken.map((item) => item.request),
      );
      for (const item of taken) item.done();
    } catch (error) {
      for (const item of taken) item.fail(error);
    }
  };
  const send = async (subscription: RestockSubscription, episode: RestockEpisode | null) => {
    const request = await requestFor(subscription, episode);
    await new Promise<void>((done, fail) => {
      pending.push({ request, done, fail });
      if (pending.length >= BATCH) void flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
  };
  return { notify: (subscription, episode) => send(subscription, episode), confirm: (s) => send(s, null) };
}

/**
 * The notices restock sends, through the notice engine and its delivery queue:
 * for the signup route (confirmation) and the worker (waves). A wave's notices
 * are queued together and delivered in batches ("send-notices" jobs).
 */
export function restockNotices(
  db: Db,
  queue: Queue | Promise<Queue> = noticeQueue(),
  smsOn = false,
  options: NotifierOptions = {},
): RestockNotices {
  return batchedNoticeNotifier(
    db,
    async (database, notices) => queueAndEnqueueNotices(database, await queue, notices),
    smsOn,
    options,
  );
}
