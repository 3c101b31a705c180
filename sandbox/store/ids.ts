// Deterministic ids shaped like Shopify's: most are 18 digits, above 2^53, so
// anything that reads them as a JavaScript number loses digits and shows it;
// locations, fulfillment orders and fulfillments get short ids, as on real
// shops, so both sizes are exercised.
import type { Id } from "./types.ts";

export type IdKind =
  | "shop"
  | "location"
  | "product"
  | "variant"
  | "inventoryItem"
  | "customer"
  | "address"
  | "order"
  | "lineItem"
  | "transaction"
  | "fulfillmentOrder"
  | "fulfillmentOrderLine"
  | "fulfillmentHold"
  | "fulfillment"
  | "fulfillmentLine"
  | "fulfillmentEvent"
  | "return"
  | "returnLine"
  | "refund"
  | "refundLine"
  | "adjustmentGroup"
  | "webhookSubscription"
  | "exchangeLine"
  | "returnShippingFee"
  | "reverseFulfillmentOrder"
  | "reverseFulfillmentOrderLine"
  | "reverseDelivery"
  | "reverseDeliveryLine"
  | "disposition"
  | "storeCreditAccount"
  | "storeCreditTransaction"
  | "job";

const BASES: Record<IdKind, bigint> = {
  shop: 548_380_000n,
  location: 24_826_000n,
  product: 788_032_119_674_290_000n,
  variant: 642_667_041_472_710_000n,
  inventoryItem: 271_878_346_596_880_000n,
  customer: 706_405_506_930_370_000n,
  address: 715_243_470_612_850_000n,
  order: 820_982_911_946_150_000n,
  lineItem: 487_817_672_276_290_000n,
  transaction: 245_135_271_310_200_000n,
  fulfillmentOrder: 1_046_000_000n,
  fulfillmentOrderLine: 1_058_000_000n,
  fulfillmentHold: 9_120_000n,
  fulfillment: 4_567_000_000n,
  fulfillmentLine: 5_123_000_000n,
  fulfillmentEvent: 944_117_274_830_000_000n,
  return: 123_134_564_560_000n,
  returnLine: 987_654_320_000n,
  refund: 890_088_186_047_890_000n,
  refundLine: 866_550_000n,
  adjustmentGroup: 301_966_000_000n,
  webhookSubscription: 1_500_000_000n,
  exchangeLine: 987_654_321_280_000n,
  returnShippingFee: 987_654_321_540_000n,
  reverseFulfillmentOrder: 11_110_000n,
  reverseFulfillmentOrderLine: 22_220_000n,
  reverseDelivery: 9_080_907_650_000n,
  reverseDeliveryLine: 9_080_907_750_000n,
  disposition: 33_330_000n,
  storeCreditAccount: 44_440_000n,
  storeCreditTransaction: 55_550_000n,
  job: 666_000_000n,
};

/**
 * Kinds counted apart from the shared counter: records of the returns flow
 * (reverse logistics, exchanges, store credit, jobs) came later, and drawing
 * them from the shared counter would renumber every record seeded after them.
 */
const OWN_COUNTER = new Set<IdKind>([
  "exchangeLine",
  "returnShippingFee",
  "reverseFulfillmentOrder",
  "reverseFulfillmentOrderLine",
  "reverseDelivery",
  "reverseDeliveryLine",
  "disposition",
  "storeCreditAccount",
  "storeCreditTransaction",
  "job",
]);

/** One counter per store, so every id in a store is unique and a re-seed gives the same ids. */
export class IdSequence {
  private counter = 0;
  private readonly own = new Map<IdKind, number>();

  next(kind: IdKind): Id {
    if (OWN_COUNTER.has(kind)) {
      const next = (this.own.get(kind) ?? 0) + 1;
      this.own.set(kind, next);
      return (BASES[kind] + BigInt(next)).toString();
    }
    this.counter += 1;
    return (BASES[kind] + BigInt(this.counter)).toString();
  }
}

/** Ids compare as numbers: by length first, then digit by digit. */
export function compareIds(a: Id, b: Id): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
