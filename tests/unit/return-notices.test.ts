// The return, refund and cancellation notice kinds: answers sent at once, each
// linking to the order page, and Shopify's decline reasons said in both languages.
import { describe, expect, it } from "vitest";
import { defaultTemplate } from "../../app/notices/default-templates.ts";
import { KINDS, NOTICE_LOCALES, SAMPLE_VARIABLES, variablesOf } from "../../app/notices/kinds.ts";
import { declineReasonWords, STEP_KINDS } from "../../app/returns/return-notices.server.ts";
import { DECLINE_REASONS } from "../../app/returns/return-labels.ts";

const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff]/;
const RETURN_KINDS = Object.values(STEP_KINDS);

describe("return notice kinds", () => {
  it("one kind per step, transactional, on by default, sent at once and outside the daily cap", () => {
    expect(new Set(RETURN_KINDS).size).toBe(8);
    for (const kind of RETURN_KINDS) {
      expect(KINDS[kind], kind).toMatchObject({
        transactional: true,
        defaultOn: true,
        proactive: false,
        respectsQuietHours: false,
      });
      expect(variablesOf(kind)).toMatchObject({ orderName: "text", orderPageUrl: "url" });
    }
    expect(variablesOf("refund_issued")).toMatchObject({ amount: "money", refundMethod: "text" });
    expect(variablesOf("return_declined")).toMatchObject({ declineReason: "text", declineNote: "text" });
    expect(variablesOf("return_label")).toMatchObject({ labelUrl: "url", trackingUrl: "url" });
  });

  it("every template links to the order page: a button in email, the link in SMS", () => {
    for (const kind of RETURN_KINDS)
      for (const locale of NOTICE_LOCALES) {
        expect(defaultTemplate(kind, locale, "email").body, `${kind}/${locale}`).toContain("{{#button orderPageUrl}}");
        expect(defaultTemplate(kind, locale, "sms").body, `${kind}/${locale}`).toContain("{{orderPageUrl}}");
        const words = `${defaultTemplate(kind, locale, "email").subject} ${defaultTemplate(kind, locale, "email").body}`;
        expect(JAPANESE.test(words.replace(/\{\{[^}]*\}\}/g, "")), `${kind}/${locale}`).toBe(locale === "ja");
        if (locale === "ja") expect(defaultTemplate(kind, locale, "email").body).toContain("{{customerName}}様");
      }
  });

  it("has sample values for every variable of the new kinds (the settings preview)", () => {
    for (const kind of RETURN_KINDS)
      for (const locale of NOTICE_LOCALES)
        for (const name of Object.keys(variablesOf(kind)))
          expect(SAMPLE_VARIABLES[locale][name], `${kind}/${locale}/${name}`).toBeTruthy();
  });
});

describe("decline reasons", () => {
  it("are a sentence in each language for each of Shopify's reasons", () => {
    for (const reason of DECLINE_REASONS)
      for (const hasNote of [true, false]) {
        const words = declineReasonWords(reason, hasNote);
        expect(words?.en, reason).toMatch(/^[A-Z].*\.$/);
        expect(JAPANESE.test(words?.en ?? "")).toBe(false);
        expect(words?.ja, reason).toMatch(JAPANESE);
        expect(words?.ja.endsWith("。")).toBe(true);
      }
    expect(declineReasonWords("FINAL_SALE", false)?.ja).toContain("返品不可");
    expect(declineReasonWords("RETURN_PERIOD_ENDED", false)?.en).toBe("The return period for this order has ended.");
    expect(declineReasonWords(null, false)).toBeNull();
  });
});
