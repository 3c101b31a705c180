// GET|POST /proxy/ping (storefront: /apps/kizuna/ping) — proves the app proxy
// signature is checked end to end: { ok: true, shop } or 401.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { requireProxyShop } from "../storefront/require-proxy-shop.server.ts";

async function ping(request: Request): Promise<Response> {
  const shop = await requireProxyShop(request);
  return Response.json({ ok: true, shop }, { headers: { "Cache-Control": "no-store" } });
}

export const loader = ({ request }: LoaderFunctionArgs) => ping(request);
export const action = ({ request }: ActionFunctionArgs) => ping(request);
