// The tone check before a reply goes out: phrases that read as defensive to a
// customer who already has a problem ("as I already said", 規約の通り). It warns
// and the seller decides; it never blocks. Built-in lists per language, which
// the seller may replace (InboxSettings.tonePhrases, JSON { en: [...], ja: [...] }).
// Pure and client-safe: the reply box runs it as the seller types.
import { parseJsonText } from "../database/json-text.ts";

export type ToneLocale = "en" | "ja";
export type TonePhrases = Record<ToneLocale, string[]>;

export const BUILT_IN_TONE_PHRASES: TonePhrases = {
  en: [
    "as I already said",
    "as I said before",
    "as previously stated",
    "as stated in",
    "as mentioned before",
    "as per my last email",
    "I already told you",
    "you should have",
    "you failed to",
    "you need to understand",
    "you must have",
    "per our policy",
    "our policy clearly",
    "it's not our fault",
    "it is not our fault",
    "not our problem",
    "not our responsibility",
    "we cannot be held responsible",
    "there is nothing we can do",
    "no exceptions",
    "calm down",
    "with all due respect",
    "obviously",
    "clearly stated",
  ],
  ja: [
    "先ほども申し上げた",
    "何度も申し上げ",
    "前にもお伝えし",
    "既にお伝えし",
    "すでにお伝えし",
    "規約の通り",
    "規約通り",
    "規約上",
    "記載の通り",
    "書いてある通り",
    "ご確認いただければわかる",
    "当店の責任ではありません",
    "当店に責任はございません",
    "弊社の責任ではございません",
    "お客様の責任",
    "お客様のミス",
    "お客様の勘違い",
    "お客様の不注意",
    "仕方ありません",
    "どうしようもありません",
    "例外は認められません",
    "落ち着いて",
  ],
};

/** Longest phrase the seller may keep, and how many per language. */
export const TONE_PHRASE_MAX_LENGTH = 100;
export const TONE_PHRASES_MAX = 200;

/** The shop's lists: the seller's own where saved (an empty list turns the check off), else the built-in. */
export function tonePhrasesOf(saved: string | null | undefined): TonePhrases {
  const parsed = parseJsonText<Partial<Record<string, unknown>>>(saved, {});
  const list = (locale: ToneLocale): string[] => {
    const value = parsed[locale];
    if (!Array.isArray(value)) return BUILT_IN_TONE_PHRASES[locale];
    return value.filter((item): item is string => typeof item === "string" && item.trim() !== "");
  };
  return { en: list("en"), ja: list("ja") };
}

/** One phrase per line as the settings form sends it: trimmed, blank lines and repeats dropped. */
export function phrasesFromLines(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const phrase = line.trim();
    if (!phrase || seen.has(fold(phrase))) continue;
    seen.add(fold(phrase));
    out.push(phrase);
  }
  return out;
}

export interface ToneWarning {
  /** The phrase of the list that matched, as the list writes it. */
  phrase: string;
  locale: ToneLocale;
  /** What the reply says there, as written. */
  found: string;
  index: number;
}

/**
 * Folded for matching: NFKC (full-width Latin and half-width kana become their usual forms),
 * lower case, typographic apostrophes as ', runs of spaces as one.
 */
function fold(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, " ");
}

/**
 * Folds `text` keeping, for every folded character, where it came from, so a match can be shown
 * as the seller wrote it. NFKC may turn one character into several (and back), so per character.
 */
function foldWithMap(text: string): { folded: string; origin: number[] } {
  let folded = "";
  const origin: number[] = [];
  let lastWasSpace = false;
  let index = 0;
  for (const char of text) {
    const piece = char
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc]/g, "'");
    for (const part of piece) {
      const space = /\s/.test(part);
      if (space && lastWasSpace) continue;
      folded += space ? " " : part;
      for (let unit = 0; unit < (space ? 1 : part.length); unit++) origin.push(index);
      lastWasSpace = space;
    }
    index += char.length;
  }
  origin.push(index);
  return { folded, origin };
}

/** Every phrase of both lists found in `text`, in the order they appear. */
export function checkTone(text: string, phrases: TonePhrases = BUILT_IN_TONE_PHRASES): ToneWarning[] {
  if (!text.trim()) return [];
  const { folded, origin } = foldWithMap(text);
  const warnings: ToneWarning[] = [];
  for (const locale of ["en", "ja"] as const) {
    for (const phrase of phrases[locale]) {
      const needle = fold(phrase.trim());
      if (!needle) continue;
      let at = folded.indexOf(needle);
      while (at !== -1) {
        const end = at + needle.length;
        // A Latin phrase must stand as words ("clearly" is not inside "unclearly").
        const wordy = /^[a-z0-9]/.test(needle);
        const before = folded[at - 1];
        const after = folded[end];
        const bounded = !wordy || ((!before || !/[a-z0-9]/.test(before)) && (!after || !/[a-z0-9]/.test(after)));
        if (bounded) {
          const start = origin[at]!;
          const stop = origin[end] ?? text.length;
          warnings.push({ phrase, locale, found: text.slice(start, stop), index: start });
          break;
        }
        at = folded.indexOf(needle, at + 1);
      }
    }
  }
  return warnings.sort((a, b) => a.index - b.index);
}
