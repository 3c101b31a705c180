// Customers: contact details, language, and consent per channel.
import { derive, displayName, gid, type Customer } from "../../store/index.ts";
import { sum } from "../../store/money.ts";
import { byId, type ListSpec } from "./connection.ts";
import { mailingAddress, money, type FieldMap, type ResolverContext } from "./define.ts";

export const CUSTOMER_LIST: ListSpec<Customer> = {
  id: (customer) => customer.id,
  search: {
    default: (customer) => `${customer.firstName} ${customer.lastName} ${customer.email ?? ""}`,
    id: (customer) => customer.id,
    email: (customer) => customer.email,
    phone: (customer) => customer.phone,
    first_name: (customer) => customer.firstName,
    last_name: (customer) => customer.lastName,
    country: (customer) => customer.address?.country ?? null,
    email_marketing_state: (customer) => customer.emailMarketing.state.toLowerCase(),
    tag: (customer) => customer.tags,
    created_at: (customer) => customer.createdAt,
    updated_at: (customer) => customer.updatedAt,
  },
  sortKeys: {
    ID: (customer) => customer.id,
    CREATED_AT: (customer) => customer.createdAt,
    UPDATED_AT: (customer) => customer.updatedAt,
    NAME: (customer) => `${customer.lastName} ${customer.firstName}`,
  },
};

function unsubscribeUrl(ctx: ResolverContext, customer: Customer): string {
  return `https://${ctx.data.shop.primaryDomain}/account/unsubscribe?customer=${customer.id}`;
}

export const customerFields: FieldMap<Customer> = {
  legacyResourceId: (customer) => customer.id,
  displayName: (customer) => displayName(customer),
  defaultEmailAddress: (customer, _args, ctx) =>
    customer.email
      ? {
          emailAddress: customer.email,
          marketingState: customer.emailMarketing.state,
          marketingOptInLevel: customer.emailMarketing.optInLevel,
          marketingUpdatedAt: customer.emailMarketing.updatedAt,
          marketingUnsubscribeUrl: unsubscribeUrl(ctx, customer),
          openTrackingLevel: "UNKNOWN",
          openTrackingUrl: `https://${ctx.data.shop.primaryDomain}/account/tracking?customer=${customer.id}`,
          sourceLocation: null,
          validFormat: true,
        }
      : null,
  defaultPhoneNumber: (customer) =>
    customer.phone
      ? {
          phoneNumber: customer.phone,
          marketingState: customer.smsMarketing?.state ?? "NOT_SUBSCRIBED",
          marketingOptInLevel: customer.smsMarketing?.optInLevel ?? null,
          marketingUpdatedAt: customer.smsMarketing?.updatedAt ?? null,
          marketingCollectedFrom: "OTHER",
          sourceLocation: null,
        }
      : null,
  emailMarketingConsent: (customer) =>
    customer.email
      ? {
          marketingState: customer.emailMarketing.state,
          marketingOptInLevel: customer.emailMarketing.optInLevel,
          consentUpdatedAt: customer.emailMarketing.updatedAt,
          sourceLocation: null,
        }
      : null,
  smsMarketingConsent: (customer) =>
    customer.smsMarketing
      ? {
          marketingState: customer.smsMarketing.state,
          marketingOptInLevel: customer.smsMarketing.optInLevel ?? "UNKNOWN",
          consentUpdatedAt: customer.smsMarketing.updatedAt,
          consentCollectedFrom: "OTHER",
          sourceLocation: null,
        }
      : null,
  defaultAddress: (customer) => (customer.address ? mailingAddress(customer.address, customer.address.id) : null),
  addresses: (customer) => (customer.address ? [mailingAddress(customer.address, customer.address.id)] : []),
  addressesV2: (customer, args) =>
    byId(customer.address ? [customer.address] : [], args, (address) => mailingAddress(address, address.id)),
  state: () => "ENABLED",
  verifiedEmail: (customer) => customer.email !== null,
  validEmailAddress: (customer) => customer.email !== null,
  taxExempt: () => false,
  taxExemptions: () => [],
  canDelete: () => false,
  dataSaleOptOut: () => false,
  multipassIdentifier: () => null,
  unsubscribeUrl: (customer, _args, ctx) => unsubscribeUrl(ctx, customer),
  lifetimeDuration: (customer) => {
    const days = Math.floor((Date.now() - customer.createdAt.getTime()) / 86_400_000);
    return days < 31 ? `${days} days` : `about ${Math.round(days / 30)} months`;
  },
  numberOfOrders: (customer, _args, ctx) => String(ctx.data.ordersOf(customer.id).length),
  orders: (customer, args, ctx) => byId(ctx.data.ordersOf(customer.id), args),
  lastOrder: (customer, _args, ctx) => ctx.data.ordersOf(customer.id).at(-1) ?? null,
  amountSpent: (customer, _args, ctx) =>
    money(ctx, sum(ctx.data.ordersOf(customer.id).map((order) => derive.currentTotal(ctx.data, order)))),
  image: (customer) => ({ id: gid("CustomerImage", customer.id), url: "https://cdn.shopify.com/s/images/avatar.png" }),
};
