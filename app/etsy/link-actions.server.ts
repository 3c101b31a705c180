// What the Settings card and the OAuth callback do, for their thin routes
// (app/routes/app.etsy.tsx, app/routes/etsy.callback.tsx): connect (a consent
// URL for this attempt), disconnect (tokens forgotten, orders kept), and the
// callback's outcome with the status the page answers.
import type { Db } from "../db.server.ts";
import { pollEtsyShopJob, syncQueue } from "../jobs/queues.server.ts";
import {
  disconnectEtsy,
  EtsyLinkError,
  etsyDepsFromEnv,
  finishEtsyLink,
  startEtsyLink,
  type EtsyDeps,
} from "./oauth.server.ts";
import type { EtsyActionResult, EtsyLinkIntent } from "./types.ts";

export type { EtsyActionResult, EtsyLinkIntent } from "./types.ts";

export function isEtsyLinkIntent(value: unknown): value is EtsyLinkIntent {
  return value === "connect" || value === "disconnect";
}

/** The seller's action on the card, for the verified `shop`. */
export async function etsyLinkAction(
  db: Db,
  shop: string,
  intent: unknown,
  deps: EtsyDeps | null = etsyDepsFromEnv(),
): Promise<EtsyActionResult> {
  if (!isEtsyLinkIntent(intent)) return { ok: false, intent: "unknown", reason: "unknown_intent", status: 400 };
  if (intent === "disconnect") return { ok: true, intent, disconnected: await disconnectEtsy(db, shop) };
  if (!deps) return { ok: false, intent, reason: "not_configured", status: 409 };
  const { authorizeUrl } = await startEtsyLink(db, deps, shop);
  return { ok: true, intent, authorizeUrl };
}

export type EtsyCallbackOutcome =
  | { ok: true; status: 200; etsyShopName: string; shop: string; standalone: boolean; email: string | null }
  | { ok: false; status: 400 | 404 | 409 | 502; reason: string };

/** The linked shop's first receipts poll at once (the schedule would be up to 5 minutes away). */
export async function queueFirstPoll(shop: string): Promise<void> {
  const job = pollEtsyShopJob(shop);
  // Redis away: the scheduled poll brings the orders a little later.
  await syncQueue()
    .then((queue) => queue.add(job.name, job.data, job.opts))
    .catch(() => undefined);
}

/** Etsy's redirect back (GET /etsy/callback?code&state or ?error&state). */
export async function etsyCallback(
  db: Db,
  url: URL,
  deps: EtsyDeps | null = etsyDepsFromEnv(),
  afterLink: (shop: string, linked: { standalone: boolean; email: string | null }) => Promise<void> = async () =>
    undefined,
): Promise<EtsyCallbackOutcome> {
  if (!deps) return { ok: false, status: 404, reason: "not_configured" };
  const params = url.searchParams;
  try {
    const linked = await finishEtsyLink(db, deps, {
      state: params.get("state"),
      code: params.get("code"),
      error: params.get("error"),
    });
    await afterLink(linked.shop, linked);
    return {
      ok: true,
      status: 200,
      etsyShopName: linked.etsyShopName,
      shop: linked.shop,
      standalone: linked.standalone,
      email: linked.email,
    };
  } catch (error) {
    if (error instanceof EtsyLinkError) return { ok: false, status: error.status, reason: error.reason };
    throw error;
  }
}
