// What the shopper reads after a signup, in their language (ja/en).
import type { RestockErrorCode } from "./types.ts";

export type ShopperLocale = "ja" | "en";

type Key = RestockErrorCode | "subscribed" | "updated";

const MESSAGES: Record<Key, Record<ShopperLocale, string>> = {
  malformed: { en: "The request could not be read.", ja: "送信内容を読み取れませんでした。" },
  too_large: { en: "The request is too large.", ja: "送信内容が大きすぎます。" },
  invalid_email: { en: "Please enter a valid email address.", ja: "正しいメールアドレスを入力してください。" },
  invalid_phone: {
    en: "Please enter a phone number with its country code, e.g. +81 90 1234 5678.",
    ja: "電話番号を正しく入力してください（例：090-1234-5678）。",
  },
  consent_required: {
    en: "To get a text message, tick the consent box — or leave the phone number empty.",
    ja: "SMSで受け取るには同意にチェックを入れるか、電話番号を空欄にしてください。",
  },
  invalid_variant: { en: "Please choose a product option.", ja: "商品のバリエーションを選んでください。" },
  unknown_variant: { en: "This product option was not found.", ja: "この商品は見つかりませんでした。" },
  in_stock: {
    en: "Good news: this item is in stock — you can buy it now.",
    ja: "この商品は在庫があります。今すぐご購入いただけます。",
  },
  rate_limited: {
    en: "Too many requests. Please try again in a few minutes.",
    ja: "リクエストが多すぎます。しばらくしてからもう一度お試しください。",
  },
  subscribed: {
    en: "Thanks! We'll let you know as soon as it's back in stock.",
    ja: "ありがとうございます。入荷しましたらすぐにお知らせします。",
  },
  updated: {
    en: "You're already on the list — we've updated your details.",
    ja: "すでに登録済みです。ご連絡先を更新しました。",
  },
};

export function shopperLocaleOf(...candidates: (string | null | undefined)[]): ShopperLocale {
  for (const candidate of candidates) {
    const tag = candidate?.trim().toLowerCase();
    if (!tag) continue;
    // Accept-Language: take the first tag.
    const first = tag.split(",")[0]!.split(";")[0]!.trim();
    if (first.startsWith("ja")) return "ja";
    if (first.startsWith("en")) return "en";
  }
  return "ja";
}

export function messageFor(key: Key, locale: ShopperLocale): string {
  return MESSAGES[key][locale];
}
