// Sandbox mode: the app runs against the local stand-ins in sandbox/ instead of
// Shopify (SHOPIFY_SANDBOX=1; env.server.ts allows it only with a local app
// URL). The library's own auth path runs unchanged — session token checks,
// token exchange, Admin API calls — only where its HTTP calls go, which App
// Bridge script loads and who may frame the app differ.
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { env, type Env } from "../env.server.ts";

/** What @shopify/shopify-app-remix loads in production (its AppProvider and bounce page). */
export const SHOPIFY_APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/** The library's bounce page, where App Bridge fetches a fresh session token (authPathPrefix + /session-token). */
export const BOUNCE_PATH = "/auth/session-token";

export interface Sandbox {
  /** Where the sandbox listens, e.g. http://127.0.0.1:4000 */
  origin: string;
  /** The App Bridge stand-in the app loads instead of Shopify's CDN script. */
  appBridgeUrl: string;
}

/** The sandbox this process runs against, or null in production (the default). */
export function sandboxOf(config: Pick<Env, "SHOPIFY_SANDBOX" | "SHOPIFY_SANDBOX_ORIGIN"> = env()): Sandbox | null {
  if (config.SHOPIFY_SANDBOX !== "1" || !config.SHOPIFY_SANDBOX_ORIGIN) return null;
  const origin = new URL(config.SHOPIFY_SANDBOX_ORIGIN).origin;
  return { origin, appBridgeUrl: `${origin}/admin/app-bridge.js` };
}

/** The App Bridge script URL for the app's pages. */
export function appBridgeUrl(sandbox: Sandbox | null = sandboxOf()): string {
  return sandbox?.appBridgeUrl ?? SHOPIFY_APP_BRIDGE_URL;
}

function isShopHost(hostname: string): boolean {
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(hostname);
}

/**
 * A fetch that sends requests for `https://<shop>/…` (token exchange, Admin
 * API) to the sandbox at the same path, naming the shop in `X-Sandbox-Shop`.
 * Every other URL goes to `next` untouched.
 */
export function sandboxFetch(origin: string, next: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!isShopHost(url.hostname)) return next(input, init);
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set("X-Sandbox-Shop", url.hostname.toLowerCase());
    return next(new Request(new URL(`${url.pathname}${url.search}`, origin), { ...requestInit(request), headers }));
  };
}

function requestInit(request: Request): RequestInit {
  // Node's fetch needs `duplex` to send a streamed body.
  const init: RequestInit & { duplex?: "half" } = { method: request.method, signal: request.signal };
  if (request.body) Object.assign(init, { body: request.body, duplex: "half" });
  return init;
}

let routedTo: string | undefined;

/** Points the shopify-api library's HTTP calls at the sandbox (once per process). */
export function routeShopifyApiToSandbox(sandbox: Sandbox): void {
  if (routedTo === sandbox.origin) return;
  if (routedTo) throw new Error(`Shopify API calls already go to the sandbox at ${routedTo}`);
  setAbstractFetchFunc(sandboxFetch(sandbox.origin, abstractFetch));
  routedTo = sandbox.origin;
}

/**
 * The library lets only Shopify's admin frame the app (CSP frame-ancestors)
 * and preloads App Bridge from the CDN; in sandbox mode the admin stand-in
 * frames it and the stand-in script is preloaded.
 */
export function allowSandboxAdmin(headers: Headers, sandbox: Sandbox): void {
  const policy = headers.get("Content-Security-Policy");
  if (policy?.includes("frame-ancestors")) {
    headers.set("Content-Security-Policy", policy.replace("frame-ancestors", `frame-ancestors ${sandbox.origin}`));
  }
  if (headers.has("Link")) headers.set("Link", `<${sandbox.appBridgeUrl}>; rel="preload"; as="script";`);
}

/**
 * The bounce page, as the library renders it, with the stand-in script: the
 * library's page always loads App Bridge from Shopify's CDN, unreachable here.
 * Returns null for every other path.
 */
export function sandboxBouncePage(request: Request, apiKey: string, sandbox: Sandbox): Response | null {
  if (new URL(request.url).pathname !== BOUNCE_PATH) return null;
  const headers = new Headers({
    "Content-Type": "text/html;charset=utf-8",
    "Content-Security-Policy": `frame-ancestors ${sandbox.origin};`,
  });
  const attribute = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = `<script data-api-key="${attribute(apiKey)}" src="${attribute(sandbox.appBridgeUrl)}"></script>\n`;
  return new Response(html, { headers });
}
