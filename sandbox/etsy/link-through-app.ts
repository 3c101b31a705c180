// For the demo and the browser tests: what the app needs to talk to the Etsy
// stand-in, and linking the demo shop's Etsy shop through the app itself (the
// card's "Connect", the seller's "Allow" on the consent page, Etsy's redirect
// to the app's callback), with no browser.
import { createHash } from "node:crypto";
import { issueSessionToken } from "../admin/index.ts";
import type { SandboxConfig } from "../http.ts";
import { ETSY_SANDBOX_API_KEY, ETSY_SANDBOX_SHARED_SECRET } from "./index.ts";
import { DEMO_ETSY_SELLER } from "./seed.ts";

// Shopify's library turns away requests that look like bots.
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** The app's ETSY_* settings for the stand-in at `origin` (the token key is a fixed sandbox-only one). */
export function sandboxEtsyEnv(origin: string): Record<string, string> {
  return {
    ETSY_API_KEY: ETSY_SANDBOX_API_KEY,
    ETSY_SHARED_SECRET: ETSY_SANDBOX_SHARED_SECRET,
    ETSY_API_URL: `${origin.replace(/\/$/, "")}/v3/application`,
    ETSY_TOKEN_KEY: createHash("sha256").update("kizuna-sandbox-etsy-token-key").digest("base64"),
  };
}

/** Links `config.shop` to the stand-in's seller `userId` through the app; resolves with the callback page's status. */
export async function linkEtsyShopThroughApp(
  config: SandboxConfig,
  userId: number = DEMO_ETSY_SELLER.userId,
): Promise<{ status: number }> {
  const token = issueSessionToken(config, { shop: config.shop });
  const connect = await fetch(`${config.appUrl.replace(/\/$/, "")}/app/etsy`, {
    method: "POST",
    headers: {
      "User-Agent": BROWSER_UA,
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "intent=connect",
  });
  const answer = (await connect.json()) as { ok?: boolean; authorizeUrl?: string };
  if (!connect.ok || !answer.authorizeUrl) throw new Error(`the app did not start the Etsy link (${connect.status})`);
  const params = Object.fromEntries(new URL(answer.authorizeUrl).searchParams);
  const consent = await fetch(`${config.origin}/oauth/connect`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...params, decision: "allow", user_id: String(userId) }).toString(),
    redirect: "manual",
  });
  const back = consent.headers.get("location");
  if (consent.status !== 302 || !back)
    throw new Error(`the Etsy stand-in did not answer the consent (${consent.status})`);
  const callback = await fetch(back, { headers: { "User-Agent": BROWSER_UA } });
  return { status: callback.status };
}
