// GET|POST /proxy/orders (storefront: /apps/kizuna/orders) — the customer's order
// look-up: order number + email, then the signed order page. See
// app/storefront/order-lookup.server.ts.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleLookupGet, handleLookupPost } from "../storefront/order-lookup.server.ts";
import { orderPageDeps, requestInfo } from "../storefront/order-page-deps.server.ts";

export const loader = ({ request, context }: LoaderFunctionArgs) =>
  handleLookupGet(request, orderPageDeps(), requestInfo(context));

export const action = ({ request, context }: ActionFunctionArgs) =>
  handleLookupPost(request, orderPageDeps(), requestInfo(context));
