// customers/create, customers/update, and the customer embedded in orders →
// Customer. A redacted customer stays redacted: a late or retried webhook
// must not bring back what customers/redact removed.
import type { JsonObject } from "../webhooks/payload.server.ts";
import { customerGidInJson, scrubPayloadsMentioning } from "../compliance/scrub-payloads.server.ts";
import { refreshCustomerOrdersSearch } from "../orders/order-search.server.ts";
import {
  dateOf,
  enumOf,
  fieldOf,
  addressTextOf,
  objectOf,
  ownIdOf,
  requireId,
  textOf,
  type Read,
} from "./read-payload.server.ts";
import { keepNewest, notNewerThan, type Tx } from "./write.server.ts";
import type { ProjectableEvent, ProjectionResult } from "./project-event.server.ts";

export interface CustomerRecord {
  id: string;
  version: Date | null;
  data: {
    email: Read<string>;
    phone: Read<string>;
    firstName: Read<string>;
    lastName: Read<string>;
    locale: Read<string>;
    emailConsent: Read<string>;
    smsConsent: Read<string>;
    address: Read<string>;
  };
}

/** `{ state: "subscribed", ... }` → "SUBSCRIBED"; absent stays absent so a partial payload keeps the stored consent. */
function consentState(customer: JsonObject, key: string): Read<string> {
  const consent = objectOf(customer, key);
  return consent ? enumOf(consent, "state") : consent;
}

/**
 * Reads a customer object. `fallbackLocale` is the order's `customer_locale`:
 * customer payloads themselves carry no locale.
 */
export function readCustomer(customer: JsonObject, fallbackLocale?: Read<string>): CustomerRecord {
  return {
    id: requireId(ownIdOf(customer), "customer id"),
    // Only the customer's own updated_at versions it (never the order's).
    version: dateOf(customer, "updated_at") ?? null,
    data: {
      email: textOf(customer, "email"),
      phone: textOf(customer, "phone"),
      firstName: textOf(customer, "first_name"),
      lastName: textOf(customer, "last_name"),
      locale: textOf(customer, "locale") ?? fallbackLocale ?? undefined,
      emailConsent: consentState(customer, "email_marketing_consent"),
      smsConsent: consentState(customer, "sms_marketing_consent"),
      address: addressTextOf(fieldOf(customer, "default_address")),
    },
  };
}

/** Writes a customer unless the stored row is newer or redacted. Returns whether it wrote. */
export function writeCustomer(tx: Tx, shop: string, customer: CustomerRecord): Promise<boolean> {
  const key = { shop, id: customer.id };
  const data = { ...customer.data, shopifyUpdatedAt: customer.version };
  return keepNewest({
    update: () =>
      tx.customer.updateMany({ where: { ...key, redactedAt: null, ...notNewerThan(customer.version) }, data }),
    exists: () => tx.customer.count({ where: key }).then((n) => n > 0),
    create: () => tx.customer.create({ data: { ...key, ...data } }),
  });
}

export async function isRedactedCustomer(tx: Tx, shop: string, customerId: string): Promise<boolean> {
  return (await tx.customer.count({ where: { shop, id: customerId, redactedAt: { not: null } } })) > 0;
}

/**
 * A webhook about a customer who was already redacted (a late delivery or a
 * retry): the worker stored its raw payload before projecting it, so that
 * payload is emptied here, as customers/redact emptied the earlier ones.
 */
export async function forgetIfRedacted(tx: Tx, shop: string, customerId: string): Promise<boolean> {
  if (!(await isRedactedCustomer(tx, shop, customerId))) return false;
  await scrubPayloadsMentioning(tx, shop, customerGidInJson(customerId));
  return true;
}

export async function projectCustomer(tx: Tx, event: ProjectableEvent): Promise<ProjectionResult> {
  const customer = readCustomer(event.payload);
  const written = await writeCustomer(tx, event.shop, customer);
  if (!written) await forgetIfRedacted(tx, event.shop, customer.id);
  else await refreshCustomerOrdersSearch(tx, event.shop, customer.id);
  return { customerId: customer.id };
}
