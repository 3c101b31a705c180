// The shapes every resolver module shares: the per-request context, the field
// map of one GraphQL type, and the small value builders (money, addresses,
// counts) that many types answer with.
import type { GraphQLResolveInfo } from "graphql";
import type { SandboxConfig } from "../../http.ts";
import {
  addressName,
  gid,
  type Address,
  type Decimal,
  type Id,
  type SandboxStore,
  type ShopData,
} from "../../store/index.ts";

export interface ResolverContext {
  store: SandboxStore;
  /** The shop the access token belongs to: every lookup stays inside it. */
  data: ShopData;
  config: SandboxConfig;
  /** Queues the webhook Shopify would send about a change (a no-op without an emitter). */
  emit(topic: string, body: string): void;
}

export type Args = Record<string, unknown>;

export type FieldResolver<Source> = (
  source: Source,
  args: Args,
  ctx: ResolverContext,
  info: GraphQLResolveInfo,
) => unknown;

/** The fields of one GraphQL type that need more than reading the same-named property. */
export type FieldMap<Source> = Record<string, FieldResolver<Source>>;

/** A root field: graphql-js calls it on the root value with (args, context, info). */
export type RootField = (args: Args, ctx: ResolverContext, info: GraphQLResolveInfo) => unknown;

/** A value placed where the schema expects an interface or union: its concrete type travels with it. */
export function typed<T extends object>(typename: string, value: T): T & { __typename: string } {
  return { ...value, __typename: typename };
}

export interface MoneyV2 {
  amount: Decimal;
  currencyCode: string;
}

export function money(ctx: ResolverContext, amount: Decimal): MoneyV2 {
  return { amount, currencyCode: ctx.data.shop.currency };
}

/** A MoneyBag: the shop and the presentment amounts (the same: the sandbox sells in one currency). */
export function moneyBag(ctx: ResolverContext, amount: Decimal): { shopMoney: MoneyV2; presentmentMoney: MoneyV2 } {
  return { shopMoney: money(ctx, amount), presentmentMoney: money(ctx, amount) };
}

export function count(value: number): { count: number; precision: "EXACT" } {
  return { count: value, precision: "EXACT" };
}

export function mailingAddress(address: Address | null, id: Id = "0"): Record<string, unknown> | null {
  if (!address) return null;
  return {
    id: `${gid("MailingAddress", id)}?model_name=Address`,
    firstName: address.firstName,
    lastName: address.lastName,
    name: addressName(address),
    company: address.company,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    provinceCode: address.provinceCode,
    zip: address.zip,
    country: address.country,
    countryCode: address.countryCode,
    countryCodeV2: address.countryCode,
    phone: address.phone,
    latitude: null,
    longitude: null,
    coordinatesValidated: false,
    timeZone: null,
    formattedArea: [address.city, address.province, address.country].filter(Boolean).join(", "),
    formatted: [address.address1, address.address2, `${address.zip} ${address.city}`, address.country].filter(Boolean),
  };
}

export function numberArg(args: Args, name: string): number | null {
  const value = args[name];
  return typeof value === "number" ? value : null;
}

export function stringArg(args: Args, name: string): string | null {
  const value = args[name];
  return typeof value === "string" ? value : null;
}
