// Shared shapes of back-in-stock: what the notice sender is given, and the one
// domain error that routes turn into 4xx answers.
import type { RestockEpisode, RestockSubscription } from "../generated/prisma-sqlite/client.ts";

export type { RestockEpisode, RestockSubscription };

/**
 * Tells one subscriber that the variant is back (kind "restock"). Injected, so
 * the wave logic does not depend on how notices are sent; it is called only
 * after the subscriber's RestockAlert row is claimed, and must be idempotent
 * per (episode, subscription) — the notice engine's dedupe key makes it so.
 */
export type RestockNotify = (subscription: RestockSubscription, episode: RestockEpisode) => Promise<void>;

/** Confirms a new signup (kind "restock_confirmation"). */
export type RestockConfirm = (subscription: RestockSubscription) => Promise<void>;

export type RestockErrorCode =
  | "malformed"
  | "too_large"
  | "invalid_email"
  | "invalid_phone"
  | "consent_required"
  | "invalid_variant"
  | "unknown_variant"
  | "in_stock"
  | "rate_limited";

export const STATUS_OF: Record<RestockErrorCode, number> = {
  malformed: 400,
  too_large: 413,
  invalid_email: 400,
  invalid_phone: 400,
  consent_required: 400,
  invalid_variant: 400,
  unknown_variant: 404,
  in_stock: 409,
  rate_limited: 429,
};

export class RestockError extends Error {
  readonly code: RestockErrorCode;
  readonly retryAfterS?: number;
  constructor(code: RestockErrorCode, retryAfterS?: number) {
    super(code);
    this.name = "RestockError";
    this.code = code;
    if (retryAfterS !== undefined) this.retryAfterS = retryAfterS;
  }
}

/** Days after an alert during which a purchase of the variant is credited to it. */
export const ATTRIBUTION_DAYS = 7;
