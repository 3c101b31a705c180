// Storefront requests reach the app only through Shopify's app proxy, which
// signs the query. The shop comes from that signed query, never from the body.
import { authenticate } from "../shopify.server.ts";

/**
 * The shop of a request that came through the app proxy. Throws a 401
 * Response for a missing, wrong or stale signature (the library answers 400;
 * our contract for a bad signature is 401).
 */
export async function requireProxyShop(request: Request): Promise<string> {
  const query = new URL(request.url).searchParams;
  // The library skips its clock check when timestamp is absent: insist on one.
  if (!/^\d+$/.test(query.get("timestamp") ?? "")) throw unauthorized();
  try {
    await authenticate.public.appProxy(request);
  } catch (error) {
    if (error instanceof Response && error.status === 400) throw unauthorized();
    throw error;
  }
  const shop = query.get("shop");
  if (!shop) throw unauthorized();
  return shop;
}

function unauthorized(): Response {
  return Response.json({ error: "invalid app proxy signature" }, { status: 401 });
}
