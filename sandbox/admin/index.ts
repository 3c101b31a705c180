// The admin host stand-in: frames the app the way Shopify's admin does
// (`/app…?embedded=1&shop&host&id_token&locale` in an iframe), issues session
// tokens, and serves the App Bridge stand-in the app loads in sandbox mode.
//
//   GET /admin                                   → the demo shop's app page (?shop=, ?path=/app/… optional)
//   GET /admin/store/<name>/apps/<app>[/<path>]  → admin page framing `${appUrl}/app/<path>`
//                                                  (?locale=ja: the admin in that language; else the staff member's)
//   GET /admin/session-token?shop=<shop>         → {"token": "<fresh session token>"} (same-origin use only)
//   GET /admin/app-bridge.js, /admin/admin.js    → the stand-in scripts (client/)
//
// Everything else under /admin (Admin API, token exchange) is left to the other parts.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendHtml, sendJson, type SandboxConfig, type SandboxHandler } from "../http.ts";
import { renderAdminPage, renderNotFound, type AdminLink } from "./page.ts";
import { issueSessionToken, isShopDomain } from "./session-token.ts";

export { issueSessionToken, sessionTokenClaims, signJwt, verifySessionToken } from "./session-token.ts";
export type { SessionTokenClaims, SessionTokenOptions } from "./session-token.ts";
export type { AdminLink } from "./page.ts";

export interface AdminHostOptions {
  /** Shown in the admin's nav (default "Kizuna"). */
  appName?: string;
  /** The app's handle in admin URLs, /apps/<handle> (default "kizuna"). */
  appHandle?: string;
  /** The store's name in the top bar for `config.shop` (default its handle). */
  storeTitle?: string;
  /** Sandbox tools listed in the nav (mail sink, storefront…). */
  links?: AdminLink[];
  /** `sub` of the session tokens: the staff member who is logged in (default "1"). */
  staffUserId?: string;
  /** The logged-in staff member's admin language, passed to the app as `locale` (default "en"). */
  staffLocale?: string;
}

// Query parameters the admin adds to the app's URL; never copied from the admin URL.
const EMBED_PARAMS = ["embedded", "shop", "host", "id_token", "locale", "hmac", "session", "timestamp"];
const STORE_PATH = /^\/admin\/store\/([a-z0-9][a-z0-9-]*)(?:\/apps\/([a-z0-9][a-z0-9-]*)(\/[^?]*)?)?\/?$/;
const CLIENT_DIR = new URL("./client/", import.meta.url);

/** `host` as Shopify passes it: base64 of the admin URL's host and path, without padding. */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${storeName(shop)}`)
    .toString("base64")
    .replace(/=+$/, "");
}

function storeName(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/** The admin URL of the app (at `path`, e.g. "/returns") for `shop` (default the demo shop). */
export function adminUrl(config: SandboxConfig, options: AdminHostOptions = {}, path = "", shop = config.shop): string {
  return `${config.origin}/admin/store/${storeName(shop)}/apps/${options.appHandle ?? "kizuna"}${path}`;
}

// The admin languages a staff member can pick, as Shopify passes them (`ja`, `en`, `ja-JP`…).
const LOCALE_PARAM = /^[a-z]{2}(?:-[A-Z]{2})?$/;

/**
 * The app URL the admin frames: `${appUrl}/app<rest>` with Shopify's embed parameters, a fresh
 * token and the staff member's `locale` (default "en").
 */
export function appFrameUrl(
  config: SandboxConfig,
  shop: string,
  rest: string,
  token: string,
  search = "",
  locale = "en",
): string {
  const url = new URL(`/app${rest}`, config.appUrl);
  const extra = new URLSearchParams(search);
  for (const name of EMBED_PARAMS) extra.delete(name);
  url.search = extra.toString();
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", hostParam(shop));
  url.searchParams.set("id_token", token);
  url.searchParams.set("locale", LOCALE_PARAM.test(locale) ? locale : "en");
  return url.toString();
}

function redirect(response: ServerResponse, location: string): true {
  response.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  response.end();
  return true;
}

function sendScript(response: ServerResponse, source: Buffer): true {
  response.writeHead(200, {
    "Content-Type": "text/javascript; charset=utf-8",
    "Content-Length": source.length,
    "Cache-Control": "no-cache",
  });
  response.end(source);
  return true;
}

export function createAdminHostHandler(config: SandboxConfig, options: AdminHostOptions = {}): SandboxHandler {
  const appName = options.appName ?? "Kizuna";
  const appHandle = options.appHandle ?? "kizuna";
  const scripts = new Map([
    ["/admin/app-bridge.js", readFileSync(new URL("app-bridge.js", CLIENT_DIR))],
    ["/admin/admin.js", readFileSync(new URL("admin.js", CLIENT_DIR))],
  ]);
  // One admin login for the sandbox's lifetime: every token carries the same sid.
  const sid = randomBytes(16).toString("hex");
  const origin = new URL(config.origin);
  const token = (shop: string) => issueSessionToken(config, { shop, sid, sub: options.staffUserId ?? "1" });

  function sessionToken(response: ServerResponse, url: URL): true {
    const shop = url.searchParams.get("shop") ?? "";
    if (!isShopDomain(shop)) {
      sendJson(response, 400, { error: "shop must be a myshopify.com domain" });
      return true;
    }
    sendJson(response, 200, { token: token(shop) }, { "Cache-Control": "no-store" });
    return true;
  }

  // `/admin?shop=…&path=/app/…`: where App Bridge sends an app opened outside the admin.
  function openApp(response: ServerResponse, url: URL): true {
    const shop = url.searchParams.get("shop") ?? config.shop;
    const path = new URL(url.searchParams.get("path") ?? "/app", "http://app.invalid");
    const rest = /^\/app(\/|$)/.test(path.pathname) ? path.pathname.slice("/app".length) : "";
    const base = adminUrl(config, options, rest, isShopDomain(shop) ? shop : config.shop);
    return redirect(response, `${base}${path.search}`);
  }

  function appPage(response: ServerResponse, url: URL, match: RegExpExecArray): true {
    const [, name, handle, rest = ""] = match;
    const shop = `${name}.myshopify.com`;
    if (!handle) return redirect(response, adminUrl(config, options, "", shop));
    if (handle !== appHandle) {
      sendHtml(response, 404, renderNotFound(`No app "${handle}" is installed on this store.`));
      return true;
    }
    const page = renderAdminPage({
      shop,
      storeTitle: shop === config.shop ? (options.storeTitle ?? name!) : name!,
      appName,
      appBase: adminUrl(config, options, "", shop).slice(config.origin.length),
      appOrigin: new URL(config.appUrl).origin,
      frameSrc: appFrameUrl(
        config,
        shop,
        rest.replace(/\/$/, ""),
        token(shop),
        url.search,
        url.searchParams.get("locale") ?? options.staffLocale ?? "en",
      ),
      links: options.links ?? [],
    });
    sendHtml(response, 200, page, { "Cache-Control": "no-store" });
    return true;
  }

  return (request: IncomingMessage, response: ServerResponse, url: URL) => {
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    const script = scripts.get(url.pathname);
    if (script) return sendScript(response, script);
    if (url.pathname === "/admin/session-token") return sessionToken(response, url);
    const match = STORE_PATH.exec(url.pathname);
    if (!match && url.pathname !== "/admin" && url.pathname !== "/admin/") return false;
    // The app only lets the configured origin frame it, and messages are checked by origin.
    if (request.headers.host !== origin.host) return redirect(response, `${config.origin}${url.pathname}${url.search}`);
    return match ? appPage(response, url, match) : openApp(response, url);
  };
}
