import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

// Shopify opens the app with ?shop=…; send it to the embedded app. Anyone else
// gets a short page saying what Kizuna is.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
}

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", lineHeight: 1.5 }}>
      <h1>Kizuna</h1>
      <p>
        Proactive customer care for small sellers: tell customers about a late parcel or a restock before they ask, and
        handle returns, refunds and messages inside Shopify admin.
      </p>
      <p>Install Kizuna from your Shopify admin to get started.</p>
    </main>
  );
}
