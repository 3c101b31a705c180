// What the Orders search compares, folded in JavaScript so both databases
// compare the same text: SQLite's lower() folds only A–Z, PostgreSQL's every
// letter, and neither knows that ＡＢＣ (full width) is ABC. The stored text
// (Order.searchText) and the seller's query go through the same fold; the
// query is then a plain LIKE on both databases.

/** NFKC (full-width letters and digits become ASCII, ｶﾀｶﾅ becomes カタカナ), lower case, single spaces. */
export function foldForSearch(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** Digits of a phone number as typed ("090-1234-5678", "+81 90 1234 5678"), or null when it is not one. */
function phoneDigits(text: string): string | null {
  if (!/^[+\d\s\-().]+$/.test(text)) return null;
  const digits = text.replace(/\D/g, "");
  return digits.length >= 4 ? digits : null;
}

/** A phone number's forms a seller may type: as stored, its digits, and the national form of +81 (0…). */
function phoneForms(phone: string | null | undefined): string[] {
  if (!phone) return [];
  const digits = phoneDigits(foldForSearch(phone));
  if (!digits) return [phone];
  return [phone, digits, ...(digits.startsWith("81") ? [`0${digits.slice(2)}`] : [])];
}

/** A person's name in both orders, and without the space Japanese names are often typed without. */
function nameForms(first: string | null | undefined, last: string | null | undefined): string[] {
  const given = first?.trim() ?? "";
  const family = last?.trim() ?? "";
  if (!given && !family) return [];
  return [`${family} ${given}`, `${given} ${family}`, `${family}${given}`];
}

interface SearchableOrder {
  name: string;
  email: string | null;
  phone: string | null;
  /** The shipping address as JSON text (read-payload's addressTextOf). */
  shippingAddress: string | null;
}

interface SearchableCustomer {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}

function addressOf(json: string | null): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json ?? "null");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const text = (value: unknown) => (typeof value === "string" ? value : null);

/** The order's search text: its number, emails, phones and names, each folded, one per line. */
export function orderSearchText(order: SearchableOrder, customer: SearchableCustomer | null): string {
  const address = addressOf(order.shippingAddress);
  const parts = [
    order.name,
    order.email,
    customer?.email,
    ...phoneForms(order.phone),
    ...phoneForms(customer?.phone),
    ...phoneForms(text(address.phone)),
    ...nameForms(customer?.firstName, customer?.lastName),
    ...nameForms(text(address.first_name), text(address.last_name)),
    text(address.name),
  ];
  const folded = parts.flatMap((part) => (part ? [foldForSearch(part)] : [])).filter(Boolean);
  return [...new Set(folded)].join("\n");
}

/** The seller's query as the search compares it: folded, and a phone number as its digits. */
export function searchQueryText(query: string): string {
  const folded = foldForSearch(query);
  return phoneDigits(folded) ?? folded;
}
