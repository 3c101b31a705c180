// A shop's return policy: saved values over the defaults, and a validated save
// (errors keyed by field; nothing is written when any field is wrong).
import { z } from "zod";
import type { Db } from "../db.server.ts";
import { isDecimal } from "../money/decimal.ts";
import { DEFAULT_POLICY, type ReturnPolicyRules } from "./policy.ts";

function list(text: string | null | undefined, fallback: string[]): string[] {
  if (!text) return fallback;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === "string") : fallback;
  } catch {
    return fallback;
  }
}

/** The policy columns of a ReturnPolicy row. */
export interface ReturnPolicyRow {
  windowDays: number;
  finalSaleTags: string;
  finalSaleProductIds: string;
  photoReasons: string;
  noteReasons: string;
  autoApprove: boolean;
  autoApproveUpTo: string | null;
  autoApproveExchanges: boolean;
  restockingFeePercent: number;
  returnShippingFee: string;
  offerRefund: boolean;
  offerExchanges: boolean;
  offerStoreCredit: boolean;
  storeCreditBonusPercent: number;
  keepItemUpTo: string | null;
  allowCancel: boolean;
}

/** A saved policy over the defaults (no row: the defaults). */
export function policyFromRow(row: ReturnPolicyRow | null): ReturnPolicyRules {
  if (!row) return { ...DEFAULT_POLICY };
  return {
    windowDays: row.windowDays,
    finalSaleTags: list(row.finalSaleTags, DEFAULT_POLICY.finalSaleTags),
    finalSaleProductIds: list(row.finalSaleProductIds, []),
    photoReasons: list(row.photoReasons, DEFAULT_POLICY.photoReasons),
    noteReasons: list(row.noteReasons, DEFAULT_POLICY.noteReasons),
    autoApprove: row.autoApprove,
    autoApproveUpTo: row.autoApproveUpTo,
    autoApproveExchanges: row.autoApproveExchanges,
    restockingFeePercent: row.restockingFeePercent,
    returnShippingFee: row.returnShippingFee,
    offerRefund: row.offerRefund,
    offerExchanges: row.offerExchanges,
    offerStoreCredit: row.offerStoreCredit,
    storeCreditBonusPercent: row.storeCreditBonusPercent,
    keepItemUpTo: row.keepItemUpTo,
    allowCancel: row.allowCancel,
  };
}

export async function getReturnPolicy(db: Db, shop: string): Promise<ReturnPolicyRules> {
  return policyFromRow(await db.returnPolicy.findUnique({ where: { shop } }));
}

const amount = (code: string) =>
  z
    .string()
    .trim()
    .refine((value) => value === "" || (isDecimal(value) && !value.startsWith("-")), code)
    .transform((value) => (value === "" ? null : value));

const wholeNumber = (min: number, max: number, code: string) =>
  z.preprocess(
    (value) => (typeof value === "string" && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : value),
    z.number({ invalid_type_error: code }).int(code).min(min, code).max(max, code),
  );

const words = (code: string) =>
  z
    .array(z.string().trim().max(100, code), { invalid_type_error: code })
    .max(200, code)
    .transform((items) => [...new Set(items.filter(Boolean))]);

/** Error codes are message keys under returns.policy.errors in the message files. */
export const ReturnPolicyInput = z.object({
  windowDays: wholeNumber(0, 365, "windowDays"),
  finalSaleTags: words("finalSaleTags"),
  finalSaleProductIds: words("finalSaleProductIds"),
  photoReasons: words("photoReasons"),
  noteReasons: words("noteReasons"),
  autoApprove: z.boolean(),
  autoApproveUpTo: amount("autoApproveUpTo"),
  autoApproveExchanges: z.boolean(),
  restockingFeePercent: wholeNumber(0, 100, "restockingFeePercent"),
  returnShippingFee: amount("returnShippingFee").transform((value) => value ?? "0"),
  offerRefund: z.boolean(),
  offerExchanges: z.boolean(),
  offerStoreCredit: z.boolean(),
  storeCreditBonusPercent: wholeNumber(0, 100, "storeCreditBonusPercent"),
  keepItemUpTo: amount("keepItemUpTo"),
  allowCancel: z.boolean(),
});
export type ReturnPolicyInput = z.input<typeof ReturnPolicyInput>;

export type SavePolicyResult =
  | { ok: true; policy: ReturnPolicyRules }
  /** field → error code */
  | { ok: false; errors: Record<string, string> };

export async function saveReturnPolicy(db: Db, shop: string, input: unknown): Promise<SavePolicyResult> {
  const parsed = ReturnPolicyInput.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= (ReturnPolicyInput.shape as Record<string, unknown>)[field] ? field : "form";
    }
    return { ok: false, errors };
  }
  const value = parsed.data;
  if (!value.offerRefund && !value.offerExchanges && !value.offerStoreCredit)
    return { ok: false, errors: { offerRefund: "noResolution" } };
  const data = {
    ...value,
    finalSaleTags: JSON.stringify(value.finalSaleTags),
    finalSaleProductIds: JSON.stringify(value.finalSaleProductIds),
    photoReasons: JSON.stringify(value.photoReasons),
    noteReasons: JSON.stringify(value.noteReasons),
  };
  await db.returnPolicy.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true, policy: await getReturnPolicy(db, shop) };
}
