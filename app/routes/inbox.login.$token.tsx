// /inbox/login/<token> — the e-mailed link. Opening it spends nothing (mail
// scanners open links); its "Sign in" button does, once, within 15 minutes,
// and sets the session cookie.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Link, Page, Text } from "@shopify/polaris";
import { useTranslation } from "react-i18next";
import { db } from "../db.server.ts";
import { linkPage, PRIVATE, spendLinkAction } from "../standalone/pages.server.ts";

export async function loader({ params }: LoaderFunctionArgs) {
  const page = await linkPage(db(), params.token ?? "");
  return data(page, { status: page.usable ? 200 : 410, headers: PRIVATE });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const answer = await spendLinkAction(db(), request, params.token ?? "");
  if (answer instanceof Response) return answer;
  return data(answer, { status: 410, headers: PRIVATE });
}

export default function InboxLoginLink() {
  const { t } = useTranslation();
  const page = useLoaderData<typeof loader>();
  const spent = useActionData<typeof action>();
  const usable = page.usable && !spent;
  return (
    <Page narrowWidth title={t("standalone.link.title")}>
      <BlockStack gap="400">
        {usable ? (
          <Card>
            <Form method="post">
              <BlockStack gap="300">
                <Text as="p">{t("standalone.link.intro")}</Text>
                <Button submit variant="primary">
                  {t("standalone.link.signIn")}
                </Button>
              </BlockStack>
            </Form>
          </Card>
        ) : (
          <div data-link-refused>
            <Banner tone="critical" title={t("standalone.link.refused")}>
              <Link url="/inbox/login">{t("standalone.link.again")}</Link>
            </Banner>
          </div>
        )}
      </BlockStack>
    </Page>
  );
}
