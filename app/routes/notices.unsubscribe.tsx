// GET|POST /notices/unsubscribe?token=… — public. GET shows a confirm page
// (ja/en); POST unsubscribes (RFC 8058 one-click from the mail client, or the
// page's button) and answers 200. A bad or forged token: 400, nothing changed.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { unsubscribeWithToken, verifyUnsubscribeToken } from "../notices/suppression.server.ts";

const BAD_TOKEN = {
  en: "This unsubscribe link is not valid. Please use the link from the email.",
  ja: "この配信停止リンクは無効です。メールに記載のリンクをご利用ください。",
};

function tokenOf(request: Request): string {
  return new URL(request.url).searchParams.get("token") ?? "";
}

export const meta: MetaFunction = () => [{ title: "Unsubscribe / 配信停止" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenOf(request);
  const claim = verifyUnsubscribeToken(env().SHOPIFY_API_SECRET, token);
  if (!claim)
    return data({ valid: false as const, token: "" }, { status: 400, headers: { "Cache-Control": "no-store" } });
  return data(
    { valid: true as const, token },
    { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const result = await unsubscribeWithToken(db(), env().SHOPIFY_API_SECRET, tokenOf(request));
  if (!result.ok) return data({ done: false as const }, { status: 400, headers: { "Cache-Control": "no-store" } });
  return data({ done: true as const }, { headers: { "Cache-Control": "no-store" } });
}

const box: React.CSSProperties = {
  maxWidth: 480,
  margin: "64px auto",
  padding: 24,
  fontFamily: "-apple-system, 'Hiragino Sans', 'Noto Sans JP', sans-serif",
  lineHeight: 1.6,
  color: "#202223",
};

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  if (acted?.done) {
    return (
      <main style={box}>
        <h1 style={{ fontSize: 20 }}>配信を停止しました / You're unsubscribed</h1>
        <p lang="ja">今後、このようなお知らせはお送りしません。ご注文に関する大切なご連絡は引き続きお届けします。</p>
        <p lang="en">You won't get these emails any more. We'll still write about your own orders.</p>
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
      <h1 style={{ fontSize: 20 }}>配信停止 / Unsubscribe</h1>
      <p lang="ja">再入荷やフォローアップなどのお知らせメールを停止しますか？</p>
      <p lang="en">Stop emails like back-in-stock alerts and follow-ups?</p>
      <Form method="post" action={`?token=${encodeURIComponent(loaded.token)}`} reloadDocument>
        <button type="submit" style={{ padding: "10px 20px", fontSize: 16, cursor: "pointer" }}>
          配信を停止する / Unsubscribe
        </button>
      </Form>
    </main>
  );
}
