// GET|POST /proxy/orders/<id>/cancel?t=<token> — the customer cancels an order
// that has not shipped, when the shop allows it. See
// app/storefront/order-page-cancel.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleCancelForm, handleCancelPost } from "../storefront/order-page-cancel.server.ts";
import { orderPageDeps, requestInfo } from "../storefront/order-page-deps.server.ts";

export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleCancelForm(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleCancelPost(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });
