// Which rows of one shop are about one customer: what customers/data_request
// exports and customers/redact erases. Both must agree, so both ask here.
import { isObject, parsePayload, type JsonObject } from "../webhooks/payload.server.ts";
import { arrayOf, fieldOf, idAt, refIdOf, requireId, requireObject, textOf } from "../mirror/read-payload.server.ts";
import type { Tx } from "../mirror/write.server.ts";

/** What Shopify's compliance payload says about the customer. */
export interface CustomerRequest {
  customerId: string;
  email: string | null;
  phone: string | null;
  /** `orders_requested` / `orders_to_redact`: orders Shopify names explicitly. */
  orderIds: string[];
}

export function readCustomerRequest(
  payload: JsonObject,
  ordersKey: "orders_requested" | "orders_to_redact",
): CustomerRequest {
  const customer = requireObject(fieldOf(payload, "customer"), "customer");
  return {
    customerId: requireId(idAt(payload, "customer"), "customer id"),
    email: textOf(customer, "email") || null,
    phone: textOf(customer, "phone") || null,
    orderIds: (arrayOf(payload, ordersKey) ?? []).flatMap((order) => refIdOf(order) ?? []),
  };
}

export interface CustomerFootprint {
  /** The customer's id, and any mirrored customer with the same email (Shopify keeps emails unique per shop). */
  customerIds: string[];
  orderIds: string[];
  /** Every email and phone number seen for them, to find raw payloads that mention them. */
  emails: string[];
  phones: string[];
}

function unique(values: Array<string | null | undefined>): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === "string" && value.trim() !== ""))];
}

/** The phone inside an address kept as JSON text. */
function phoneInAddress(address: string | null): string | null {
  if (!address) return null;
  try {
    const parsed = parsePayload(address);
    return isObject(parsed) ? (textOf(parsed, "phone") ?? null) : null;
  } catch {
    return null;
  }
}

export async function findCustomerFootprint(
  tx: Tx,
  shop: string,
  request: CustomerRequest,
): Promise<CustomerFootprint> {
  const customers = await tx.customer.findMany({
    where: { shop, OR: [{ id: request.customerId }, ...(request.email ? [{ email: request.email }] : [])] },
    select: { id: true, email: true, phone: true, address: true },
  });
  const customerIds = unique([request.customerId, ...customers.map((customer) => customer.id)]);
  const emails = unique([request.email, ...customers.map((customer) => customer.email)]);
  const orders = await tx.order.findMany({
    where: {
      shop,
      OR: [
        { customerId: { in: customerIds } },
        { id: { in: request.orderIds } },
        ...(emails.length ? [{ email: { in: emails } }] : []),
      ],
    },
    select: { id: true, email: true, phone: true, shippingAddress: true },
  });
  return {
    customerIds,
    orderIds: unique([...request.orderIds, ...orders.map((order) => order.id)]),
    emails: unique([...emails, ...orders.map((order) => order.email)]),
    phones: unique([
      request.phone,
      ...customers.flatMap((customer) => [customer.phone, phoneInAddress(customer.address)]),
      ...orders.flatMap((order) => [order.phone, phoneInAddress(order.shippingAddress)]),
    ]),
  };
}
