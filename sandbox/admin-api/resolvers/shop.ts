// The shop itself, its languages and its API-created webhook subscriptions.
import { gid, type Shop, type WebhookSubscription } from "../../store/index.ts";
import type { ListSpec } from "./connection.ts";
import { typed, type FieldMap, type RootField } from "./define.ts";

/** The zone's offset from UTC in minutes at `date`. */
function offsetMinutes(timeZone: string, date: Date): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(date)
    .find((part) => part.type === "timeZoneName")?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}${String(absolute % 60).padStart(2, "0")}`;
}

const ABBREVIATIONS: Record<string, string> = { "Asia/Tokyo": "JST", UTC: "UTC" };

function shopAddress(shop: Shop) {
  const { address } = shop;
  return {
    id: gid("ShopAddress", shop.id),
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    company: address.company,
    country: address.country,
    countryCodeV2: address.countryCode,
    province: address.province,
    provinceCode: address.provinceCode,
    zip: address.zip,
    phone: address.phone,
    latitude: null,
    longitude: null,
    coordinatesValidated: false,
    formattedArea: `${address.city}, ${address.province}, ${address.country}`,
    formatted: [address.company, address.address1, `${address.zip} ${address.city}`, address.country].filter(Boolean),
  };
}

export const shopFields: FieldMap<Shop> = {
  myshopifyDomain: (shop) => shop.domain,
  currencyCode: (shop) => shop.currency,
  enabledPresentmentCurrencies: (shop) => [shop.currency],
  url: (shop) => `https://${shop.primaryDomain}`,
  primaryDomain: (shop) => ({
    id: gid("Domain", shop.id),
    host: shop.primaryDomain,
    url: `https://${shop.primaryDomain}`,
    sslEnabled: true,
    localization: null,
  }),
  shopAddress,
  billingAddress: shopAddress,
  timezoneAbbreviation: (shop) => ABBREVIATIONS[shop.ianaTimezone] ?? shop.ianaTimezone,
  timezoneOffset: (shop) => offsetText(offsetMinutes(shop.ianaTimezone, new Date())),
  timezoneOffsetMinutes: (shop) => offsetMinutes(shop.ianaTimezone, new Date()),
  weightUnit: () => "KILOGRAMS",
  unitSystem: () => "METRIC_SYSTEM",
  taxesIncluded: () => true,
  taxShipping: () => false,
  setupRequired: () => false,
  checkoutApiSupported: () => true,
  transactionalSmsDisabled: () => false,
  marketingSmsConsentEnabledAtCheckout: () => true,
  orderNumberFormatPrefix: () => "#",
  orderNumberFormatSuffix: () => "",
  shopOwnerName: (shop) => shop.name,
  description: () => null,
  shipsToCountries: () => ["JP", "US"],
  alerts: () => [],
};

const LOCALE_NAMES: Record<string, string> = { ja: "Japanese", en: "English" };

/**
 * The shop's languages (ShopLocale): a shop in Japan (the seeded demo shop) writes Japanese first
 * and also publishes English; any other shop has English only.
 */
export function shopLocalesOf(shop: Shop) {
  const codes = shop.address.countryCode === "JP" ? ["ja", "en"] : ["en"];
  return codes.map((locale, index) => ({
    locale,
    name: LOCALE_NAMES[locale] ?? locale,
    primary: index === 0,
    published: true,
    marketWebPresences: [],
  }));
}

/** QueryRoot.shopLocales(published: Boolean = false): every enabled locale, or only published ones. */
export const shopLocalesField: RootField = (args, ctx) =>
  shopLocalesOf(ctx.data.shop).filter((entry) => args.published !== true || entry.published);

export const WEBHOOK_SUBSCRIPTION_LIST: ListSpec<WebhookSubscription> = {
  id: (subscription) => subscription.id,
  search: {
    id: (subscription) => subscription.id,
    topic: (subscription) => subscription.topic,
    uri: (subscription) => subscription.uri,
    created_at: (subscription) => subscription.createdAt,
    updated_at: (subscription) => subscription.updatedAt,
  },
  sortKeys: { ID: (subscription) => subscription.id, CREATED_AT: (subscription) => subscription.createdAt },
};

export const webhookSubscriptionFields: FieldMap<WebhookSubscription> = {
  legacyResourceId: (subscription) => subscription.id,
  apiVersion: (subscription) => ({
    handle: subscription.apiVersion,
    displayName: subscription.apiVersion,
    supported: true,
  }),
  metafieldNamespaces: () => [],
  metafields: () => [],
  name: () => null,
  // Deprecated, but @shopify/shopify-api's registerWebhooks still reads them.
  callbackUrl: (subscription) => subscription.uri,
  endpoint: (subscription) => typed("WebhookHttpEndpoint", { callbackUrl: subscription.uri }),
};
