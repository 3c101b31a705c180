// Which self-help topics a customer's words are about, so the reply box can
// suggest the seller's matching answer. Plain keyword lists in both languages
// (client-safe): a suggestion the seller may take or leave, never sent alone.
import type { SelfHelpTopic } from "./choices.ts";

const KEYWORDS: Record<Exclude<SelfHelpTopic, "other">, readonly string[]> = {
  shipping: [
    "where is my order",
    "where's my order",
    "not arrived",
    "hasn't arrived",
    "has not arrived",
    "tracking",
    "delivery",
    "shipping",
    "shipped",
    "parcel",
    "package",
    "届",
    "配送",
    "発送",
    "追跡",
    "荷物",
    "到着",
  ],
  returns: ["return", "refund", "exchange", "返品", "返金", "交換"],
  sizes: ["size", "fit", "too small", "too big", "サイズ", "寸法", "大きさ"],
  customs: ["customs", "duty", "duties", "import tax", "関税", "税関", "通関"],
  payment: ["payment", "charged", "invoice", "receipt", "card", "支払", "決済", "請求", "領収書"],
};

/** The topics the text mentions, in the order of the list above (at most three). */
export function topicsOf(text: string): SelfHelpTopic[] {
  const folded = text.toLowerCase();
  return (Object.keys(KEYWORDS) as (keyof typeof KEYWORDS)[])
    .filter((topic) => KEYWORDS[topic].some((word) => folded.includes(word)))
    .slice(0, 3);
}
