// The tone check: defensive phrases in English and Japanese are found as the
// seller wrote them (full-width, curly apostrophes, odd spacing), words stand
// as words, the seller's own lists replace the built-in ones, and a calm reply
// passes.
import { describe, expect, it } from "vitest";
import { BUILT_IN_TONE_PHRASES, checkTone, phrasesFromLines, tonePhrasesOf } from "../../app/inbox/tone-check.ts";

describe("tone check", () => {
  it("warns on a defensive English phrase, showing it as written", () => {
    const reply = "Hello Emma,\nAs I  already said, the parcel left on Monday.";
    const warnings = checkTone(reply);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ phrase: "as I already said", locale: "en", found: "As I  already said" });
    expect(reply.slice(warnings[0]!.index)).toMatch(/^As I {2}already said/);
  });

  it("matches a curly apostrophe and full-width letters", () => {
    expect(checkTone("I’m sorry, but it’s not our fault.").map((w) => w.phrase)).toEqual(["it's not our fault"]);
    expect(checkTone("ＣＡＬＭ ＤＯＷＮ please").map((w) => w.found)).toEqual(["ＣＡＬＭ ＤＯＷＮ"]);
  });

  it("warns on Japanese phrases", () => {
    const warnings = checkTone("山田様、先ほども申し上げた通り、規約の通りご返金はできかねます。");
    expect(warnings.map((w) => w.phrase)).toEqual(["先ほども申し上げた", "規約の通り"]);
    expect(warnings.every((w) => w.locale === "ja")).toBe(true);
  });

  it("keeps Latin phrases to whole words", () => {
    expect(checkTone("The instructions were unclearly stated, sorry.")).toEqual([]);
    expect(checkTone("Obviously, we will fix it.").map((w) => w.phrase)).toEqual(["obviously"]);
  });

  it("lets a calm reply through", () => {
    expect(checkTone("Thank you for waiting. I've sent a replacement today.")).toEqual([]);
    expect(checkTone("お待たせして申し訳ございません。本日代わりの商品をお送りしました。")).toEqual([]);
    expect(checkTone("   ")).toEqual([]);
  });

  it("uses the seller's lists where saved, the built-in ones otherwise", () => {
    const saved = JSON.stringify({ en: ["per the terms"], ja: [] });
    const phrases = tonePhrasesOf(saved);
    expect(phrases.en).toEqual(["per the terms"]);
    expect(phrases.ja).toEqual([]);
    expect(checkTone("Per the terms, no.", phrases).map((w) => w.phrase)).toEqual(["per the terms"]);
    // The built-in English list no longer applies; the Japanese check is off.
    expect(checkTone("As I already said. 規約の通り", phrases)).toEqual([]);
    expect(tonePhrasesOf(null)).toEqual(BUILT_IN_TONE_PHRASES);
    expect(tonePhrasesOf("not json").ja).toEqual(BUILT_IN_TONE_PHRASES.ja);
    expect(tonePhrasesOf(JSON.stringify({ en: ["a", 3, ""] })).en).toEqual(["a"]);
  });

  it("reads one phrase per line, without blanks or repeats", () => {
    expect(phrasesFromLines(" as I said \n\nAs I said\r\n規約上\n")).toEqual(["as I said", "規約上"]);
  });
});
