// Customers: who they are, the language they read, and what they agreed to receive.
import type { ShopData } from "./shop-data.ts";
import type {
  Address,
  Customer,
  EmailMarketingState,
  MarketingConsent,
  MarketingOptInLevel,
  SmsMarketingState,
} from "./types.ts";

export interface NewCustomer {
  firstName: string;
  lastName: string;
  email: string | null;
  phone?: string | null;
  locale: string;
  emailMarketing?: EmailMarketingState;
  /** Ignored without a phone number. */
  smsMarketing?: SmsMarketingState;
  optInLevel?: MarketingOptInLevel;
  address?: Address | null;
  note?: string | null;
  tags?: string[];
  at?: Date;
}

export function addCustomer(data: ShopData, input: NewCustomer): Customer {
  const at = input.at ?? data.now();
  const phone = input.phone ?? null;
  const consent = <S extends string>(state: S): MarketingConsent<S> => ({
    state,
    optInLevel: input.optInLevel ?? "SINGLE_OPT_IN",
    updatedAt: at,
  });
  const customer: Customer = {
    id: data.nextId("customer"),
    firstName: input.firstName,
    lastName: input.lastName,
    email: input.email,
    phone,
    locale: input.locale,
    emailMarketing: consent(input.emailMarketing ?? "NOT_SUBSCRIBED"),
    smsMarketing: phone ? consent(input.smsMarketing ?? "NOT_SUBSCRIBED") : null,
    address: input.address ? { ...input.address, id: data.nextId("address") } : null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    createdAt: at,
    updatedAt: at,
  };
  data.customers.set(customer.id, customer);
  return customer;
}

/** "佐藤 花子" for Japanese names (family name first), "Emma Wilson" otherwise. */
export function displayName(customer: Pick<Customer, "firstName" | "lastName" | "locale">): string {
  const parts =
    customer.locale === "ja" ? [customer.lastName, customer.firstName] : [customer.firstName, customer.lastName];
  return parts.filter(Boolean).join(" ");
}

/** The name on an address label, as Shopify writes it (first name first). */
export function addressName(address: Pick<Address, "firstName" | "lastName">): string {
  return [address.firstName, address.lastName].filter(Boolean).join(" ");
}
