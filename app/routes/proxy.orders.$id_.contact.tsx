// POST /proxy/orders/<id>/contact?t=<token> — the customer writes to the shop
// about this order from the order page. See app/storefront/order-page-contact.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { handleContactPost } from "../storefront/order-page-contact.server.ts";
import { orderPageDeps, requestInfo } from "../storefront/order-page-deps.server.ts";

export const loader = () => new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleContactPost(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });
