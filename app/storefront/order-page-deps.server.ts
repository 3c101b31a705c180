// The web process's dependencies of the customer order pages: the one Prisma
// client, the shop's Admin API from its offline session, the look-up limits
// and the submit locks in Redis (shared by every web process).
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { adminApiForShop } from "../shopify/admin-for-shop.server.ts";
import { defaultLookupLimiters, defaultSubmitLocks } from "./order-lookup.server.ts";
import type { OrderPageDeps, RequestInfo } from "./order-page-context.server.ts";

let deps: OrderPageDeps | undefined;

export function orderPageDeps(): OrderPageDeps {
  deps ??= {
    db: db(),
    adminApi: adminApiForShop,
    limiters: defaultLookupLimiters(),
    locks: defaultSubmitLocks(),
    trustedProxyHops: env().TRUSTED_PROXY_HOPS,
    secret: env().SHOPIFY_API_SECRET,
  };
  return deps;
}

/** server/index.ts puts the socket's address in the load context. */
export function requestInfo(context: Record<string, unknown>): RequestInfo {
  return { socketAddress: typeof context.socketAddress === "string" ? context.socketAddress : null };
}
