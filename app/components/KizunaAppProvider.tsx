// What @shopify/shopify-app-remix's AppProvider does — the App Bridge script
// with the app's API key, Polaris with its texts in the admin's language and
// Remix links — plus Kizuna's own messages (i18next), and with
// the script URL from the loader: Shopify's CDN in production, the sandbox's
// App Bridge stand-in in sandbox mode (the library's component cannot be told).
import { forwardRef, useEffect, useMemo, type ComponentProps, type ReactNode } from "react";
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, type AppProviderProps } from "@shopify/polaris";
import polarisEnglish from "@shopify/polaris/locales/en.json";
import polarisJapanese from "@shopify/polaris/locales/ja.json";
import { I18nextProvider, useTranslation } from "react-i18next";
import { createI18n, matchLocale, withLocale, type Locale } from "../i18n/locales.ts";

const POLARIS_TRANSLATIONS: Record<Locale, AppProviderProps["i18n"]> = { en: polarisEnglish, ja: polarisJapanese };

type PolarisLinkProps = ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

/** Polaris renders its links (Button url, Link…) through this: client-side navigation inside the app. */
export const RemixPolarisLink = forwardRef<HTMLAnchorElement, PolarisLinkProps>(function RemixPolarisLink(
  { url, external, children, ...rest },
  ref,
) {
  const { i18n } = useTranslation();
  const target = external ? { target: "_blank", rel: "noopener noreferrer" } : {};
  // Links inside the app keep the admin's language, as the nav links do.
  const to = external ? url : withLocale(url, matchLocale(i18n.language) ?? "en");
  return (
    <Link {...rest} {...target} to={to} ref={ref}>
      {children}
    </Link>
  );
});

interface KizunaAppProviderProps {
  apiKey: string;
  appBridgeUrl: string;
  /** The admin's language, chosen by the app layout's loader. */
  locale: Locale;
  children: ReactNode;
}

export function KizunaAppProvider({ apiKey, appBridgeUrl, locale, children }: KizunaAppProviderProps) {
  const navigate = useNavigate();
  const i18n = useMemo(() => createI18n(locale), [locale]);
  // App Bridge announces navigation (the admin's nav menu) as a `shopify:navigate` event on a link.
  useEffect(() => {
    const onNavigate = (event: Event) => {
      const href = event.target instanceof Element ? event.target.getAttribute("href") : null;
      if (href) navigate(href);
    };
    addEventListener("shopify:navigate", onNavigate);
    return () => removeEventListener("shopify:navigate", onNavigate);
  }, [navigate]);
  return (
    <>
      <script src={appBridgeUrl} data-api-key={apiKey} />
      <I18nextProvider i18n={i18n}>
        <PolarisAppProvider i18n={POLARIS_TRANSLATIONS[locale]} linkComponent={RemixPolarisLink}>
          {children}
        </PolarisAppProvider>
      </I18nextProvider>
    </>
  );
}
