// app/scopes_update → Shop.scopes: what the seller has granted Kizuna now.
// The shop is the verified header's domain, never a value from the payload.
import { arrayOf, requireValue } from "./read-payload.server.ts";
import type { Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

export async function projectScopes(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const current = requireValue(arrayOf(event.payload, "current"), "current scopes");
  const scopes = current.filter((scope): scope is string => typeof scope === "string").join(",");
  await tx.shop.upsert({ where: { domain: event.shop }, create: { domain: event.shop, scopes }, update: { scopes } });
  return {};
}
