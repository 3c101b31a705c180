// The Settings page's Etsy card: connect an Etsy shop (Etsy's consent page
// opens in its own tab: it cannot be framed inside the Shopify admin), the
// linked shop's name, when its orders were last checked, "Reconnect" when Etsy
// refused to renew access, and disconnect (the mirrored orders stay). Actions
// post to /app/etsy; the page's loader gives the card its view.
import { Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { EtsyActionResult, EtsyLinkView } from "../etsy/types.ts";
import { intlLocale, matchLocale } from "../i18n/locales.ts";

export function EtsyLinkCard({ view }: { view: EtsyLinkView }) {
  const { t, i18n } = useTranslation();
  const fetcher = useFetcher<EtsyActionResult>();
  const revalidator = useRevalidator();
  const busy = fetcher.state !== "idle" ? fetcher.formData?.get("intent") : null;
  const result = fetcher.data;
  const authorizeUrl = result?.ok && result.intent === "connect" ? result.authorizeUrl : null;
  // Back from Etsy's tab: show the link as it is now.
  useEffect(() => {
    if (!authorizeUrl) return;
    const refresh = () => revalidator.revalidate();
    window.addEventListener("focus", refresh);
    return () => window.removeEventListener("focus", refresh);
  }, [authorizeUrl, revalidator]);
  const post = (intent: "connect" | "disconnect") =>
    fetcher.submit({ intent }, { method: "post", action: "/app/etsy" });
  const when = view.lastPolledAt
    ? new Intl.DateTimeFormat(intlLocale(matchLocale(i18n.language) ?? "en"), {
        dateStyle: "medium",
        timeStyle: "short",
      }).format(new Date(view.lastPolledAt))
    : null;
  const connectButton = (label: string) =>
    authorizeUrl ? (
      <BlockStack gap="200">
        <InlineStack>
          <Button variant="primary" url={authorizeUrl} target="_blank" external>
            {t("etsy.card.continue")}
          </Button>
        </InlineStack>
        <Text as="p" tone="subdued">
          {t("etsy.card.continueHelp")}
        </Text>
      </BlockStack>
    ) : (
      <InlineStack>
        <Button variant="primary" onClick={() => post("connect")} loading={busy === "connect"}>
          {label}
        </Button>
      </InlineStack>
    );

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("etsy.card.heading")}
        </Text>
        <Text as="p" tone="subdued">
          {t("etsy.card.intro")}
        </Text>
        {result && !result.ok ? <Banner tone="critical" title={t(`etsy.card.errors.${result.reason}`)} /> : null}
        {result?.ok && result.intent === "disconnect" ? (
          <Banner tone="success" title={t("etsy.card.disconnected")} />
        ) : null}
        {!view.configured ? (
          <Text as="p">{t("etsy.card.notConfigured")}</Text>
        ) : !view.linked ? (
          connectButton(t("etsy.card.connect"))
        ) : (
          <BlockStack gap="300">
            <Text as="p" variant="bodyMd" fontWeight="semibold">
              {t("etsy.card.linked", { name: view.etsyShopName ?? "" })}
            </Text>
            {view.status === "reconnect" ? (
              <Banner tone="warning" title={t("etsy.card.reconnectTitle")}>
                <BlockStack gap="200">
                  <Text as="p">{t("etsy.card.reconnectHelp")}</Text>
                  {view.lastError ? (
                    <Text as="p" tone="subdued">
                      {view.lastError}
                    </Text>
                  ) : null}
                  {connectButton(t("etsy.card.reconnect"))}
                </BlockStack>
              </Banner>
            ) : null}
            <Text as="p" tone="subdued">
              {when ? t("etsy.card.lastPoll", { when }) : t("etsy.card.neverPolled")}
            </Text>
            <Text as="p" tone="subdued">
              {t("etsy.card.orders", { count: view.etsyOrders })}
            </Text>
            {view.status === "connected" && view.lastError ? (
              <Text as="p" tone="critical">
                {t("etsy.card.pollProblem", { message: view.lastError })}
              </Text>
            ) : null}
            <InlineStack gap="200" blockAlign="center">
              <Button
                tone="critical"
                variant="plain"
                onClick={() => post("disconnect")}
                loading={busy === "disconnect"}
              >
                {t("etsy.card.disconnect")}
              </Button>
              <Text as="span" tone="subdued">
                {t("etsy.card.disconnectHelp")}
              </Text>
            </InlineStack>
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}
