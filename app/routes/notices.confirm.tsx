// GET|POST /notices/confirm?token=… — public. The link in a back-in-stock
// signup's confirmation mail, for an address that had unsubscribed: GET shows
// a confirm page (ja/en) and changes nothing (mail scanners open links); POST
// (the page's button) lifts the unsubscribe, so the alert can be sent. A bad
// or forged token: 400, nothing changed.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { resubscribeWithToken, verifyResubscribeToken } from "../notices/suppression.server.ts";

const BAD_TOKEN = {
  en: "This confirmation link is not valid. Please use the link from the email.",
  ja: "この確認リンクは無効です。メールに記載のリンクをご利用ください。",
};
const NO_STORE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

function tokenOf(request: Request): string {
  return new URL(request.url).searchParams.get("token") ?? "";
}

export const meta: MetaFunction = () => [
  { title: "Confirm your email / メールアドレスの確認" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenOf(request);
  if (!verifyResubscribeToken(env().SHOPIFY_API_SECRET, token))
    return data({ valid: false as const, token: "" }, { status: 400, headers: NO_STORE });
  return data({ valid: true as const, token }, { headers: NO_STORE });
}

export async function action({ request }: ActionFunctionArgs) {
  const claim = await resubscribeWithToken(db(), env().SHOPIFY_API_SECRET, tokenOf(request));
  if (!claim) return data({ done: false as const }, { status: 400, headers: NO_STORE });
  return data({ done: true as const }, { headers: NO_STORE });
}

const box: React.CSSProperties = {
  maxWidth: 480,
  margin: "64px auto",
  padding: 24,
  fontFamily: "-apple-system, 'Hiragino Sans', 'Noto Sans JP', sans-serif",
  lineHeight: 1.6,
  color: "#202223",
};

export default function ConfirmSignup() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  if (acted?.done) {
    return (
      <main style={box}>
        <h1 style={{ fontSize: 20 }}>確認しました / Confirmed</h1>
        <p lang="ja">再入荷のお知らせをこのアドレスにお送りします。</p>
        <p lang="en">We'll email you at this address when the item is back in stock.</p>
      </main>
    );
  }
  if (!loaded.valid || acted?.done === false) {
    return (
      <main style={box}>
        <h1 style={{ fontSize: 20 }}>無効なリンク / Invalid link</h1>
        <p lang="ja">{BAD_TOKEN.ja}</p>
        <p lang="en">{BAD_TOKEN.en}</p>
      </main>
    );
  }
  return (
    <main style={box}>
      <h1 style={{ fontSize: 20 }}>メールアドレスの確認 / Confirm your email</h1>
      <p lang="ja">以前に配信を停止されたアドレスです。再入荷のお知らせを受け取りますか？</p>
      <p lang="en">This address had unsubscribed. Do you want back-in-stock emails again?</p>
      <Form method="post" action={`?token=${encodeURIComponent(loaded.token)}`} reloadDocument>
        <button type="submit" style={{ padding: "10px 20px", fontSize: 16, cursor: "pointer" }}>
          受け取る / Yes, email me
        </button>
      </Form>
    </main>
  );
}
