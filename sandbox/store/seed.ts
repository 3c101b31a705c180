// The demo shop: "Kizuna Demo Store" (JPY, Asia/Tokyo) with a small Japanese
// homeware catalogue (some of it sold out), customers reading Japanese or
// English, and orders in every state Kizuna cares about. Everything is placed
// relative to `now` and built through the store's own actions, so the seed is
// deterministic and its records are as consistent as the emulator's own.
import { addLocation, addProduct } from "./catalogue.ts";
import { businessDaysBefore, wholeSeconds } from "./clock.ts";
import { addCustomer, displayName, type NewCustomer } from "./customers.ts";
import { addFulfillmentEvent, fulfillOrder, holdFulfillmentOrder } from "./fulfillment.ts";
import { cancelOrder, createOrder } from "./orders.ts";
import { createRefund } from "./refunds.ts";
import {
  approveReturn,
  cancelReturn,
  closeReturn,
  createReturn,
  declineReturn,
  financialOutcome,
  processReturn,
  requestReturn,
  saleTransaction,
} from "./returns.ts";
import type { SandboxStore } from "./store.ts";
import type { ShopData } from "./shop-data.ts";
import type {
  Address,
  CancelReason,
  Customer,
  FulfillmentEventStatus,
  FulfillmentHoldReason,
  Id,
  Order,
  Return,
  ReturnDeclineReason,
  ReturnReason,
  Variant,
} from "./types.ts";

export const DEMO_SHOP = "kizuna-demo.myshopify.com";

/** Each seeded order shows one situation; the demo prints which order shows what. */
export const SCENARIOS = {
  "unfulfilled-within-handling-time": "Unfulfilled, still within the handling time",
  "unfulfilled-past-handling-time": "Unfulfilled 5 business days after the order: past the handling time",
  "partially-fulfilled": "One item shipped and delivered, the rest still waiting past the handling time",
  "on-hold-out-of-stock": "On hold: an item is out of stock (INVENTORY_OUT_OF_STOCK)",
  "on-hold-incorrect-address": "On hold: the address needs checking (INCORRECT_ADDRESS)",
  "in-transit": "In transit, with recent carrier scans",
  "out-for-delivery": "Out for delivery today",
  "stalled-in-transit": "In transit but stalled: no carrier scan for 6 days",
  delayed: "The carrier reported a DELAYED event",
  "delivery-failure": "The carrier reported a FAILURE event",
  "attempted-delivery": "Delivery attempted, nobody home (ATTEMPTED_DELIVERY)",
  "past-estimated-delivery": "Past its estimated delivery date, not delivered",
  "delivered-recently": "Delivered yesterday",
  "delivered-long-ago": "Delivered 40 days ago",
  "partly-refunded": "Delivered, then partly refunded (one damaged item)",
  cancelled: "Cancelled by the customer and refunded",
  "return-requested": "Delivered; the customer requested a return (waiting for approval)",
  "return-open": "Return approved, waiting for the items to come back",
  "guest-checkout": "Guest checkout (no customer account), in transit",
  "return-declined": "Delivered; the return request was declined (final sale)",
  "return-closed": "Return received, restocked, refunded and closed",
  "return-canceled": "Return approved, then cancelled before anything was sent back",
  "return-exchange": "Return open with an exchange for another colour (created by the seller)",
  refundable: "Delivered 4 days ago, nothing refunded: refundable in full",
  cancellable: "Paid 3 hours ago, not fulfilled yet: can still be cancelled",
  "past-return-window": "Delivered 35 days ago: outside a 30-day return window",
} as const;

export type Scenario = keyof typeof SCENARIOS;

export interface SeedSummary {
  shop: string;
  name: string;
  currency: string;
  timezone: string;
  locations: string[];
  products: { title: string; variants: number; soldOut: string[] }[];
  customers: { name: string; locale: string; smsConsent: boolean }[];
  orders: { id: Id; name: string; scenario: Scenario; description: string; customer: string | null; locale: string }[];
}

const HOUR = 60 * 60 * 1000;

type VariantKey =
  | "mug-white"
  | "mug-indigo"
  | "sencha"
  | "furoshiki-wave"
  | "furoshiki-sakura"
  | "furoshiki-asanoha"
  | "teapot"
  | "bath-mat"
  | "tenugui";

type CustomerKey =
  "sato" | "suzuki" | "takahashi" | "tanaka" | "ito" | "watanabe" | "emma" | "liam" | "olivia" | "noah";

type Carrier = "yamato" | "sagawa" | "japanpost";

interface Scan {
  status: FulfillmentEventStatus;
  at: Date;
  city: string;
  message: string;
  eta?: Date | null;
  country: string;
}

interface OrderPlan {
  scenario: Scenario;
  customer: CustomerKey | null;
  items: [VariantKey, number][];
  placedAt: Date;
  hold?: { reason: FulfillmentHoldReason; notes: string; at: Date };
  /** Ships `items` (or only `only`) with the given carrier scans. */
  parcel?: { carrier: Carrier; shippedAt: Date; scans: Scan[]; only?: [VariantKey, number][] };
  refund?: { items: [VariantKey, number][]; note: string; at: Date };
  cancel?: { reason: CancelReason; at: Date };
  return?: ReturnPlan;
}

interface ReturnPlan {
  items: [VariantKey, number][];
  reason: ReturnReason;
  /** The shop's return reason (a standard handle); else the one for `reason`. */
  handle?: string;
  note: string;
  at: Date;
  approvedAt?: Date;
  /** Created by the seller (returnCreate: open at once), with these exchange lines. */
  created?: { exchange: [VariantKey, number][] };
  declined?: { reason: ReturnDeclineReason; note: string; at: Date };
  canceledAt?: Date;
  /** Received: restocked at the shipping location and refunded what Shopify suggests. */
  processedAt?: Date;
  closedAt?: Date;
}

function jpAddress(
  first: string,
  last: string,
  lines: { address1: string; city: string; province: string; provinceCode: string; zip: string },
  phone: string | null,
): Address {
  return {
    firstName: first,
    lastName: last,
    company: null,
    address2: null,
    country: "Japan",
    countryCode: "JP",
    phone,
    ...lines,
  };
}

function customerPlans(): Record<CustomerKey, Omit<NewCustomer, "at">> {
  const ja = (
    first: string,
    last: string,
    email: string,
    phone: string | null,
    lines: Parameters<typeof jpAddress>[2],
  ) => ({
    firstName: first,
    lastName: last,
    email,
    phone,
    locale: "ja",
    address: jpAddress(first, last, lines, phone),
  });
  return {
    sato: {
      ...ja("花子", "佐藤", "hanako.sato@example.com", "+819012345601", {
        address1: "神宮前1-2-3",
        city: "渋谷区",
        province: "Tokyo",
        provinceCode: "JP-13",
        zip: "150-0001",
      }),
      emailMarketing: "SUBSCRIBED",
      smsMarketing: "SUBSCRIBED",
    },
    suzuki: ja("一郎", "鈴木", "ichiro.suzuki@example.com", "+819012345602", {
      address1: "梅田2-4-9",
      city: "大阪市北区",
      province: "Osaka",
      provinceCode: "JP-27",
      zip: "530-0001",
    }),
    takahashi: {
      ...ja("美咲", "高橋", "misaki.takahashi@example.com", "+819012345603", {
        address1: "みなとみらい3-5-1",
        city: "横浜市西区",
        province: "Kanagawa",
        provinceCode: "JP-14",
        zip: "220-0012",
      }),
      smsMarketing: "SUBSCRIBED",
    },
    tanaka: {
      ...ja("健太", "田中", "kenta.tanaka@example.com", null, {
        address1: "栄3-15-33",
        city: "名古屋市中区",
        province: "Aichi",
        provinceCode: "JP-23",
        zip: "460-0008",
      }),
      emailMarketing: "SUBSCRIBED",
    },
    ito: {
      ...ja("さくら", "伊藤", "sakura.ito@example.com", "+819012345605", {
        address1: "天神2-11-1",
        city: "福岡市中央区",
        province: "Fukuoka",
        provinceCode: "JP-40",
        zip: "810-0001",
      }),
      smsMarketing: "UNSUBSCRIBED",
    },
    watanabe: ja("翔", "渡辺", "sho.watanabe@example.com", null, {
      address1: "北1条西2-1",
      city: "札幌市中央区",
      province: "Hokkaido",
      provinceCode: "JP-01",
      zip: "060-0001",
    }),
    emma: {
      firstName: "Emma",
      lastName: "Wilson",
      email: "emma.wilson@example.com",
      phone: "+14155550107",
      locale: "en",
      emailMarketing: "SUBSCRIBED",
      smsMarketing: "SUBSCRIBED",
      address: {
        firstName: "Emma",
        lastName: "Wilson",
        company: null,
        address1: "500 Market Street",
        address2: "Apt 12",
        city: "San Francisco",
        province: "California",
        provinceCode: "CA",
        zip: "94105",
        country: "United States",
        countryCode: "US",
        phone: "+14155550107",
      },
    },
    liam: {
      firstName: "Liam",
      lastName: "Carter",
      email: "liam.carter@example.com",
      phone: "+819012345608",
      locale: "en",
      address: jpAddress(
        "Liam",
        "Carter",
        { address1: "6-10-1 Roppongi", city: "Minato-ku", province: "Tokyo", provinceCode: "JP-13", zip: "106-6108" },
        "+819012345608",
      ),
    },
    olivia: {
      firstName: "Olivia",
      lastName: "Brown",
      email: "olivia.brown@example.com",
      locale: "en",
      emailMarketing: "UNSUBSCRIBED",
      address: jpAddress(
        "Olivia",
        "Brown",
        // The postal code belongs to another ward: the address hold below is about it.
        {
          address1: "35 Shimogamo-Izumikawacho",
          city: "Kyoto",
          province: "Kyoto",
          provinceCode: "JP-26",
          zip: "600-0000",
        },
        null,
      ),
    },
    noah: {
      firstName: "Noah",
      lastName: "Smith",
      email: "noah.smith@example.com",
      phone: "+819012345610",
      locale: "en",
      smsMarketing: "SUBSCRIBED",
      address: jpAddress(
        "Noah",
        "Smith",
        { address1: "1-1 Harborland", city: "Kobe", province: "Hyogo", provinceCode: "JP-28", zip: "650-0044" },
        "+819012345610",
      ),
    },
  };
}

const CARRIERS: Record<Carrier, { company: string; url: (number: string) => string; number: (n: number) => string }> = {
  yamato: {
    company: "Yamato (JA)",
    url: (number) => `https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number01=${number}`,
    number: (n) => `4512${String(n * 7919).padStart(8, "0")}`,
  },
  sagawa: {
    company: "Sagawa (JA)",
    url: (number) => `https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=${number}`,
    number: (n) => `3600${String(n * 6151).padStart(8, "0")}`,
  },
  japanpost: {
    company: "Japan Post (EN)",
    url: (number) => `https://trackings.post.japanpost.jp/services/srv/search/?requestNo1=${number}`,
    number: (n) => `EJ${String(n * 3571).padStart(9, "0")}JP`,
  },
};

/** The seeded orders, oldest first once sorted. `now` is whole seconds. */
function orderPlans(now: Date, timeZone: string): OrderPlan[] {
  const ago = (days: number, hours = 0) => new Date(now.getTime() - (days * 24 + hours) * HOUR);
  const ahead = (days: number, hours = 0) => new Date(now.getTime() + (days * 24 + hours) * HOUR);
  const scan = (status: FulfillmentEventStatus, at: Date, city: string, message: string, eta?: Date | null): Scan => ({
    status,
    at,
    city,
    message,
    eta,
    country: "JP",
  });
  return [
    { scenario: "unfulfilled-within-handling-time", customer: "sato", items: [["sencha", 2]], placedAt: ago(0, 5) },
    {
      scenario: "unfulfilled-within-handling-time",
      customer: "emma",
      items: [
        ["tenugui", 1],
        ["mug-white", 1],
      ],
      placedAt: ago(1, 2),
    },
    {
      scenario: "unfulfilled-past-handling-time",
      customer: "suzuki",
      items: [["teapot", 1]],
      placedAt: businessDaysBefore(now, 5, timeZone),
    },
    {
      scenario: "partially-fulfilled",
      customer: "liam",
      items: [
        ["furoshiki-wave", 1],
        ["furoshiki-asanoha", 2],
      ],
      placedAt: businessDaysBefore(now, 6, timeZone),
      parcel: {
        carrier: "yamato",
        only: [["furoshiki-wave", 1]],
        shippedAt: ago(5),
        scans: [
          scan("CONFIRMED", ago(5), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(4, 12), "Tokyo", "In transit to the delivery office", ago(3)),
          scan("DELIVERED", ago(3, 4), "Minato-ku", "Delivered"),
        ],
      },
    },
    {
      scenario: "on-hold-out-of-stock",
      customer: "takahashi",
      items: [["mug-indigo", 2]],
      placedAt: ago(3),
      hold: {
        reason: "INVENTORY_OUT_OF_STOCK",
        notes: "Indigo mugs come back with the next kiln firing",
        at: ago(2, 22),
      },
    },
    {
      scenario: "on-hold-incorrect-address",
      customer: "olivia",
      items: [["sencha", 1]],
      placedAt: ago(2),
      hold: { reason: "INCORRECT_ADDRESS", notes: "Postal code does not match the street address", at: ago(1, 23) },
    },
    {
      scenario: "in-transit",
      customer: "ito",
      items: [["furoshiki-asanoha", 1]],
      placedAt: ago(3),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(2),
        scans: [
          scan("CONFIRMED", ago(2), "Tokyo", "Shipment information received"),
          scan("CARRIER_PICKED_UP", ago(1, 20), "Tokyo", "Picked up by the carrier"),
          scan("IN_TRANSIT", ago(1), "Osaka", "Arrived at the regional hub", ahead(1)),
          scan("IN_TRANSIT", ago(0, 5), "Fukuoka", "Arrived at the delivery office", ahead(1)),
        ],
      },
    },
    {
      scenario: "out-for-delivery",
      customer: "noah",
      items: [["tenugui", 2]],
      placedAt: ago(4),
      parcel: {
        carrier: "sagawa",
        shippedAt: ago(3),
        scans: [
          scan("CONFIRMED", ago(3), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(2), "Osaka", "In transit", ahead(0, 6)),
          scan("OUT_FOR_DELIVERY", ago(0, 2), "Kobe", "Out for delivery", ahead(0, 6)),
        ],
      },
    },
    {
      scenario: "stalled-in-transit",
      customer: "tanaka",
      items: [["mug-white", 1]],
      placedAt: ago(12),
      parcel: {
        carrier: "sagawa",
        shippedAt: ago(10),
        scans: [
          scan("CONFIRMED", ago(10), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(9), "Tokyo", "Departed the sorting centre", ahead(2)),
          scan("IN_TRANSIT", ago(6), "Shizuoka", "In transit", ahead(2)),
        ],
      },
    },
    {
      scenario: "delayed",
      customer: "watanabe",
      items: [["teapot", 1]],
      placedAt: ago(6),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(5),
        scans: [
          scan("CONFIRMED", ago(5), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(4), "Sendai", "In transit", ago(2)),
          scan("DELAYED", ago(1), "Aomori", "Ferry to Hokkaido cancelled: typhoon", ahead(3)),
        ],
      },
    },
    {
      scenario: "delivery-failure",
      customer: "emma",
      items: [["sencha", 3]],
      placedAt: ago(7),
      parcel: {
        carrier: "japanpost",
        shippedAt: ago(6),
        scans: [
          scan("CONFIRMED", ago(6), "Tokyo", "Posting/Collection"),
          scan("IN_TRANSIT", ago(5), "Tokyo", "Dispatch from the office of exchange", ago(1)),
          { ...scan("FAILURE", ago(1), "San Francisco", "Held at customs: returning to sender"), country: "US" },
        ],
      },
    },
    {
      scenario: "attempted-delivery",
      customer: "sato",
      items: [["furoshiki-wave", 2]],
      placedAt: ago(5),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(4),
        scans: [
          scan("CONFIRMED", ago(4), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(3), "Tokyo", "In transit", ahead(0)),
          scan("OUT_FOR_DELIVERY", ago(0, 12), "Shibuya-ku", "Out for delivery", ago(0, 6)),
          scan("ATTEMPTED_DELIVERY", ago(0, 8), "Shibuya-ku", "Recipient not at home: notice left"),
        ],
      },
    },
    {
      scenario: "past-estimated-delivery",
      customer: "liam",
      items: [["tenugui", 1]],
      placedAt: ago(9),
      parcel: {
        carrier: "japanpost",
        shippedAt: ago(8),
        scans: [
          scan("CONFIRMED", ago(8), "Tokyo", "Posting/Collection"),
          scan("IN_TRANSIT", ago(7), "Tokyo", "En route", ago(3)),
          scan("IN_TRANSIT", ago(4), "Tokyo", "En route", ago(2)),
        ],
      },
    },
    {
      scenario: "delivered-recently",
      customer: "suzuki",
      items: [["sencha", 2]],
      placedAt: ago(5),
      parcel: {
        carrier: "sagawa",
        shippedAt: ago(4),
        scans: [
          scan("CONFIRMED", ago(4), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(3), "Osaka", "In transit", ago(1)),
          scan("OUT_FOR_DELIVERY", ago(1, 4), "Osaka", "Out for delivery", ago(1)),
          scan("DELIVERED", ago(1), "Osaka", "Delivered"),
        ],
      },
    },
    {
      scenario: "delivered-long-ago",
      customer: "olivia",
      items: [["furoshiki-wave", 1]],
      placedAt: ago(45),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(44),
        scans: [
          scan("CONFIRMED", ago(44), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(43), "Kyoto", "In transit", ago(41)),
          scan("DELIVERED", ago(40), "Kyoto", "Delivered"),
        ],
      },
    },
    {
      scenario: "partly-refunded",
      customer: "takahashi",
      items: [
        ["mug-white", 2],
        ["sencha", 1],
      ],
      placedAt: ago(14),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(13),
        scans: [
          scan("CONFIRMED", ago(13), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(12), "Yokohama", "In transit", ago(10)),
          scan("DELIVERED", ago(10), "Yokohama", "Delivered"),
        ],
      },
      refund: { items: [["mug-white", 1]], note: "One mug arrived chipped", at: ago(8) },
    },
    {
      scenario: "cancelled",
      customer: "noah",
      items: [["bath-mat", 1]],
      placedAt: ago(4),
      cancel: { reason: "CUSTOMER", at: ago(3) },
    },
    {
      scenario: "return-requested",
      customer: "ito",
      items: [["furoshiki-sakura", 1]],
      placedAt: ago(12),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(11),
        scans: [
          scan("CONFIRMED", ago(11), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(10), "Fukuoka", "In transit", ago(8)),
          scan("DELIVERED", ago(8), "Fukuoka", "Delivered"),
        ],
      },
      return: { items: [["furoshiki-sakura", 1]], reason: "COLOR", note: "色が写真と違いました", at: ago(1) },
    },
    {
      scenario: "return-open",
      customer: "tanaka",
      items: [["teapot", 1]],
      placedAt: ago(16),
      parcel: {
        carrier: "sagawa",
        shippedAt: ago(15),
        scans: [
          scan("CONFIRMED", ago(15), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(14), "Nagoya", "In transit", ago(12)),
          scan("DELIVERED", ago(12), "Nagoya", "Delivered"),
        ],
      },
      return: {
        items: [["teapot", 1]],
        reason: "DEFECTIVE",
        note: "注ぎ口から水漏れがあります",
        at: ago(4),
        approvedAt: ago(3),
      },
    },
    {
      scenario: "guest-checkout",
      customer: null,
      items: [["sencha", 1]],
      placedAt: ago(2),
      parcel: {
        carrier: "yamato",
        shippedAt: ago(1),
        scans: [
          scan("CONFIRMED", ago(1), "Tokyo", "Shipment information received"),
          scan("IN_TRANSIT", ago(0, 10), "Tokyo", "In transit", ahead(1)),
        ],
      },
    },
  ];
}

/**
 * Orders added for returns, refunds and cancellation. They are placed after
 * the orders above (so those keep their numbers and ids) whatever their dates.
 */
function returnOrderPlans(now: Date): OrderPlan[] {
  const ago = (days: number, hours = 0) => new Date(now.getTime() - (days * 24 + hours) * HOUR);
  const delivered = (carrier: Carrier, shipped: number, deliveredDaysAgo: number, city: string) => ({
    carrier,
    shippedAt: ago(shipped),
    scans: [
      {
        status: "CONFIRMED" as const,
        at: ago(shipped),
        city: "Tokyo",
        message: "Shipment information received",
        country: "JP",
      },
      { status: "IN_TRANSIT" as const, at: ago(shipped - 1), city, message: "In transit", country: "JP" },
      { status: "DELIVERED" as const, at: ago(deliveredDaysAgo), city, message: "Delivered", country: "JP" },
    ],
  });
  return [
    {
      scenario: "return-declined",
      customer: "suzuki",
      items: [["mug-white", 1]],
      placedAt: ago(20, 2),
      parcel: delivered("sagawa", 19, 17, "Osaka"),
      return: {
        items: [["mug-white", 1]],
        reason: "UNWANTED",
        handle: "changed-mind",
        note: "やっぱり別の色が欲しくなりました",
        at: ago(3),
        declined: { reason: "FINAL_SALE", note: "セール品のため返品をお受けできません。", at: ago(2) },
      },
    },
    {
      scenario: "return-closed",
      customer: "emma",
      items: [
        ["tenugui", 1],
        ["sencha", 1],
      ],
      placedAt: ago(26, 3),
      parcel: delivered("japanpost", 25, 22, "San Francisco"),
      return: {
        items: [["tenugui", 1]],
        reason: "DEFECTIVE",
        handle: "damaged",
        note: "One towel arrived torn",
        at: ago(10),
        created: { exchange: [] },
        processedAt: ago(6),
        closedAt: ago(5),
      },
    },
    {
      scenario: "return-canceled",
      customer: "watanabe",
      items: [["sencha", 2]],
      placedAt: ago(18, 4),
      parcel: delivered("yamato", 17, 15, "Sapporo"),
      return: {
        items: [["sencha", 1]],
        reason: "UNWANTED",
        handle: "changed-mind",
        note: "注文しすぎました",
        at: ago(6),
        approvedAt: ago(5),
        canceledAt: ago(4),
      },
    },
    {
      scenario: "return-exchange",
      customer: "liam",
      items: [["furoshiki-wave", 1]],
      placedAt: ago(11, 5),
      parcel: delivered("yamato", 10, 8, "Minato-ku"),
      return: {
        items: [["furoshiki-wave", 1]],
        reason: "COLOR",
        handle: "color",
        note: "Could I have the Asanoha pattern instead?",
        at: ago(2),
        created: { exchange: [["furoshiki-asanoha", 1]] },
      },
    },
    {
      scenario: "refundable",
      customer: "sato",
      items: [["teapot", 1]],
      placedAt: ago(7, 6),
      parcel: delivered("yamato", 6, 4, "Shibuya-ku"),
    },
    {
      scenario: "cancellable",
      customer: "ito",
      items: [
        ["tenugui", 1],
        ["sencha", 1],
      ],
      placedAt: ago(0, 3),
    },
    {
      scenario: "past-return-window",
      customer: "noah",
      items: [["mug-white", 1]],
      placedAt: ago(38, 7),
      parcel: delivered("sagawa", 37, 35, "Kobe"),
    },
  ];
}

const GUEST_ADDRESS = jpAddress(
  "Mia",
  "Jones",
  { address1: "2-11-3 Meguro", city: "Meguro-ku", province: "Tokyo", provinceCode: "JP-13", zip: "153-0063" },
  null,
);

/** Free shipping from ¥5,000 in Japan, ¥800 below; ¥2,500 by EMS abroad. */
function shippingPrice(address: Address | null, subtotal: number): string {
  if (address && address.countryCode !== "JP") return "2500";
  return subtotal >= 5000 ? "0" : "800";
}

export function seedDemoShop(store: SandboxStore, shop: string = DEMO_SHOP, now: Date = new Date()): SeedSummary {
  const at = wholeSeconds(now);
  const timezone = "Asia/Tokyo";
  const data = store.addShop({
    domain: shop,
    name: "Kizuna Demo Store",
    email: "owner@kizuna-demo.example",
    contactEmail: "support@kizuna-demo.example",
    currency: "JPY",
    ianaTimezone: timezone,
    address: {
      firstName: "",
      lastName: "",
      company: "Kizuna Demo Store",
      address1: "1-2-3 Jingumae",
      address2: null,
      city: "Shibuya-ku",
      province: "Tokyo",
      provinceCode: "JP-13",
      zip: "150-0001",
      country: "Japan",
      countryCode: "JP",
      phone: "+81312345678",
    },
    createdAt: new Date(at.getTime() - 400 * 24 * HOUR),
  });
  const variants = seedCatalogue(data, new Date(at.getTime() - 120 * 24 * HOUR));
  const customers = seedCustomers(data, at);
  const byDate = (a: OrderPlan, b: OrderPlan) => a.placedAt.getTime() - b.placedAt.getTime();
  const orders = orderPlans(at, timezone)
    .sort(byDate)
    .map((plan) => ({ plan, order: placeOrder(data, plan, variants, customers) }));
  // Placed after the first ones (their numbers come after), listed by date with them.
  const returnOrders = returnOrderPlans(at)
    .sort(byDate)
    .map((plan) => ({ plan, order: placeOrder(data, plan, variants, customers) }));
  const all = [...orders, ...returnOrders].sort((a, b) => byDate(a.plan, b.plan));
  return summarize(data, all);
}

function seedCatalogue(data: ShopData, at: Date): Record<VariantKey, Variant> {
  const tokyo = addLocation(data, {
    name: "Tokyo Warehouse",
    address: {
      address1: "2-4-1 Shibaura",
      address2: null,
      city: "Minato-ku",
      province: "Tokyo",
      provinceCode: "JP-13",
      zip: "108-0023",
      country: "Japan",
      countryCode: "JP",
      phone: null,
    },
    at,
  }).id;
  const osaka = addLocation(data, {
    name: "Osaka Shop",
    address: {
      address1: "1-1-3 Umeda",
      address2: null,
      city: "Kita-ku, Osaka",
      province: "Osaka",
      provinceCode: "JP-27",
      zip: "530-0001",
      country: "Japan",
      countryCode: "JP",
      phone: null,
    },
    at,
  }).id;
  const stock = (t: number, o: number) => ({ [tokyo]: t, [osaka]: o });
  const mug = addProduct(data, {
    title: "Hasami Porcelain Mug",
    vendor: "Hasami Kiln",
    productType: "Tableware",
    tags: ["porcelain", "gift"],
    variants: [
      { title: "White", sku: "KZ-MUG-WHT", price: "3300", stock: stock(24, 6) },
      { title: "Indigo", sku: "KZ-MUG-IND", price: "3300", stock: stock(0, 0) },
    ],
    at,
  }).variants;
  const tea = addProduct(data, {
    title: "Sencha Green Tea 100g",
    vendor: "Uji Tea Garden",
    productType: "Tea",
    variants: [{ sku: "KZ-TEA-SEN", price: "1800", stock: stock(120, 30) }],
    at,
  }).variants;
  const furoshiki = addProduct(data, {
    title: "Furoshiki Wrapping Cloth",
    vendor: "Kyoto Textiles",
    productType: "Textiles",
    variants: [
      { title: "Wave", sku: "KZ-FRS-WAV", price: "2400", stock: stock(15, 0) },
      { title: "Sakura", sku: "KZ-FRS-SAK", price: "2400", stock: stock(0, 0) },
      { title: "Asanoha", sku: "KZ-FRS-ASA", price: "2400", stock: stock(8, 2) },
    ],
    at,
  }).variants;
  const teapot = addProduct(data, {
    title: "Cast Iron Teapot",
    vendor: "Nambu Tekki",
    productType: "Tea ware",
    variants: [{ sku: "KZ-POT-IRN", price: "12800", stock: stock(3, 0) }],
    at,
  }).variants;
  const bathMat = addProduct(data, {
    title: "Hinoki Bath Mat",
    vendor: "Kiso Woodworks",
    productType: "Bath",
    variants: [{ sku: "KZ-MAT-HNK", price: "6500", stock: stock(0, 0) }],
    at,
  }).variants;
  const tenugui = addProduct(data, {
    title: "Tenugui Hand Towel Set",
    vendor: "Kyoto Textiles",
    productType: "Textiles",
    variants: [{ title: "Set of 3", sku: "KZ-TNG-SET3", price: "2000", stock: stock(40, 10) }],
    at,
  }).variants;
  const pick = (list: Variant[], index: number): Variant => {
    const variant = list[index];
    if (!variant) throw new Error("seed catalogue is missing a variant");
    return variant;
  };
  return {
    "mug-white": pick(mug, 0),
    "mug-indigo": pick(mug, 1),
    sencha: pick(tea, 0),
    "furoshiki-wave": pick(furoshiki, 0),
    "furoshiki-sakura": pick(furoshiki, 1),
    "furoshiki-asanoha": pick(furoshiki, 2),
    teapot: pick(teapot, 0),
    "bath-mat": pick(bathMat, 0),
    tenugui: pick(tenugui, 0),
  };
}

function seedCustomers(data: ShopData, now: Date): Record<CustomerKey, Customer> {
  const plans = customerPlans();
  const keys = Object.keys(plans) as CustomerKey[];
  // Joined between 200 and 60 days ago, a fortnight apart.
  const entries = keys.map((key, index) => {
    const joined = new Date(now.getTime() - (200 - index * 14) * 24 * HOUR);
    return [key, addCustomer(data, { ...plans[key], at: joined })] as const;
  });
  return Object.fromEntries(entries) as Record<CustomerKey, Customer>;
}

function placeOrder(
  data: ShopData,
  plan: OrderPlan,
  variants: Record<VariantKey, Variant>,
  customers: Record<CustomerKey, Customer>,
): Order {
  const customer = plan.customer ? customers[plan.customer] : null;
  const address = customer?.address ?? GUEST_ADDRESS;
  const lines = (items: [VariantKey, number][]) =>
    items.map(([key, quantity]) => ({ key, variant: variants[key], quantity }));
  const subtotal = lines(plan.items).reduce((total, line) => total + Number(line.variant.price) * line.quantity, 0);
  const order = createOrder(data, {
    customerId: customer?.id ?? null,
    lineItems: lines(plan.items).map((line) => ({ variantId: line.variant.id, quantity: line.quantity })),
    createdAt: plan.placedAt,
    ...(customer ? {} : { customerLocale: "en", email: "mia.jones@example.com", shippingAddress: GUEST_ADDRESS }),
    shippingPrice: shippingPrice(address, subtotal),
  });
  const lineItemOf = (key: VariantKey): Id => {
    const item = order.lineItems.find((candidate) => candidate.variantId === variants[key].id);
    if (!item) throw new Error(`seed order ${order.name} has no ${key}`);
    return item.id;
  };
  if (plan.hold) {
    const fulfillmentOrder = data.fulfillmentOrdersOf(order.id)[0];
    if (fulfillmentOrder) {
      holdFulfillmentOrder(data, fulfillmentOrder.id, {
        reason: plan.hold.reason,
        reasonNotes: plan.hold.notes,
        at: plan.hold.at,
      });
    }
  }
  if (plan.parcel) {
    const carrier = CARRIERS[plan.parcel.carrier];
    const number = carrier.number(order.number);
    const fulfillment = fulfillOrder(data, {
      orderId: order.id,
      lines: plan.parcel.only?.map(([key, quantity]) => ({ lineItemId: lineItemOf(key), quantity })),
      tracking: { company: carrier.company, number, url: carrier.url(number) },
      at: plan.parcel.shippedAt,
    });
    for (const scan of plan.parcel.scans) {
      addFulfillmentEvent(data, {
        fulfillmentId: fulfillment.id,
        status: scan.status,
        message: scan.message,
        happenedAt: scan.at,
        estimatedDeliveryAt: scan.eta ?? null,
        city: scan.city,
        country: scan.country,
      });
    }
    if (plan.return) {
      const returned = plan.return;
      const lines = returned.items.map(([key, quantity]) => {
        const line = fulfillment.lines.find((candidate) => candidate.lineItemId === lineItemOf(key));
        if (!line) throw new Error(`seed parcel of ${order.name} has no ${key}`);
        return {
          fulfillmentLineItemId: line.id,
          quantity,
          returnReason: returned.reason,
          returnReasonDefinitionId: returned.handle ? (data.returnReasonByHandle(returned.handle)?.id ?? null) : null,
          customerNote: returned.note,
        };
      });
      const ret = returned.created
        ? createReturn(data, {
            orderId: order.id,
            lines,
            exchangeLines: returned.created.exchange.map(([key, quantity]) => ({
              variantId: variants[key].id,
              quantity,
            })),
            at: returned.at,
          })
        : requestReturn(data, { orderId: order.id, lines, at: returned.at });
      if (returned.approvedAt) approveReturn(data, ret.id, returned.approvedAt);
      if (returned.declined) declineReturn(data, ret.id, returned.declined, returned.declined.at);
      if (returned.processedAt) receiveAndRefund(data, order, ret, returned.processedAt);
      if (returned.closedAt) closeReturn(data, ret.id, returned.closedAt);
      if (returned.canceledAt) cancelReturn(data, ret.id, returned.canceledAt);
    }
  }
  if (plan.refund) {
    const refund = plan.refund;
    const amount = refund.items.reduce((total, [key, quantity]) => total + Number(variants[key].price) * quantity, 0);
    createRefund(data, {
      orderId: order.id,
      note: refund.note,
      lines: refund.items.map(([key, quantity]) => ({ lineItemId: lineItemOf(key), quantity })),
      transactions: [{ amount: String(amount) }],
      at: refund.at,
    });
  }
  if (plan.cancel) cancelOrder(data, order.id, { reason: plan.cancel.reason, refund: true, at: plan.cancel.at });
  return order;
}

/** Every returned item back in stock where it shipped from, and the suggested amount refunded to the card. */
function receiveAndRefund(data: ShopData, order: Order, ret: Return, at: Date): void {
  const locationId = data.fulfillmentOrdersOf(order.id)[0]?.locationId ?? null;
  const lines = ret.lines.map((line) => ({ returnLineItemId: line.id, quantity: line.quantity }));
  const outcome = financialOutcome(data, ret, { lines, exchangeLines: [] });
  const sale = saleTransaction(order);
  processReturn(data, {
    returnId: ret.id,
    lines: ret.lines.map((line) => ({
      returnLineItemId: line.id,
      quantity: line.quantity,
      dispositions: ret.reverseFulfillmentOrders.flatMap((rfo) =>
        rfo.lines
          .filter((candidate) => candidate.returnLineId === line.id)
          .map((candidate) => ({
            reverseFulfillmentOrderLineItemId: candidate.id,
            quantity: line.quantity,
            type: "RESTOCKED" as const,
            locationId,
          })),
      ),
    })),
    refundTransactions: sale ? [{ parentId: sale.id, amount: outcome.refund, currency: order.currency }] : [],
    note: "Returned item received",
    at,
  });
}

function summarize(data: ShopData, orders: { plan: OrderPlan; order: Order }[]): SeedSummary {
  const customerName = (id: Id | null) => {
    const customer = id ? data.customers.get(id) : undefined;
    return customer ? displayName(customer) : null;
  };
  return {
    shop: data.domain,
    name: data.shop.name,
    currency: data.shop.currency,
    timezone: data.shop.ianaTimezone,
    locations: [...data.locations.values()].map((location) => location.name),
    products: [...data.products.values()].map((product) => {
      const variants = data.variantsOf(product.id);
      const soldOut = variants.filter((variant) =>
        data.levelsOfItem(variant.inventoryItemId).every((level) => level.available <= 0),
      );
      return { title: product.title, variants: variants.length, soldOut: soldOut.map((variant) => variant.title) };
    }),
    customers: [...data.customers.values()].map((customer) => ({
      name: displayName(customer),
      locale: customer.locale,
      smsConsent: customer.smsMarketing?.state === "SUBSCRIBED",
    })),
    orders: orders.map(({ plan, order }) => ({
      id: order.id,
      name: order.name,
      scenario: plan.scenario,
      description: SCENARIOS[plan.scenario],
      customer: customerName(order.customerId),
      locale: order.customerLocale,
    })),
  };
}

/** The summary as lines for a terminal. */
export function formatSeedSummary(summary: SeedSummary): string {
  const soldOut = summary.products.flatMap((product) =>
    product.soldOut.map((variant) => (variant === "Default Title" ? product.title : `${product.title} – ${variant}`)),
  );
  const ja = summary.customers.filter((customer) => customer.locale === "ja").length;
  const sms = summary.customers.filter((customer) => customer.smsConsent).length;
  return [
    `${summary.name} (${summary.shop}, ${summary.currency}, ${summary.timezone})`,
    `  ${summary.products.length} products at ${summary.locations.join(" and ")}; sold out: ${soldOut.join(", ")}`,
    `  ${summary.customers.length} customers (${ja} ja, ${summary.customers.length - ja} en; ${sms} with SMS consent)`,
    `  ${summary.orders.length} orders:`,
    ...summary.orders.map(
      (order) => `    ${order.name.padEnd(6)} ${order.description} — ${order.customer ?? "guest"} (${order.locale})`,
    ),
  ].join("\n");
}
