import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server.ts";
import { env } from "../env.server.ts";
import { appBridgeUrl } from "../sandbox/sandbox.server.ts";
import { KizunaAppProvider } from "../components/KizunaAppProvider.tsx";
import { requestLocale } from "../i18n/i18n.server.ts";
import { withLocale } from "../i18n/locales.ts";
import { useTranslation } from "react-i18next";
import { db } from "../db.server.ts";
import { unreadConversations } from "../inbox/inbox-pages.server.ts";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  // Shopify's CDN script in production, the sandbox's stand-in in sandbox mode.
  // The language: the admin's `locale` parameter (kept in the app's links), else the shop's, else English.
  return {
    apiKey: env().SHOPIFY_API_KEY,
    appBridgeUrl: appBridgeUrl(),
    locale: await requestLocale(request, session.shop),
    // The navigation's count: conversations with messages nobody opened yet.
    inboxUnread: await unreadConversations(db(), session.shop),
  };
}

function AppNav({ inboxUnread }: { inboxUnread: number }) {
  const { t, i18n } = useTranslation();
  const to = (path: string) => withLocale(path, i18n.language === "ja" ? "ja" : "en");
  return (
    <NavMenu>
      <Link to={to("/app")} rel="home">
        {t("nav.home")}
      </Link>
      <Link to={to("/app/inbox")}>{inboxUnread > 0 ? `${t("nav.inbox")} (${inboxUnread})` : t("nav.inbox")}</Link>
      <Link to={to("/app/orders")}>{t("nav.orders")}</Link>
      <Link to={to("/app/returns")}>{t("nav.returns")}</Link>
      <Link to={to("/app/delays")}>{t("nav.delays")}</Link>
      <Link to={to("/app/restock")}>{t("nav.restock")}</Link>
      <Link to={to("/app/notices")}>{t("nav.notices")}</Link>
      <Link to={to("/app/analytics")}>{t("nav.analytics")}</Link>
      <Link to={to("/app/settings")}>{t("nav.settings")}</Link>
      <Link to={to("/app/activity")}>{t("nav.activity")}</Link>
    </NavMenu>
  );
}

export default function AppLayout() {
  const { apiKey, appBridgeUrl, locale, inboxUnread } = useLoaderData<typeof loader>();
  return (
    <KizunaAppProvider apiKey={apiKey} appBridgeUrl={appBridgeUrl} locale={locale}>
      <AppNav inboxUnread={inboxUnread} />
      <Outlet />
    </KizunaAppProvider>
  );
}

// Shopify needs its own error and header handling for embedded auth redirects.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
