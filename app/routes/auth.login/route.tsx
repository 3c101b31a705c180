// /auth/login — where Shopify's library sends a visit that has no session and
// no shop (an /app link opened outside the admin): a shop-domain field, as in
// Shopify's Remix app template. Thin: the work is in shopify/login.server.ts.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { logIn } from "../../shopify/login.server.ts";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { status, errors } = await logIn(request);
  return data({ errors }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  const { status, errors } = await logIn(request);
  return data({ errors }, { status });
}

export default function Login() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const errors = acted?.errors ?? loaded.errors;
  return (
    <PolarisAppProvider i18n={englishI18n}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Kizuna
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
