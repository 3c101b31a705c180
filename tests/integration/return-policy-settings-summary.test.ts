// The Return policy card's live summary, worded as the customer reads it, in
// both languages: what each setting adds, and what cannot be saved left out.
import { describe, expect, it } from "vitest";
import { createI18n } from "../../app/i18n/locales.ts";
import { DEFAULT_POLICY } from "../../app/returns/policy.ts";
import {
  policyForm,
  policyPayload,
  policySummary,
  returnPolicyErrorText,
} from "../../app/components/ReturnPolicyCard.tsx";

const en = createI18n("en").t;
const ja = createI18n("ja").t;
const defaults = policyForm(DEFAULT_POLICY);

describe("the return policy summary", () => {
  it("the defaults: 30 days, the seller reviews, three choices, final sale, cancellations", () => {
    expect(policySummary(en, defaults, "JPY", "en")).toEqual([
      "Returns within 30 days of delivery.",
      "The seller reviews each request.",
      "You can choose a refund, store credit, or an exchange.",
      "Final-sale items cannot be returned.",
      "Orders not shipped yet can be cancelled.",
    ]);
    expect(policySummary(ja, defaults, "JPY", "ja")).toEqual([
      "お届けから30日以内であれば返品できます。",
      "申請はストアが1件ずつ確認します。",
      "返金、ストアクレジット、または交換からお選びいただけます。",
      "返品不可の商品は返品できません。",
      "未発送の注文はキャンセルできます。",
    ]);
  });

  it("automatic approval, fees, a bonus and keep-the-item, in the shop's currency", () => {
    const form = {
      ...defaults,
      windowDays: "1",
      finalSaleTags: "",
      autoApprove: true,
      autoApproveUpTo: "5000",
      restockingFeePercent: "10",
      returnShippingFee: "700",
      storeCreditBonusPercent: "5",
      keepItemUpTo: "800",
      allowCancel: false,
    };
    expect(policySummary(en, form, "JPY", "en")).toEqual([
      "Returns within 1 day of delivery.",
      "Requests up to ¥5,000 are approved at once; the seller reviews larger ones.",
      "The seller reviews exchanges.",
      "You can choose a refund, store credit with a 5% bonus, or an exchange.",
      "Deducted from refunds and credit: a 10% restocking fee and ¥700 return shipping.",
      "Items priced at ¥800 or less are refunded without being sent back.",
    ]);
    expect(policySummary(ja, form, "JPY", "ja")).toContain("￥800以下の商品は、返送せずに返金されます。");
  });

  it("leaves out what the save would refuse; a 0-day window takes no returns", () => {
    const bad = {
      ...defaults,
      windowDays: "-5",
      restockingFeePercent: "150",
      autoApprove: true,
      autoApproveUpTo: "5,0",
    };
    const sentences = policySummary(en, bad, "JPY", "en");
    expect(sentences.join(" ")).not.toMatch(/days of delivery|restocking|approved at once/);
    expect(policySummary(en, { ...defaults, windowDays: "0" }, "JPY", "en")).toEqual([
      "Returns are not accepted.",
      "Orders not shipped yet can be cancelled.",
    ]);
  });

  it("tags are sent as a list; findings are worded per currency", () => {
    expect(policyPayload({ ...defaults, finalSaleTags: "final-sale, outlet、 clearance\n" }).finalSaleTags).toEqual([
      "final-sale",
      "outlet",
      "clearance",
    ]);
    expect(returnPolicyErrorText(en, "keepItemUpTo", "keepItemUpTo", "USD")).toBe(
      "Keep the item: an amount such as 5.00, or empty to switch it off.",
    );
    expect(returnPolicyErrorText(en, "returnShippingFee", "decimals", "USD")).toBe(
      "Return shipping fee: USD amounts have at most 2 decimals.",
    );
    expect(returnPolicyErrorText(ja, "form", "form", "JPY")).toBe(
      "返品ポリシーを読み取れませんでした。ページを再読み込みしてやり直してください。",
    );
  });
});
