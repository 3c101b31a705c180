// The shopper's address, for the storefront's abuse limits. X-Forwarded-For is
// written by every hop in front of the app and by the client itself, so only
// the entries that trusted proxies appended mean anything: with
// TRUSTED_PROXY_HOPS = n, the client is the n-th entry from the right (the
// address the outermost trusted proxy saw). With 0 (the default) no header is
// believed and the socket's address is the client. Count every proxy in front
// of the app, Shopify's app proxy included (it appends the shopper's address).

/**
 * `forwardedFor`: the X-Forwarded-For header (all of its lines joined with ",");
 * `socketAddress`: the TCP peer. A header with fewer entries than trusted hops
 * did not come through all of them: the socket's address stands.
 */
export function clientAddressOf(
  forwardedFor: string | null,
  socketAddress: string | null | undefined,
  trustedHops: number,
): string {
  const socket = socketAddress || "unknown";
  if (trustedHops <= 0) return socket;
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (hops.length < trustedHops) return socket;
  return hops[hops.length - trustedHops]!.slice(0, 64);
}
