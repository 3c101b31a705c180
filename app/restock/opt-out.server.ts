// A shopper who opts out of a shop's marketing mail (unsubscribe link) or texts
// STOP is no longer waiting for back-in-stock alerts by that channel: they
// leave the waves and the Restock page's waiting count, instead of taking a
// place in a wave and then being suppressed at send time.
import type { Db } from "../db.server.ts";

/** `address` normalized as Suppression stores it (lower-case email, E.164 phone). */
export async function optOutOfRestock(db: Db, shop: string, channel: "email" | "sms", address: string, at: Date) {
  if (channel === "email") {
    await db.restockSubscription.updateMany({
      where: { shop, email: address, unsubscribedAt: null },
      data: { unsubscribedAt: at },
    });
  } else {
    await db.restockSubscription.updateMany({
      where: { shop, phone: address, smsConsent: true },
      data: { smsConsent: false },
    });
  }
}
