// GET /proxy/orders/<id>?t=<token> (storefront: /apps/kizuna/orders/<id>) — the
// customer's order page, opened by the signed link of a notice. See
// app/storefront/order-page.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleOrderPage } from "../storefront/order-page.server.ts";
import { orderPageDeps, requestInfo } from "../storefront/order-page-deps.server.ts";

export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleOrderPage(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });

export const action = (_args: ActionFunctionArgs) =>
  new Response("Method Not Allowed", { status: 405, headers: { Allow: "GET" } });
