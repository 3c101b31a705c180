// app/uninstalled: the access tokens are dead, so the sessions go now; the
// shop's other data stays until shop/redact (48 h later), in case the seller
// reinstalls. The install flow clears Shop.uninstalledAt again.
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
  return {};
}
