// /etsy — public: "Use Kizuna with your Etsy shop" for a seller with no
// Shopify store. Connect with Etsy starts OAuth + PKCE for a new account
// (app/standalone/pages.server.ts); Etsy's callback creates it and mails the
// first sign-in link.
import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { Banner, BlockStack, Button, Card, Link, List, Page, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { db } from "../db.server.ts";
import { PRIVATE, standaloneLocale, startEtsySignup } from "../standalone/pages.server.ts";
import { StandaloneFrame } from "../standalone/StandaloneFrame.tsx";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];
export const meta: MetaFunction = () => [{ title: "Kizuna for Etsy" }];

export function loader({ request }: LoaderFunctionArgs) {
  return Response.json({ locale: standaloneLocale(request) }, { headers: PRIVATE });
}

export async function action() {
  const answer = await startEtsySignup(db());
  if (!answer.ok) return Response.json(answer, { status: answer.status, headers: PRIVATE });
  return redirect(answer.authorizeUrl, { headers: PRIVATE });
}

function SignupPage() {
  const { t } = useTranslation();
  const refused = useActionData<typeof action>();
  return (
    <Page narrowWidth title={t("standalone.signup.title")}>
      <BlockStack gap="400">
        {refused ? <Banner tone="critical" title={t("standalone.signup.notConfigured")} /> : null}
        <Card>
          <BlockStack gap="300">
            <Text as="p">{t("standalone.signup.intro")}</Text>
            <List>
              <List.Item>{t("standalone.signup.point1")}</List.Item>
              <List.Item>{t("standalone.signup.point2")}</List.Item>
              <List.Item>{t("standalone.signup.point3")}</List.Item>
            </List>
            <Form method="post">
              <Button submit variant="primary">
                {t("standalone.signup.connect")}
              </Button>
            </Form>
            <Text as="p" tone="subdued">
              {t("standalone.signup.haveAccount")} <Link url="/inbox/login">{t("standalone.signup.signIn")}</Link>
            </Text>
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

export default function EtsySignup() {
  const { locale } = useLoaderData<{ locale: "en" | "ja" }>();
  return (
    <StandaloneFrame locale={locale}>
      <SignupPage />
    </StandaloneFrame>
  );
}
