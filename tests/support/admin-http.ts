// Requests to the embedded admin the way the admin stand-in makes them: a page
// load with a sandbox session token in the frame URL, and a form POST to a
// route's data URL with the token as Bearer. Shopify's library turns away bots
// (Node's fetch looks like one): every request carries a browser's User-Agent.
import { appFrameUrl, issueSessionToken } from "../../sandbox/admin/index.ts";
import type { SandboxConfig } from "../../sandbox/http.ts";

export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const token = (config: SandboxConfig) => issueSessionToken(config, { shop: config.shop });

/** GET an admin page (`path` after /app, e.g. "/orders/5001") in `locale`. */
export function adminPage(config: SandboxConfig, path: string, locale = "en"): Promise<Response> {
  return fetch(appFrameUrl(config, config.shop, path, token(config), "", locale), {
    headers: { "User-Agent": BROWSER_UA },
  });
}

/** POST a form to an admin route's data URL (`path` such as "/app/restock.data"). */
export function adminPost(config: SandboxConfig, path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${config.appUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "User-Agent": BROWSER_UA,
      Authorization: `Bearer ${token(config)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields).toString(),
  });
}
