import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server.ts";
import { env } from "../env.server.ts";
import { appBridgeUrl } from "../sandbox/sandbox.server.ts";
import { KizunaAppProvider } from "../components/KizunaAppProvider.tsx";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  // Shopify's CDN script in production, the sandbox's stand-in in sandbox mode.
  return { apiKey: env().SHOPIFY_API_KEY, appBridgeUrl: appBridgeUrl() };
}

export default function AppLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <KizunaAppProvider apiKey={apiKey} appBridgeUrl={appBridgeUrl}>
      <NavMenu>
        <Link to="/app" rel="home">
          Home
        </Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/delays">Delays</Link>
        <Link to="/app/restock">Restock</Link>
        <Link to="/app/notices">Notices</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <Outlet />
    </KizunaAppProvider>
  );
}

// Shopify needs its own error and header handling for embedded auth redirects.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
