// The per-customer daily cap on proactive notices, taken atomically: a slot is
// one conditional UPDATE (count < cap → count + 1) on the customer's row for
// the shop-local day, so two notices delivered at the same moment cannot both
// pass a cap that has room for one. A send that fails gives its slot back.
import { createHash } from "node:crypto";
import { isUniqueViolation } from "../database/errors.ts";
import type { Db } from "../db.server.ts";
import { localParts } from "./shop-time.ts";

export interface CapSlot {
  shop: string;
  who: string;
  day: string;
}

/** The notice's customer: their id, else a hash of channel and address (the table holds no address). */
export function capSlotFor(
  notice: { shop: string; customerId: string | null; channel: string; recipient: string | null },
  now: Date,
  timeZone: string,
): CapSlot {
  const who =
    notice.customerId ??
    `h:${createHash("sha256")
      .update(`${notice.channel}:${(notice.recipient ?? "").toLowerCase()}`)
      .digest("hex")
      .slice(0, 32)}`;
  const local = localParts(now, timeZone);
  const day = `${local.year}-${String(local.month).padStart(2, "0")}-${String(local.day).padStart(2, "0")}`;
  return { shop: notice.shop, who, day };
}

/**
 * Takes one of the day's `cap` slots; false when they are all taken. The day's
 * row starts from `sentBefore()` (notices sent today before the row existed).
 */
export async function takeCapSlot(
  db: Db,
  slot: CapSlot,
  cap: number,
  sentBefore: () => Promise<number>,
): Promise<boolean> {
  const key = { shop_who_day: slot };
  if (!(await db.noticeDailyCount.findUnique({ where: key, select: { count: true } }))) {
    try {
      await db.noticeDailyCount.create({ data: { ...slot, count: await sentBefore() } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another delivery created it first
    }
  }
  const taken = await db.noticeDailyCount.updateMany({
    where: { ...slot, count: { lt: cap } },
    data: { count: { increment: 1 } },
  });
  return taken.count === 1;
}

/** Gives a slot back (the send did not happen). */
export async function releaseCapSlot(db: Db, slot: CapSlot): Promise<void> {
  await db.noticeDailyCount.updateMany({ where: { ...slot, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

/** Rows of days long past (a day is over everywhere within two days of UTC). */
export async function forgetOldCapDays(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 3 * 24 * 60 * 60_000).toISOString().slice(0, 10);
  return (await db.noticeDailyCount.deleteMany({ where: { day: { lt: before } } })).count;
}
