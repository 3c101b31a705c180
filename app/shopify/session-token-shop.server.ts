// The library takes the shop from a session token's `dest` claim with
// `new URL(dest)` after checking the signature, so a token whose dest is not a
// URL (signed or not) throws there and answers 500. Checked here first: a
// token that does not name a shop is refused as unauthenticated.

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The session token the library would read: the Authorization header's bearer token, else `id_token`. */
function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("Authorization");
  const bearer = header?.match(/^Bearer (.+)$/)?.[1];
  return bearer ?? new URL(request.url).searchParams.get("id_token");
}

/** The token's claims, unverified (the library verifies), or null when it is not a JWT with JSON claims. */
function claimsOf(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whether `dest` is a shop's URL as Shopify writes it: https://<name>.myshopify.com. */
export function isShopDest(dest: unknown): boolean {
  if (typeof dest !== "string" || !URL.canParse(dest)) return false;
  const url = new URL(dest);
  return url.protocol === "https:" && SHOP_HOST.test(url.hostname);
}

/** 401 for a request whose session token's claims name no shop; null otherwise (the library decides). */
export function refuseTokenWithoutShop(request: Request): Response | null {
  const token = sessionTokenOf(request);
  const claims = token ? claimsOf(token) : null;
  if (!claims || isShopDest(claims.dest)) return null;
  return new Response("The session token does not name a shop.", {
    status: 401,
    headers: { "Content-Type": "text/plain;charset=utf-8" },
  });
}
