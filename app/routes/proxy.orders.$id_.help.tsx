// POST /proxy/orders/<id>/help?t=<token> — the order page's beacon: a
// self-help answer was opened. See app/storefront/order-page-help.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleHelpRead } from "../storefront/order-page-help.server.ts";
import { orderPageDeps, requestInfo } from "../storefront/order-page-deps.server.ts";

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleHelpRead(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });
