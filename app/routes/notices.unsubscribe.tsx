// GET|POST /notices/unsubscribe?token=…&lang=ja|en — public. GET shows a
// confirm page in the mail's language with the shop's name, or says the
// address is already unsubscribed; POST unsubscribes (RFC 8058 one-click from
// the mail client, or the page's button) and answers 200. A bad or forged
// token: 400, nothing changed.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { db } from "../db.server.ts";
import { env } from "../env.server.ts";
import { findSuppression, unsubscribeWithToken, verifyUnsubscribeToken } from "../notices/suppression.server.ts";

type Lang = "ja" | "en";

const WORDS = {
  en: {
    title: "Unsubscribe",
    ask: (shop: string) => `Stop emails from ${shop} such as back-in-stock alerts and follow-ups?`,
    keep: "We'll still write about your own orders (shipping updates and delays).",
    button: "Unsubscribe",
    doneTitle: "You're unsubscribed",
    done: (shop: string) => `${shop} won't send you these emails any more. We'll still write about your own orders.`,
    alreadyTitle: "You're already unsubscribed",
    already: (shop: string) =>
      `This address gets no more of these emails from ${shop}. Emails about your own orders still reach you.`,
    badTitle: "Invalid link",
    bad: "This unsubscribe link is not valid. Please use the link from the email.",
  },
  ja: {
    title: "配信停止",
    ask: (shop: string) => `${shop}からの再入荷のお知らせやフォローアップなどのメールを停止しますか？`,
    keep: "ご注文に関する大切なご連絡（発送や遅延のお知らせ）は引き続きお届けします。",
    button: "配信を停止する",
    doneTitle: "配信を停止しました",
    done: (shop: string) =>
      `今後、${shop}からこのようなお知らせはお送りしません。ご注文に関する大切なご連絡は引き続きお届けします。`,
    alreadyTitle: "すでに配信を停止しています",
    already: (shop: string) =>
      `このアドレスには、${shop}からこのようなお知らせはお送りしていません。ご注文に関するご連絡は引き続きお届けします。`,
    badTitle: "無効なリンク",
    bad: "この配信停止リンクは無効です。メールに記載のリンクをご利用ください。",
  },
} as const;

function paramsOf(request: Request): { token: string; lang: Lang | null } {
  const params = new URL(request.url).searchParams;
  const lang = params.get("lang");
  return { token: params.get("token") ?? "", lang: lang === "ja" || lang === "en" ? lang : null };
}

export const meta: MetaFunction = () => [{ title: "Unsubscribe / 配信停止" }, { name: "robots", content: "noindex" }];

const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

export async function loader({ request }: LoaderFunctionArgs) {
  const { token, lang } = paramsOf(request);
  const claim = verifyUnsubscribeToken(env().SHOPIFY_API_SECRET, token);
  if (!claim) return data({ valid: false as const, lang }, { status: 400, headers: PRIVATE });
  const [shop, suppressed] = await Promise.all([
    db().shop.findUnique({ where: { domain: claim.shop }, select: { name: true, locale: true } }),
    findSuppression(db(), claim.shop, claim.channel, claim.address, false),
  ]);
  return data(
    {
      valid: true as const,
      token,
      // The mail's language, else the shop's; a page without either speaks both.
      lang: lang ?? (shop?.locale?.startsWith("ja") ? "ja" : shop?.locale?.startsWith("en") ? "en" : null),
      shopName: shop?.name ?? claim.shop.replace(/\.myshopify\.com$/, ""),
      already: suppressed !== null,
    },
    { headers: PRIVATE },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const { token } = paramsOf(request);
  const result = await unsubscribeWithToken(db(), env().SHOPIFY_API_SECRET, token);
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

/** The page in one language, or in both (ja first) when the language is not known. */
function Message({
  lang,
  heading,
  body,
}: {
  lang: Lang | null;
  heading: (w: typeof WORDS.en | typeof WORDS.ja) => string;
  body: (w: typeof WORDS.en | typeof WORDS.ja) => string;
}) {
  const langs: Lang[] = lang ? [lang] : ["ja", "en"];
  return (
    <>
      <h1 style={{ fontSize: 20 }}>{langs.map((l) => heading(WORDS[l])).join(" / ")}</h1>
      {langs.map((l) => (
        <p key={l} lang={l}>
          {body(WORDS[l])}
        </p>
      ))}
    </>
  );
}

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const lang = loaded.lang;
  if (!loaded.valid || acted?.done === false) {
    return (
      <main style={box} lang={lang ?? undefined}>
        <Message lang={lang} heading={(w) => w.badTitle} body={(w) => w.bad} />
      </main>
    );
  }
  const shop = loaded.shopName;
  if (acted?.done) {
    return (
      <main style={box} lang={lang ?? undefined}>
        <Message lang={lang} heading={(w) => w.doneTitle} body={(w) => w.done(shop)} />
      </main>
    );
  }
  if (loaded.already) {
    return (
      <main style={box} lang={lang ?? undefined}>
        <Message lang={lang} heading={(w) => w.alreadyTitle} body={(w) => w.already(shop)} />
      </main>
    );
  }
  const langs: Lang[] = lang ? [lang] : ["ja", "en"];
  return (
    <main style={box} lang={lang ?? undefined}>
      <Message lang={lang} heading={(w) => w.title} body={(w) => `${w.ask(shop)} ${w.keep}`} />
      <Form
        method="post"
        action={`?${new URLSearchParams({ token: loaded.token, ...(lang ? { lang } : {}) })}`}
        reloadDocument
      >
        <button type="submit" style={{ padding: "10px 20px", fontSize: 16, cursor: "pointer" }}>
          {langs.map((l) => WORDS[l].button).join(" / ")}
        </button>
      </Form>
    </main>
  );
}
