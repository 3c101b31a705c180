// What @shopify/shopify-app-remix's AppProvider does — the App Bridge script
// with the app's API key, Polaris with English texts and Remix links — but with
// the script URL from the loader: Shopify's CDN in production, the sandbox's
// App Bridge stand-in in sandbox mode (the library's component cannot be told).
import { forwardRef, useEffect, type ComponentProps, type ReactNode } from "react";
import { Link, useNavigate } from "@remix-run/react";
import { AppProvider as PolarisAppProvider, type AppProviderProps } from "@shopify/polaris";
import englishI18n from "@shopify/polaris/locales/en.json";

type PolarisLinkProps = ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

/** Polaris renders its links (Button url, Link…) through this: client-side navigation inside the app. */
const RemixPolarisLink = forwardRef<HTMLAnchorElement, PolarisLinkProps>(function RemixPolarisLink(
  { url, external, children, ...rest },
  ref,
) {
  const target = external ? { target: "_blank", rel: "noopener noreferrer" } : {};
  return (
    <Link {...rest} {...target} to={url} ref={ref}>
      {children}
    </Link>
  );
});

interface KizunaAppProviderProps {
  apiKey: string;
  appBridgeUrl: string;
  children: ReactNode;
}

export function KizunaAppProvider({ apiKey, appBridgeUrl, children }: KizunaAppProviderProps) {
  const navigate = useNavigate();
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
      <PolarisAppProvider i18n={englishI18n} linkComponent={RemixPolarisLink}>
        {children}
      </PolarisAppProvider>
    </>
  );
}
