// app/uninstalled: the access tokens are dead, so the sessions go now; the
// shop's other data stays until shop/redact (48 h later), in case the seller
// reinstalls. The install flow clears Shop.uninstalledAt again. Nothing more is
// sent for the shop: its pending notices are cancelled (suppressed, not
// retried) and its running restock episodes end; delivery, queueing and
// waves also refuse an uninstalled shop (installed-shops.server.ts), for what
// comes in later.
import { WAITING_FOR_ORDERS } from "../restock/held-orders.server.ts";
import { textOf } from "../mirror/read-payload.server.ts";
import type { Tx } from "../mirror/write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "../mirror/project-event.server.ts";

export async function uninstallShop(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const { shop, payload } = event;
  await tx.session.deleteMany({ where: { shop } });
  const existing = await tx.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true } });
  const details = {
    name: textOf(payload, "name"),
    email: textOf(payload, "email"),
    currency: textOf(payload, "currency"),
    // Only an IANA zone is usable for quiet hours; "(GMT-05:00) Eastern Time" is not.
    timezone: textOf(payload, "iana_timezone") ?? undefined,
    locale: textOf(payload, "primary_locale"),
    // Processing the same event again keeps the first time.
    uninstalledAt: event.triggeredAt ?? existing?.uninstalledAt ?? new Date(),
  };
  await tx.shop.upsert({ where: { domain: shop }, create: { domain: shop, ...details }, update: details });
  await cancelPendingWork(tx, shop, new Date());
  return {};
}

/** Notice statuses that still wait for a send. */
const PENDING = ["queued", "deferred", "failed"];
export const UNINSTALLED_REASON = "shop_uninstalled";

async function cancelPendingWork(tx: Tx, shop: string, at: Date): Promise<void> {
  for (;;) {
    const page = await tx.notice.findMany({
      where: { shop, status: { in: PENDING } },
      select: { id: true },
      take: 5_000,
    });
    if (page.length === 0) break;
    const ids = page.map((notice) => notice.id);
    for (let index = 0; index < ids.length; index += 500) {
      const part = ids.slice(index, index + 500);
      await tx.notice.updateMany({
        where: { id: { in: part }, status: { in: PENDING } },
        data: { status: "suppressed", statusReason: UNINSTALLED_REASON },
      });
      await tx.noticeEvent.createMany({
        data: part.map((noticeId) => ({ shop, noticeId, status: "suppressed", reason: UNINSTALLED_REASON, at })),
      });
    }
  }
  await tx.restockEpisode.updateMany({
    where: { shop, status: { in: ["running", WAITING_FOR_ORDERS] } },
    data: { status: "done", endedAt: at },
  });
}
