import { Links, Meta, Outlet, Scripts, useRouteLoaderData } from "@remix-run/react";

export default function App() {
  // The admin pages' language (the app layout chooses it); other pages are English.
  const app = useRouteLoaderData<{ locale?: string }>("routes/app");
  // The standalone inbox (Etsy-only sellers) chooses its own.
  const standalone = useRouteLoaderData<{ locale?: string }>("routes/inbox");
  return (
    <html lang={app?.locale ?? standalone?.locale ?? "en"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        {/* No <ScrollRestoration />: it reads sessionStorage, which a browser that blocks third-party
            storage denies to the embedded (cross-site) frame — the app would never start there. */}
        <Scripts />
      </body>
    </html>
  );
}
