// The standalone inbox's frame (Etsy-only sellers, outside the Shopify admin):
// Polaris and Kizuna's messages in the page's language, no App Bridge. The
// inbox page components inside read STANDALONE_INBOX and leave out what needs Shopify.
import { useMemo, type ReactNode } from "react";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import polarisEnglish from "@shopify/polaris/locales/en.json";
import polarisJapanese from "@shopify/polaris/locales/ja.json";
import { I18nextProvider } from "react-i18next";
import { InboxFrameProvider, STANDALONE_INBOX } from "../components/InboxFrame.tsx";
import { RemixPolarisLink } from "../components/KizunaAppProvider.tsx";
import { createI18n, type Locale } from "../i18n/locales.ts";

export function StandaloneFrame({ locale, children }: { locale: Locale; children: ReactNode }) {
  const i18n = useMemo(() => createI18n(locale), [locale]);
  return (
    <I18nextProvider i18n={i18n}>
      <PolarisAppProvider i18n={locale === "ja" ? polarisJapanese : polarisEnglish} linkComponent={RemixPolarisLink}>
        <InboxFrameProvider value={STANDALONE_INBOX}>{children}</InboxFrameProvider>
      </PolarisAppProvider>
    </I18nextProvider>
  );
}
