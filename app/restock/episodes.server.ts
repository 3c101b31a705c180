// Restock episodes: a sold-out variant with waiting subscribers comes back, an
// episode starts, and subscribers are told oldest first in waves sized to the
// stock (available x ShopSettings.restockPerUnit), re-checking stock before
// each wave. A subscriber is told at most once per episode: the RestockAlert
// row (primary key episodeId + subscriptionId) is claimed before notify runs.
import { isInstalled } from "../compliance/installed-shops.server.ts";
import { chunks } from "../database/chunks.ts";
import { jsonRows, timeValue } from "../database/sql-json.server.ts";
import { dialectOf, type Db } from "../db.server.ts";
import { Prisma } from "../generated/prisma-sqlite/client.ts";
import { ordersHeldFor, WAITING_FOR_ORDERS } from "./held-orders.server.ts";
import { variantStock, variantsFor } from "./stock.server.ts";
import type { RestockEpisode, RestockNotify, RestockSubscription } from "./types.ts";

// Subscribers per page: id lists travel as one JSON value, so a page is not
// bound by SQLite's limit on parameters; larger pages mean fewer round trips.
const PAGE = 1_000;
const IN_FLIGHT = 4;
export const DEFAULT_PER_UNIT = 3;

/**
 * Subscribers still waiting for the variant, page by page, oldest first: not
 * unsubscribed, not told in `episodeId`, and not told in any episode since
 * they (re)subscribed.
 */
export async function* waitingPages(
  db: Db,
  shop: string,
  variantId: string,
  episodeId: number | null = null,
): AsyncGenerator<RestockSubscription[]> {
  let cursor: { createdAt: Date; id: number } | null = null;
  // Told in this episode, or in any episode since (re)subscribing.
  // a."shop" = s."shop" lets the probe use the (shop, subscriptionId) index.
  const untold = Prisma.sql`NOT EXISTS (SELECT 1 FROM "RestockAlert" a WHERE a."shop" = s."shop" AND a."subscriptionId" = s."id"
    AND (a."episodeId" = ${episodeId ?? -1} OR a."sentAt" >= s."createdAt"))`;
  // Only what differs per subscriber: the rest is known from the WHERE (each value costs Prisma).
  const select = (after: Prisma.Sql, take: number) => db.$queryRaw<RestockSubscription[]>`
    SELECT s."id", s."productId", s."email", s."phone", s."smsConsent", s."locale", s."customerId", s."createdAt"
    FROM "RestockSubscription" s
    WHERE s."shop" = ${shop} AND s."variantId" = ${variantId} AND s."unsubscribedAt" IS NULL AND ${after} AND ${untold}
    ORDER BY s."createdAt", s."id" LIMIT ${take}`;
  for (;;) {
    // Keyset pages over the (shop, variantId, createdAt) index, as two queries
    // (one OR of both makes SQLite scan): the rest of the cursor's timestamp,
    // then what comes after it. Raw SQL: the filtered join is one statement.
    let page: RestockSubscription[];
    if (!cursor) page = await select(Prisma.sql`1 = 1`, PAGE);
    else {
      page = await select(Prisma.sql`s."createdAt" = ${cursor.createdAt} AND s."id" > ${cursor.id}`, PAGE);
      if (page.length < PAGE) {
        page = page.concat(await select(Prisma.sql`s."createdAt" > ${cursor.createdAt}`, PAGE - page.length));
      }
    }
    if (page.length === 0) return;
    page = page.map((row) => normalise(row, shop, variantId));
    const last = page[page.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
    yield page;
    if (page.length < PAGE) return;
  }
}

/** A waiting subscriber's row as the model type (drivers differ in number and boolean types). */
function normalise(row: RestockSubscription, shop: string, variantId: string): RestockSubscription {
  return {
    id: Number(row.id),
    shop,
    variantId,
    productId: row.productId,
    email: row.email,
    phone: row.phone,
    smsConsent: Boolean(row.smsConsent),
    locale: row.locale,
    customerId: row.customerId,
    createdAt: row.createdAt instanceof Date ? row.createdAt : new Date(String(row.createdAt)),
    unsubscribedAt: null,
  };
}

/** The first `limit` waiting subscribers (see waitingPages). */
export async function waitingSubscribers(
  db: Db,
  shop: string,
  variantId: string,
  limit: number,
  episodeId: number | null = null,
): Promise<RestockSubscription[]> {
  const found: RestockSubscription[] = [];
  for await (const page of waitingPages(db, shop, variantId, episodeId)) {
    found.push(...page.slice(0, limit - found.length));
    if (found.length >= limit) break;
  }
  return found;
}

/** Subscribers notified per available unit for the shop (at least 1). */
export async function perUnitOf(db: Db, shop: string): Promise<number> {
  const settings = await db.shopSettings.findUnique({ where: { shop }, select: { restockPerUnit: true } });
  return Math.max(1, settings?.restockPerUnit ?? DEFAULT_PER_UNIT);
}

/**
 * Call after inventory_levels/update (with the inventory item id), after
 * products/update (with each variant id) and from reconciliation. For each
 * variant the id refers to that has stock now, waiting subscribers and no
 * running episode, starts one. Waiting subscribers only exist for variants
 * that were sold out when they signed up, so "in stock + waiting" is the
 * 0 → >0 transition even when the webhook that carried it was missed.
 * Returns the episodes started: the caller schedules runWave for each that is
 * running (one waiting for held orders gets its wave when it resumes).
 */
export async function startEpisodeIfRestocked(
  db: Db,
  shop: string,
  inventoryItemOrVariantId: string,
  now: Date = new Date(),
): Promise<RestockEpisode[]> {
  const started: RestockEpisode[] = [];
  for (const variantId of await variantsFor(db, shop, inventoryItemOrVariantId)) {
    const stock = await variantStock(db, shop, variantId);
    if (!stock || stock.available <= 0) continue;
    if ((await waitingSubscribers(db, shop, variantId, 1)).length === 0) continue;
    // Orders on hold for this variant come first: the episode waits for the seller (held-orders.server.ts).
    const status = (await ordersHeldFor(db, shop, variantId)).length > 0 ? WAITING_FOR_ORDERS : "running";
    const episode = await db.$transaction(async (tx) => {
      // A no-op write on the variant row: PostgreSQL holds its row lock and
      // SQLite its write lock until commit, so two workers cannot both see
      // "no running episode" and start one each.
      await tx.variant.updateMany({ where: { shop, id: variantId }, data: { shop } });
      const running = await tx.restockEpisode.findFirst({
        where: { shop, variantId, status: { in: ["running", WAITING_FOR_ORDERS] } },
      });
      if (running) return null;
      return tx.restockEpisode.create({
        data: { shop, variantId, status, availableAtStart: stock.available, startedAt: now },
      });
    });
    if (episode) started.push(episode);
  }
  return started;
}

export interface WaveResult {
  /** Another wave should run (after the worker's delay): stock remained and subscribers may wait. */
  due: boolean;
  /** Subscribers told in this wave. */
  notified: number;
  status: string;
}

async function finish(db: Db, episodeId: number, status: "done" | "sold_out", now: Date): Promise<void> {
  await db.restockEpisode.updateMany({ where: { id: episodeId, status: "running" }, data: { status, endedAt: now } });
}

/**
 * Claims alert rows; returns the subscriptions this call claimed (others were
 * claimed elsewhere). The page's subscription ids travel as one JSON value.
 */
async function claim(
  db: Db,
  episode: RestockEpisode,
  subscriptions: RestockSubscription[],
  now: Date,
): Promise<RestockSubscription[]> {
  if (subscriptions.length === 0) return [];
  const dialect = dialectOf(db);
  const won = new Set<number>();
  for (const part of chunks(subscriptions, 1_000)) {
    const inserted = await db.$queryRaw<{ subscriptionId: number | bigint }[]>`
      INSERT INTO "RestockAlert" ("shop", "episodeId", "subscriptionId", "variantId", "sentAt")
      SELECT ${episode.shop}, CAST(${episode.id} AS INTEGER), CAST("j"."value" AS INTEGER), ${episode.variantId}, ${timeValue(dialect, now)}
      FROM ${jsonRows(
        dialect,
        part.map((s) => s.id),
      )} WHERE true
      ON CONFLICT DO NOTHING RETURNING "subscriptionId"`;
    for (const row of inserted) won.add(Number(row.subscriptionId));
  }
  return subscriptions.filter((s) => won.has(s.id));
}

/**
 * One wave of a running episode. Re-checks stock from the mirror first: none
 * left → sold_out. Otherwise reserves the wave (compare-and-set on the
 * episode's `notified`, so concurrent calls do not both send a wave), claims
 * the next available x perUnit waiting subscribers, oldest first, and calls
 * notify for each. A failed notify releases that subscriber's claim (so a
 * retry tells them) and the first error is rethrown after the wave.
 */
export async function runWave(
  db: Db,
  shop: string,
  episodeId: number,
  notify: RestockNotify,
  now: Date = new Date(),
): Promise<WaveResult> {
  const episode = await db.restockEpisode.findFirst({ where: { id: episodeId, shop } });
  if (!episode) return { due: false, notified: 0, status: "missing" };
  if (episode.status !== "running") return { due: false, notified: 0, status: episode.status };
  // An uninstalled shop sends nothing: the episode ends without a wave.
  if (!(await isInstalled(db, shop))) {
    await finish(db, episode.id, "done", now);
    return { due: false, notified: 0, status: "done" };
  }
  const stock = await variantStock(db, shop, episode.variantId);
  if (!stock || stock.available <= 0) {
    await finish(db, episode.id, "sold_out", now);
    return { due: false, notified: 0, status: "sold_out" };
  }
  const size = stock.available * (await perUnitOf(db, shop));
  const reserved = await db.restockEpisode.updateMany({
    where: { id: episode.id, status: "running", notified: episode.notified },
    data: { notified: episode.notified + size },
  });
  // Another call is running a wave of this episode right now; it reschedules.
  if (reserved.count === 0) return { due: false, notified: 0, status: "running" };

  let told = 0;
  let found = 0;
  let failure: unknown = null;
  // Claims of the next pages overlap the notify calls of earlier ones (at most IN_FLIGHT pages).
  const inflight: Promise<void>[] = [];
  const settle = async (claimed: RestockSubscription[], sending: Promise<PromiseSettledResult<void>[]>) => {
    const released: number[] = [];
    (await sending).forEach((result, index) => {
      if (result.status === "fulfilled") told += 1;
      else {
        failure ??= result.reason;
        released.push(claimed[index]!.id);
      }
    });
    if (released.length > 0) {
      await db.restockAlert.deleteMany({ where: { episodeId: episode.id, subscriptionId: { in: released } } });
    }
  };
  try {
    for await (const page of waitingPages(db, shop, episode.variantId, episode.id)) {
      const batch = page.slice(0, size - found);
      found += batch.length;
      const claimed = await claim(db, episode, batch, now);
      const sending = Promise.allSettled(claimed.map((subscription) => notify(subscription, episode)));
      inflight.push(settle(claimed, sending));
      if (inflight.length >= IN_FLIGHT) await inflight.shift();
      if (found >= size) break;
    }
  } finally {
    await Promise.allSettled(inflight);
    const notified = await db.restockAlert.count({ where: { episodeId: episode.id } });
    await db.restockEpisode.update({ where: { id: episode.id }, data: { notified } });
  }
  if (failure) throw failure;
  if (found < size) {
    await finish(db, episode.id, "done", now);
    return { due: false, notified: told, status: "done" };
  }
  return { due: true, notified: told, status: "running" };
}
