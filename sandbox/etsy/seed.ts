// The demo's Etsy shop: one seller in JPY with a few receipts (shipped, paid
// and waiting past the handling time, one with a note from the buyer). Made-up data.
import type { EtsyStandIn } from "./index.ts";
import { etsyReceipt } from "./receipts.ts";

export const DEMO_ETSY_SELLER = {
  userId: 51000001,
  shopId: 61000001,
  shopName: "KizunaCraftsJP",
  currency: "JPY",
  email: "owner@kizunacrafts.example",
};

export function seedDemoEtsyShop(etsy: EtsyStandIn, nowS = Math.floor(Date.now() / 1000)): { receipts: number } {
  etsy.addSeller(DEMO_ETSY_SELLER);
  const day = 24 * 3600;
  const base = { sellerUserId: DEMO_ETSY_SELLER.userId, currency: "JPY", divisor: 1 };
  const receipts = [
    etsyReceipt({
      ...base,
      receiptId: 3100000001,
      buyerUserId: 71000001,
      buyerName: "Hana Sato",
      buyerEmail: "hana.sato@example.jp",
      country: "JP",
      createdAt: nowS - 9 * day,
      updatedAt: nowS - 9 * day,
      messageFromBuyer: "ギフト用に包んでいただけますか？",
      items: [{ transactionId: 3700000001, listingId: 1500000001, title: "藍染めハンカチ", quantity: 2, price: 1800 }],
      shipping: 400,
    }),
    etsyReceipt({
      ...base,
      receiptId: 3100000002,
      buyerUserId: 71000002,
      buyerName: "Emma Clarke",
      buyerEmail: "emma.clarke@example.com",
      country: "GB",
      createdAt: nowS - 6 * day,
      updatedAt: nowS - 3 * day,
      items: [
        {
          transactionId: 3700000002,
          listingId: 1500000002,
          title: "Ceramic tea cup",
          quantity: 1,
          price: 3200,
          variations: [["Colour", "Celadon"]],
        },
      ],
      shipping: 1500,
      shipments: [{ id: 1200000000002, at: nowS - 3 * day, carrier: "Japan Post", trackingCode: "EJ000000000JP" }],
    }),
    etsyReceipt({
      ...base,
      receiptId: 3100000003,
      buyerUserId: 71000003,
      buyerName: "Kenji Mori",
      buyerEmail: null,
      country: "JP",
      createdAt: nowS - 1 * day,
      items: [{ transactionId: 3700000003, listingId: 1500000003, title: "木製スプーン", quantity: 3, price: 900 }],
    }),
  ];
  for (const receipt of receipts) etsy.putReceipt(DEMO_ETSY_SELLER.shopId, receipt);
  return { receipts: receipts.length };
}
