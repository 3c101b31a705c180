// A request the store refuses (unknown record, too many items, wrong state).
// The Admin API emulator turns it into a mutation's userErrors, as Shopify does.

export class StoreError extends Error {
  override name = "StoreError";

  constructor(
    message: string,
    /** Where in the input the problem is, e.g. ["returnLineItems", "0", "quantity"]. */
    readonly field: string[] | null,
    /** Shopify's error code for it, e.g. NOT_FOUND or INVALID_STATE. */
    readonly code: string,
  ) {
    super(message);
  }
}

export function notFound(what: string, field: string[] | null = null): StoreError {
  return new StoreError(`${what} does not exist`, field, "NOT_FOUND");
}
