// GET /etsy/callback?code&state — public: Etsy sends the seller back here after
// the consent page (a tab of its own, outside the Shopify admin). The state
// names the shop; a wrong, expired or replayed state is 400 with nothing
// stored. The page says what happened in the browser's language.
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "../db.server.ts";
import { etsyCallback } from "../etsy/link-actions.server.ts";
import { createI18n, matchLocale } from "../i18n/locales.ts";
import { afterStandaloneLink, maskedAddress } from "../standalone/pages.server.ts";

export const meta: MetaFunction = () => [{ title: "Etsy — Kizuna" }, { name: "robots", content: "noindex" }];

const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
const REASONS = new Set([
  "state_unknown",
  "state_expired",
  "denied",
  "taken",
  "etsy_failed",
  "no_shop",
  "not_configured",
]);
// Refusals only an Etsy-only sign-up meets (their wording is the standalone inbox's).
const SIGNUP_REASONS = new Set(["no_email"]);

export async function loader({ request }: LoaderFunctionArgs) {
  const locale = matchLocale(request.headers.get("Accept-Language")?.split(",")[0]) ?? "en";
  const t = createI18n(locale).t;
  const database = db();
  // The first poll at once; an Etsy-only account (no Shopify store) also gets its first sign-in link.
  const outcome = await etsyCallback(database, new URL(request.url), undefined, (shop, linked) =>
    afterStandaloneLink(database, shop, linked, locale),
  );
  if (!outcome.ok && SIGNUP_REASONS.has(outcome.reason))
    return data(
      {
        lang: locale,
        title: t("etsy.callback.failedTitle"),
        text: t(`standalone.signup.reasons.${outcome.reason}`),
        next: t("standalone.signup.again"),
      },
      { status: outcome.status, headers: PRIVATE },
    );
  if (outcome.ok && outcome.standalone)
    return data(
      {
        lang: locale,
        title: t("standalone.signup.readyTitle"),
        text: t("standalone.signup.ready", { name: outcome.etsyShopName, email: maskedAddress(outcome.email ?? "") }),
        next: t("standalone.signup.readyNext"),
      },
      { status: 200, headers: PRIVATE },
    );
  const reason = outcome.ok ? null : REASONS.has(outcome.reason) ? outcome.reason : "etsy_failed";
  return data(
    {
      lang: locale,
      title: outcome.ok ? t("etsy.callback.linkedTitle") : t("etsy.callback.failedTitle"),
      text: outcome.ok
        ? t("etsy.callback.linked", { name: outcome.etsyShopName })
        : t(`etsy.callback.reasons.${reason}`),
      next: t("etsy.callback.next"),
    },
    { status: outcome.status, headers: PRIVATE },
  );
}

export default function EtsyCallback() {
  const page = useLoaderData<typeof loader>();
  return (
    <main
      lang={page.lang}
      style={{ fontFamily: "system-ui, sans-serif", maxWidth: "36rem", margin: "3rem auto", padding: "0 1rem" }}
    >
      <h1>{page.title}</h1>
      <p>{page.text}</p>
      <p>{page.next}</p>
    </main>
  );
}
