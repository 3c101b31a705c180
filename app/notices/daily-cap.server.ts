// The per-customer daily cap on proactive notices: the slot of a customer's
// shop-local day (taken atomically, a batch at a time, by deliver-notice's
// takeCapSlots), given back when a send does not happen, and forgotten later.
import { createHash } from "node:crypto";
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

/** Gives a slot back (the send did not happen). */
export async function releaseCapSlot(db: Db, slot: CapSlot): Promise<void> {
  await db.noticeDailyCount.updateMany({ where: { ...slot, count: { gt: 0 } }, data: { count: { decrement: 1 } } });
}

/** Rows of days long past (a day is over everywhere within two days of UTC). */
export async function forgetOldCapDays(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - 3 * 24 * 60 * 60_000).toISOString().slice(0, 10);
  return (await db.noticeDailyCount.deleteMany({ where: { day: { lt: before } } })).count;
}
