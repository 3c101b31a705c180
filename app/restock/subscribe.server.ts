// A shopper asks to be told when a sold-out variant is back. One row per
// shop + variant + email: a repeat signup updates phone, consent and locale.
import { z } from "zod";
import { isUniqueViolation } from "../database/errors.ts";
import type { Db } from "../db.server.ts";
import type { ShopperLocale } from "./messages.ts";
import { toE164 } from "./phone.ts";
import { variantIdOf, variantStock } from "./stock.server.ts";
import { RestockError, type RestockConfirm, type RestockSubscription } from "./types.ts";

const optionalText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((value) => (value === null || value === undefined ? "" : String(value).trim()));

const consent = z
  .union([z.boolean(), z.string(), z.null()])
  .optional()
  .transform((value) => value === true || value === "on" || value === "true" || value === "1");

/** The block's JSON ({variantId, productId, email, phone, smsConsent, locale}) or its form fields. */
export const SignupBody = z.object({
  variantId: optionalText,
  productId: optionalText,
  email: optionalText,
  phone: optionalText,
  smsConsent: consent,
  locale: optionalText,
});

export interface SignupInput {
  shop: string;
  variantId: string;
  productId: string | null;
  email: string;
  phone: string | null;
  smsConsent: boolean;
  locale: ShopperLocale;
  customerId: string | null;
}

const Email = z.string().max(254).email();
const HEADER_INJECTION = /[\r\n\0]/;

/** Validates a parsed body into a signup, or throws the RestockError the shopper should see. */
export function readSignup(
  body: z.infer<typeof SignupBody>,
  shop: string,
  locale: ShopperLocale,
  customerId: string | null,
): SignupInput {
  const variantId = variantIdOf(body.variantId);
  if (!variantId) throw new RestockError("invalid_variant");
  const email = body.email.toLowerCase();
  if (HEADER_INJECTION.test(body.email) || !Email.safeParse(email).success) throw new RestockError("invalid_email");
  let phone: string | null = null;
  if (body.phone !== "") {
    phone = toE164(body.phone);
    if (!phone) throw new RestockError("invalid_phone");
    // A number without the box ticked is not consent: we refuse rather than store a number we may not use.
    if (!body.smsConsent) throw new RestockError("consent_required");
  }
  const productId = body.productId.replace(/^gid:\/\/shopify\/Product\//, "");
  return {
    shop,
    variantId,
    productId: /^\d{1,24}$/.test(productId) ? productId : null,
    email,
    phone,
    smsConsent: phone !== null && body.smsConsent,
    locale,
    customerId: customerId && /^\d{1,24}$/.test(customerId) ? customerId : null,
  };
}

export interface SignupResult {
  subscription: RestockSubscription;
  /** false when an existing signup was updated (merged). */
  created: boolean;
}

/**
 * Stores the signup. The variant must be in the mirror for this shop (404
 * otherwise: another shop's variant is simply unknown here) and sold out
 * (409 in_stock otherwise). A new signup gets a confirmation through `confirm`;
 * a failed confirmation is logged, not the shopper's problem: the signup stands.
 */
export async function subscribeToRestock(
  db: Db,
  input: SignupInput,
  confirm: RestockConfirm | null,
  now: Date = new Date(),
): Promise<SignupResult> {
  const stock = await variantStock(db, input.shop, input.variantId);
  if (!stock) throw new RestockError("unknown_variant");
  if (stock.available > 0) throw new RestockError("in_stock");
  const key = { shop: input.shop, variantId: input.variantId, email: input.email };
  const details = {
    productId: input.productId ?? stock.productId,
    phone: input.phone,
    smsConsent: input.smsConsent,
    locale: input.locale,
    customerId: input.customerId,
  };
  // The form takes any typed address, so a signup does not lift an earlier unsubscribe:
  // the confirmation mail's link does (notices/confirm), clicked by whoever reads the address.
  for (let attempt = 1; ; attempt++) {
    const existing = await db.restockSubscription.findUnique({ where: { shop_variantId_email: key } });
    try {
      if (existing) {
        // Back on the list after unsubscribing, or after being told in an earlier
        // episode: the wait starts again from now.
        const told = await db.restockAlert.count({
          where: { shop: input.shop, subscriptionId: existing.id, sentAt: { gte: existing.createdAt } },
        });
        const requeue = existing.unsubscribedAt !== null || told > 0;
        const subscription = await db.restockSubscription.update({
          where: { id: existing.id },
          data: {
            ...details,
            customerId: input.customerId ?? existing.customerId,
            ...(requeue ? { createdAt: now, unsubscribedAt: null } : {}),
          },
        });
        // Back after an unsubscribe: the confirmation (with its link) is how the address comes back.
        if (requeue) await sendConfirmation(confirm, subscription);
        return { subscription, created: false };
      }
      const subscription = await db.restockSubscription.create({ data: { ...key, ...details, createdAt: now } });
      await sendConfirmation(confirm, subscription);
      return { subscription, created: true };
    } catch (error) {
      // Two identical signups at once: the second one merges into the first.
      if (attempt >= 2 || !isUniqueViolation(error)) throw error;
    }
  }
}

/** A failed confirmation is logged, not the shopper's problem: the signup stands. */
async function sendConfirmation(confirm: RestockConfirm | null, subscription: RestockSubscription): Promise<void> {
  await confirm?.(subscription).catch((error: unknown) => {
    console.error(`restock: confirmation for subscription ${subscription.id} failed:`, error);
  });
}
