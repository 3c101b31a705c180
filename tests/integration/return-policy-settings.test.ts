// The Settings page's Return policy card over real HTTP through the production
// build, embedded the way the admin embeds it: its own Save (intent
// "return-policy"); a refused save answers 422 with each finding on its field in
// the admin's language and writes nothing; a good save is what getReturnPolicy
// reads back; the page shows the card and the policy as the customer reads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decode } from "turbo-stream";
import type { SandboxConfig } from "../../sandbox/http.ts";
import type { RunningApp } from "../e2e/support/app.ts";
import { startStack, type TestStack } from "../e2e/support/stack.ts";
import { adminPage, adminPost } from "../support/admin-http.ts";
import { getReturnPolicy } from "../../app/returns/return-policy.server.ts";
import { DEFAULT_POLICY, type ReturnPolicyRules } from "../../app/returns/policy.ts";

let stack: TestStack | undefined;
let config: SandboxConfig;
let app: RunningApp;

beforeAll(async () => {
  stack = await startStack("kizuna-return-policy-settings.myshopify.com");
  ({ config, app } = stack);
  // The first admin visit installs the shop and starts its backfill (currency, products): let it finish.
  expect((await adminPage(config, "")).status).toBe(200);
  for (;;) {
    const shop = await app.db.shop.findUnique({ where: { domain: config.shop } });
    if (shop?.syncStatus === "idle" && shop.syncedAt) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

/** The card's payload as the page sends it: numbers as typed, amounts as decimal strings. */
const FORM = {
  windowDays: "30",
  finalSaleTags: ["final-sale"],
  finalSaleProductIds: [] as string[],
  photoReasons: ["damaged"],
  noteReasons: ["other"],
  autoApprove: false,
  autoApproveUpTo: "",
  autoApproveExchanges: false,
  restockingFeePercent: "0",
  returnShippingFee: "0",
  offerRefund: true,
  offerExchanges: true,
  offerStoreCredit: true,
  storeCreditBonusPercent: "0",
  keepItemUpTo: "",
  allowCancel: true,
};

interface ActionResult {
  ok: boolean;
  intent: string;
  message: string;
  errors?: string[];
  fieldErrors?: Record<string, string>;
}

/** The action's answer as the page's useActionData reads it (Remix single fetch: turbo-stream). */
async function actionData(response: Response): Promise<ActionResult> {
  const decoded = await decode(response.body!);
  await decoded.done;
  const value = decoded.value as { data?: unknown } | ActionResult;
  return ("data" in value ? value.data : value) as ActionResult;
}

const savePolicy = (policy: unknown, locale?: string) =>
  adminPost(config, `/app/settings.data${locale ? `?locale=${locale}` : ""}`, {
    intent: "return-policy",
    policy: typeof policy === "string" ? policy : JSON.stringify(policy),
  });

describe("the Return policy card", () => {
  it("a negative window and a 150% restocking fee: 422, each on its field, in Japanese and English, nothing written", async () => {
    const bad = { ...FORM, windowDays: "-5", restockingFeePercent: "150" };
    const japanese = await savePolicy(bad, "ja");
    expect(japanese.status).toBe(422);
    expect(await actionData(japanese)).toEqual({
      ok: false,
      intent: "return-policy",
      message: "返品ポリシーは保存されませんでした。2件の項目を確認してください。",
      errors: ["確認が必要な項目：返品期限（日数）、再入庫手数料（%）"],
      fieldErrors: {
        windowDays: "返品期限：0〜365の整数（日数）で指定してください。",
        restockingFeePercent: "再入庫手数料：0〜100の整数（%）で指定してください。",
      },
    });
    const english = await savePolicy(bad, "en");
    expect(english.status).toBe(422);
    expect(await actionData(english)).toEqual({
      ok: false,
      intent: "return-policy",
      message: "The return policy was not saved: 2 fields need attention.",
      errors: ["Check Return window (days) and Restocking fee (%)."],
      fieldErrors: {
        windowDays: "Return window: a whole number of days from 0 to 365.",
        restockingFeePercent: "Restocking fee: a whole percentage from 0 to 100.",
      },
    });
    expect(await app.db.returnPolicy.count({ where: { shop: config.shop } })).toBe(0);
  });

  it("no resolution offered, a yen amount with decimals, and a payload that is no form: refused, nothing written", async () => {
    const none = await savePolicy(
      { ...FORM, offerRefund: false, offerExchanges: false, offerStoreCredit: false },
      "en",
    );
    expect(none.status).toBe(422);
    expect((await actionData(none)).fieldErrors).toEqual({
      offerRefund: "What customers can choose: offer at least one of refund, store credit or exchange.",
    });
    // The demo shop sells in yen: ￥99.5 cannot be paid.
    const decimals = await savePolicy({ ...FORM, keepItemUpTo: "99.5" }, "ja");
    expect(decimals.status).toBe(422);
    expect((await actionData(decimals)).fieldErrors).toEqual({
      keepItemUpTo: "この金額以下の商品は返送不要にする：JPYの金額に小数は使えません。",
    });
    const amount = await savePolicy({ ...FORM, returnShippingFee: "-300" }, "en");
    expect((await actionData(amount)).fieldErrors).toEqual({
      returnShippingFee: "Return shipping fee: an amount such as 500, or 0.",
    });
    const garbled = await savePolicy("{not json", "en");
    expect(garbled.status).toBe(422);
    expect(await actionData(garbled)).toEqual({
      ok: false,
      intent: "return-policy",
      message: "The return policy was not saved.",
      errors: ["The return policy could not be read: reload the page and try again."],
      fieldErrors: {},
    });
    expect(await app.db.returnPolicy.count({ where: { shop: config.shop } })).toBe(0);
  });

  it("opens with the defaults, its own Save, help on its fields and the customer's summary", async () => {
    const english = await (await adminPage(config, "/settings", "en")).text();
    expect(english).toContain("Return policy");
    expect(english).toContain("Save return policy");
    expect(english).toContain("the Save button at the top of the page does not save the return policy.");
    expect(english).toContain("Arrived damaged");
    expect(english).toContain("Such lines are refunded or credited without being sent back");
    expect(english).toContain(
      "Returns within 30 days of delivery. The seller reviews each request. You can choose a refund, store credit, or an exchange.",
    );
    const japanese = await (await adminPage(config, "/settings", "ja")).text();
    expect(japanese).toContain("返品ポリシーを保存");
    expect(japanese).toContain("届いた時点で破損していた");
    expect(japanese).toContain("お届けから30日以内であれば返品できます。申請はストアが1件ずつ確認します。");
    expect(japanese).toContain("￥");
  });

  it("a good save is written and read back by getReturnPolicy; the page shows it", async () => {
    const product = await app.db.product.findFirstOrThrow({ where: { shop: config.shop }, orderBy: { id: "asc" } });
    const good = {
      ...FORM,
      windowDays: "14",
      finalSaleTags: ["Final-Sale", "outlet", ""],
      finalSaleProductIds: [product.id],
      photoReasons: ["damaged", "defective"],
      noteReasons: ["other", "not-as-described"],
      autoApprove: true,
      autoApproveUpTo: "5000",
      autoApproveExchanges: true,
      restockingFeePercent: "10",
      returnShippingFee: "700",
      offerExchanges: false,
      storeCreditBonusPercent: "5",
      keepItemUpTo: "800",
      allowCancel: false,
    };
    const saved = await savePolicy(good, "en");
    expect(saved.status).toBe(200);
    expect(await actionData(saved)).toEqual({ ok: true, intent: "return-policy", message: "Return policy saved." });
    expect(await getReturnPolicy(app.db, config.shop)).toEqual({
      ...DEFAULT_POLICY,
      windowDays: 14,
      finalSaleTags: ["Final-Sale", "outlet"],
      finalSaleProductIds: [product.id],
      photoReasons: ["damaged", "defective"],
      noteReasons: ["other", "not-as-described"],
      autoApprove: true,
      autoApproveUpTo: "5000",
      autoApproveExchanges: true,
      restockingFeePercent: 10,
      returnShippingFee: "700",
      offerExchanges: false,
      storeCreditBonusPercent: 5,
      keepItemUpTo: "800",
      allowCancel: false,
    } satisfies ReturnPolicyRules);
    const page = await (await adminPage(config, "/settings", "en")).text();
    expect(page).toContain(product.title.replace(/&/g, "&amp;"));
    expect(page).toContain(
      "Returns within 14 days of delivery. Requests up to ¥5,000 are approved at once; the seller reviews larger ones.",
    );
    expect(page).toContain("You can choose a refund or store credit with a 5% bonus.");
    expect(page).toContain("Deducted from refunds and credit: a 10% restocking fee and ¥700 return shipping.");
    expect(page).toContain("Items priced at ¥800 or less are refunded without being sent back.");
    expect(page).not.toContain("Orders not shipped yet can be cancelled.");
  });
});
