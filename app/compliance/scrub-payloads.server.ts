// Emptying raw webhook payloads that mention a customer. The rows stay (the
// audit trail of what Shopify sent and when); only the personal data goes.
import type { Tx } from "../mirror/write.server.ts";

/** Shorter strings would match unrelated payloads (a phone of "1" is in every payload). */
const MIN_SEARCH_LENGTH = 5;

/** A LIKE pattern for `text` anywhere, lower-cased, with `!` escaping LIKE's wildcards. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (char) => `!${char}`)}%`;
}

/**
 * Replaces with "{}" every stored payload of `shop` that contains `text`
 * (case-insensitive; the same SQL on SQLite and PostgreSQL). Returns how many.
 */
export async function scrubPayloadsMentioning(tx: Tx, shop: string, text: string): Promise<number> {
  if (text.trim().length < MIN_SEARCH_LENGTH) return 0;
  return tx.$executeRaw`UPDATE "WebhookEvent" SET "payload" = '{}' WHERE "shop" = ${shop} AND "payload" <> '{}' AND LOWER("payload") LIKE ${containsPattern(text)} ESCAPE '!'`;
}

/**
 * The customer's GID as it appears in every customer payload (and in the
 * customer inside an order), closing quote included so that customer 19
 * does not match customer 191167.
 */
export function customerGidInJson(customerId: string): string {
  return `gid://shopify/Customer/${customerId}"`;
}
