// /inbox/* — the standalone inbox of an Etsy-only seller (no Shopify store, so
// no App Bridge and no Shopify session): a plain Polaris frame with the
// account's name and sign-out. Sign-in and the pages: app/standalone/.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Outlet, useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { Button, InlineStack, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { db } from "../db.server.ts";
import { frameAccount, standaloneLocale } from "../standalone/pages.server.ts";
import { readSession } from "../standalone/session.server.ts";
import { StandaloneFrame } from "../standalone/StandaloneFrame.tsx";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Kizuna inbox" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = readSession(request);
  return { locale: standaloneLocale(request), account: await frameAccount(db(), session?.shop ?? null) };
}

function TopBar({ shopName }: { shopName: string }) {
  const { t, i18n } = useTranslation();
  // The sign-in page after signing out speaks the same language.
  const logout = i18n.language === "ja" ? "/inbox/logout?locale=ja" : "/inbox/logout";
  return (
    <div
      style={{
        background: "var(--p-color-bg-surface)",
        borderBottom: "1px solid var(--p-color-border)",
        padding: "8px 16px",
      }}
    >
      <InlineStack align="space-between" blockAlign="center">
        <Text as="p" fontWeight="semibold">
          {t("standalone.frame.title", { name: shopName })}
        </Text>
        <Form method="post" action={logout}>
          <Button submit variant="plain">
            {t("standalone.frame.signOut")}
          </Button>
        </Form>
      </InlineStack>
    </div>
  );
}

export default function StandaloneInboxLayout() {
  const { locale, account } = useLoaderData<typeof loader>();
  return (
    <StandaloneFrame locale={locale}>
      {account ? <TopBar shopName={account.shopName} /> : null}
      <Outlet />
    </StandaloneFrame>
  );
}
