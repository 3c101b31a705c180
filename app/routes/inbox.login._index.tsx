// /inbox/login — sign-in by e-mailed link: the same answer whether or not the
// address has an account; limited per address and per client.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Link, Page, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { db } from "../db.server.ts";
import { loginAction, PRIVATE } from "../standalone/pages.server.ts";
import { readSession } from "../standalone/session.server.ts";

export function loader({ request }: LoaderFunctionArgs) {
  if (readSession(request)) return Response.redirect(new URL("/inbox", request.url), 303);
  return data(null, { headers: PRIVATE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const socket = typeof context.socketAddress === "string" ? context.socketAddress : null;
  const answer = await loginAction(db(), request, socket);
  return data(answer, { status: answer.status, headers: PRIVATE });
}

export default function InboxLogin() {
  const { t } = useTranslation();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const [email, setEmail] = useState("");
  return (
    <Page narrowWidth title={t("standalone.login.title")}>
      <BlockStack gap="400">
        {answer ? (
          <div data-login-answer>
            <Banner tone={answer.ok ? "success" : "critical"} title={answer.message} />
          </div>
        ) : null}
        <Card>
          <Form method="post">
            <BlockStack gap="300">
              <Text as="p">{t("standalone.login.intro")}</Text>
              <TextField
                label={t("standalone.login.email")}
                type="email"
                name="email"
                value={email}
                onChange={setEmail}
                autoComplete="email"
              />
              <Button submit variant="primary" disabled={navigation.state === "submitting"}>
                {t("standalone.login.send")}
              </Button>
            </BlockStack>
          </Form>
        </Card>
        <Text as="p" tone="subdued">
          {t("standalone.login.noAccount")} <Link url="/etsy">{t("standalone.login.signUp")}</Link>
        </Text>
      </BlockStack>
    </Page>
  );
}
