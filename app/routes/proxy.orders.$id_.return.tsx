// GET|POST /proxy/orders/<id>/return?t=<token> — the return request of the
// customer's order page (it asks Shopify, so it is a page of its own). See
// app/storefront/order-page-return.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { orderPageDeps, requestInfo } from "../storefront/order-page-deps.server.ts";
import { handleReturnForm, handleReturnPost } from "../storefront/order-page-return.server.ts";

export const loader = ({ request, params, context }: LoaderFunctionArgs) =>
  handleReturnForm(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });

export const action = ({ request, params, context }: ActionFunctionArgs) =>
  handleReturnPost(request, orderPageDeps(), { ...requestInfo(context), orderId: params.id ?? "" });
