// The app proxy as Shopify runs it: /<prefix>/<subpath>/<path> on the
// storefront is forwarded to <proxy url>/<path>, with the original query plus
// shop, logged_in_customer_id, path_prefix, timestamp and signature. Cookies
// are not forwarded and Set-Cookie is not passed back, so storefront code
// cannot depend on them.
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeHtml, readRequestBody } from "../http.ts";

export type ProxyParams = URLSearchParams | Record<string, string | string[]>;

/**
 * Shopify's app proxy signature: every parameter but `signature` as
 * `key=value` (repeated keys' values joined with ","), sorted, concatenated
 * with no separator, HMAC-SHA256 with the app secret, hex.
 */
export function signProxyQuery(params: ProxyParams, secret: string): string {
  const grouped = new Map<string, string[]>();
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  for (const [key, value] of entries) {
    if (key === "signature") continue;
    grouped.set(key, [...(grouped.get(key) ?? []), ...(Array.isArray(value) ? value : [value])]);
  }
  const message = [...grouped]
    .map(([key, values]) => `${key}=${values.join(",")}`)
    .sort()
    .join("");
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}

export interface AppProxyTarget {
  /** The [app_proxy] url, e.g. http://localhost:3000/proxy. */
  url: string;
  /** "/apps/kizuna" */
  pathPrefix: string;
  shop: string;
  secret: string;
  /** Shopify sends the logged-in customer's id, blank when none. */
  loggedInCustomerId?: string;
  now?: () => Date;
}

const SHOPIFY_PARAMS = ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"];
// Request headers a browser sends that the app may need; cookies and auth are not among them.
const FORWARDED_REQUEST_HEADERS = ["accept", "accept-language", "content-type", "user-agent"];
const PASSED_RESPONSE_HEADERS = [
  "content-type",
  "cache-control",
  "location",
  "content-language",
  "retry-after",
  "content-security-policy",
  "referrer-policy",
  "x-content-type-options",
];
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** The app URL a storefront request maps to, with Shopify's signed parameters. */
export function proxiedUrl(storefrontUrl: URL, target: AppProxyTarget): URL {
  const rest = storefrontUrl.pathname.slice(target.pathPrefix.length);
  const url = new URL(target.url.replace(/\/+$/, "") + rest);
  const query = new URLSearchParams(storefrontUrl.search);
  // A shopper cannot supply these: Shopify sets them.
  for (const name of SHOPIFY_PARAMS) query.delete(name);
  query.append("shop", target.shop);
  query.append("logged_in_customer_id", target.loggedInCustomerId ?? "");
  query.append("path_prefix", target.pathPrefix);
  query.append("timestamp", String(Math.floor((target.now?.() ?? new Date()).getTime() / 1000)));
  query.append("signature", signProxyQuery(query, target.secret));
  url.search = query.toString();
  return url;
}

export interface ProxyAnswer {
  status: number;
  /** Only the response headers Shopify passes back (no Set-Cookie). */
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends a storefront request through the proxy and returns the app's answer (or Shopify-like 413/502). */
export async function fetchThroughProxy(
  request: IncomingMessage,
  storefrontUrl: URL,
  target: AppProxyTarget,
): Promise<ProxyAnswer> {
  const method = request.method ?? "GET";
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    try {
      body = new Uint8Array(await readRequestBody(request, MAX_BODY_BYTES));
    } catch {
      return errorAnswer(413, "Request too large", "App proxy requests are limited to 2 MB.");
    }
  }
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers[name];
    if (typeof value === "string") headers.set(name, value);
  }
  if (request.socket.remoteAddress) headers.set("x-forwarded-for", request.socket.remoteAddress);

  let answer: Response;
  try {
    answer = await fetch(proxiedUrl(storefrontUrl, target), {
      method,
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return errorAnswer(502, "The app did not answer", `${target.url}: ${reason}`);
  }
  const passed: Record<string, string> = {};
  for (const name of PASSED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value) passed[name] = value;
  }
  return { status: answer.status, headers: passed, body: Buffer.from(await answer.arrayBuffer()) };
}

export function sendProxyAnswer(response: ServerResponse, answer: ProxyAnswer, method = "GET"): void {
  response.writeHead(answer.status, { ...answer.headers, "Content-Length": answer.body.length });
  response.end(method === "HEAD" ? undefined : answer.body);
}

function errorAnswer(status: number, title: string, detail: string): ProxyAnswer {
  const html = `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>`;
  return { status, headers: { "content-type": "text/html; charset=utf-8" }, body: Buffer.from(html) };
}
