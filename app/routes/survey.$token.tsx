// GET|POST /survey/<token>[?rating=1..5] — public: the customer's answer to
// "how did we do?" after a conversation was resolved. The mail's five links
// open this page with their rating; the page stores it at once (one click) and
// offers a comment box. The rating is stored by the page's POST, not by the
// GET: mail scanners open every link of a mail, and must not answer for the
// customer. Without JavaScript the page's button sends the same form. A bad
// token: 404, nothing stored; a bad rating or comment: 400, nothing stored.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { readAdminForm } from "../admin/form-input.server.ts";
import { db } from "../db.server.ts";
import { answerSurvey, findSurvey } from "../inbox/survey.server.ts";

// As survey.server.ts keeps it (a .server value would pull that module into the browser bundle).
const SURVEY_COMMENT_MAX = 2_000;

type Lang = "ja" | "en";

const WORDS = {
  en: {
    title: "How did we do?",
    ask: (shop: string) => `How happy are you with how ${shop} handled your message?`,
    ratings: ["Not happy at all", "Not happy", "Okay", "Happy", "Very happy"],
    saved: "Thank you! Your answer is saved.",
    commentLabel: "Anything you'd like to tell us? (optional)",
    send: "Send",
    thanks: "Thank you for your feedback.",
    bad: "This survey link is not valid. Please use the link from the email.",
    invalid: "Please choose a rating from 1 to 5, and keep the comment under 2,000 characters.",
  },
  ja: {
    title: "今回の対応はいかがでしたか",
    ask: (shop: string) => `${shop}の今回の対応について、満足度をお聞かせください。`,
    ratings: ["とても不満", "不満", "ふつう", "満足", "とても満足"],
    saved: "ありがとうございます。ご回答を受け付けました。",
    commentLabel: "ご意見・ご感想がございましたらお聞かせください（任意）",
    send: "送信する",
    thanks: "貴重なご意見をありがとうございました。",
    bad: "このアンケートのリンクは無効です。メールに記載のリンクをご利用ください。",
    invalid: "1〜5の評価をお選びください。コメントは2,000文字以内でお願いします。",
  },
} as const;

const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex" };

export const meta: MetaFunction = () => [{ title: "Survey / アンケート" }, { name: "robots", content: "noindex" }];

const Rating = z.coerce.number().int().min(1).max(5);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const survey = await findSurvey(db(), params.token ?? "");
  if (!survey) return data({ valid: false as const, lang: null }, { status: 404, headers: PRIVATE });
  const chosen = Rating.safeParse(new URL(request.url).searchParams.get("rating"));
  return data(
    {
      valid: true as const,
      lang: survey.locale,
      shopName: survey.shopName,
      rating: survey.rating,
      comment: survey.comment,
      // The rating the mail's link carries: the page sends it once it is open.
      clicked: chosen.success ? chosen.data : null,
    },
    { headers: PRIVATE },
  );
}

const Answer = z.object({
  rating: z
    .string()
    .optional()
    .transform((value) => (value ? Number(value) : null))
    .pipe(z.number().int().min(1).max(5).nullable()),
  comment: z
    .string()
    .max(SURVEY_COMMENT_MAX)
    .optional()
    .transform((value) => value?.trim() || null),
});

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readAdminForm(request);
  if (!form.ok)
    return data({ ok: false as const, error: "invalid" as const }, { status: form.status, headers: PRIVATE });
  const answer = Answer.safeParse(form.fields);
  if (!answer.success || (answer.data.rating === null && answer.data.comment === null))
    return data({ ok: false as const, error: "invalid" as const }, { status: 400, headers: PRIVATE });
  const stored = await answerSurvey(db(), params.token ?? "", answer.data);
  if (!stored) return data({ ok: false as const, error: "bad" as const }, { status: 404, headers: PRIVATE });
  return data(
    { ok: true as const, rating: answer.data.rating, commented: answer.data.comment !== null },
    { headers: PRIVATE },
  );
}

const box: React.CSSProperties = {
  maxWidth: 520,
  margin: "48px auto",
  padding: 24,
  fontFamily: "-apple-system, 'Hiragino Sans', 'Noto Sans JP', sans-serif",
  lineHeight: 1.6,
  color: "#202223",
};

const choice = (selected: boolean): React.CSSProperties => ({
  display: "block",
  width: "100%",
  textAlign: "left",
  padding: "10px 14px",
  margin: "6px 0",
  fontSize: 16,
  borderRadius: 8,
  border: selected ? "2px solid #005bd3" : "1px solid #c9cccf",
  background: selected ? "#eaf4ff" : "#fff",
  cursor: "pointer",
});

export default function Survey() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const oneClick = useFetcher<typeof action>();
  const sent = useRef(false);
  const [rating, setRating] = useState<number | null>(loaded.valid ? (loaded.clicked ?? loaded.rating) : null);
  const [comment, setComment] = useState(loaded.valid ? (loaded.comment ?? "") : "");
  const clicked = loaded.valid ? loaded.clicked : null;

  // The mail's one click: the rating it carries is stored as soon as the page is open in a browser.
  useEffect(() => {
    if (!clicked || sent.current) return;
    sent.current = true;
    oneClick.submit({ rating: String(clicked) }, { method: "post" });
  }, [clicked, oneClick]);

  const lang: Lang = loaded.lang ?? "ja";
  const w = WORDS[lang];
  if (!loaded.valid || (acted && !acted.ok && acted.error === "bad")) {
    return (
      <main style={box} lang={lang}>
        <h1 style={{ fontSize: 20 }}>{w.title}</h1>
        <p>{w.bad}</p>
      </main>
    );
  }
  if (acted?.ok && acted.commented) {
    return (
      <main style={box} lang={lang}>
        <h1 style={{ fontSize: 20 }}>{w.title}</h1>
        <p role="status">{w.thanks}</p>
      </main>
    );
  }
  const stored = (acted?.ok && acted.rating !== null) || oneClick.data?.ok === true;
  return (
    <main style={box} lang={lang}>
      <h1 style={{ fontSize: 20 }}>{w.title}</h1>
      <p>{w.ask(loaded.shopName)}</p>
      {stored ? <p role="status">{w.saved}</p> : null}
      {acted && !acted.ok ? <p role="alert">{w.invalid}</p> : null}
      <Form method="post">
        <fieldset style={{ border: 0, padding: 0, margin: "16px 0" }}>
          <legend style={{ position: "absolute", left: -10000 }}>{w.title}</legend>
          {[5, 4, 3, 2, 1].map((value) => (
            <label key={value} style={choice(rating === value)}>
              <input
                type="radio"
                name="rating"
                value={value}
                checked={rating === value}
                onChange={() => setRating(value)}
                style={{ marginRight: 10 }}
              />
              {value} — {w.ratings[value - 1]}
            </label>
          ))}
        </fieldset>
        <label style={{ display: "block", marginBottom: 6 }} htmlFor="comment">
          {w.commentLabel}
        </label>
        <textarea
          id="comment"
          name="comment"
          rows={4}
          maxLength={SURVEY_COMMENT_MAX}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          style={{ width: "100%", fontSize: 16, padding: 8, boxSizing: "border-box" }}
        />
        <button type="submit" style={{ marginTop: 12, padding: "10px 20px", fontSize: 16, cursor: "pointer" }}>
          {w.send}
        </button>
      </Form>
    </main>
  );
}
