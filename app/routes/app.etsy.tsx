// POST /app/etsy — the Settings Etsy card's actions (app/components/EtsyLinkCard.tsx):
// intent=connect answers the consent URL of a new attempt, intent=disconnect
// forgets the link (mirrored orders stay). Thin: app/etsy/link-actions.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { readAdminForm } from "../admin/form-input.server.ts";
import { db } from "../db.server.ts";
import { etsyLinkAction, type EtsyActionResult } from "../etsy/link-actions.server.ts";
import { authenticate } from "../shopify.server.ts";

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const body = await readAdminForm(request);
  if (!body.ok) {
    const refused: EtsyActionResult = { ok: false, intent: "unknown", reason: "unknown_intent", status: 400 };
    return Response.json(refused, { status: body.status });
  }
  const result = await etsyLinkAction(db(), session.shop, body.fields.intent);
  return Response.json(result, { status: result.ok ? 200 : result.status, headers: { "Cache-Control": "no-store" } });
}

export function loader() {
  return Response.json({ error: "POST only" }, { status: 405, headers: { Allow: "POST" } });
}
