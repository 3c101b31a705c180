// Reading values out of webhook payloads, the one way every projection does it.
// Convention for every reader: `undefined` = the field is absent (leave the
// stored value alone: payloads may be trimmed by `include_fields`, and some
// topics carry only part of a record), `null` = Shopify said "none".
// A value of an unexpected type reads as absent rather than corrupting a row.
import { isDecimal } from "../money/decimal.ts";
import { idOf, isObject, type Json, type JsonObject } from "../webhooks/payload.server.ts";

/** A payload lacks what its topic requires; nothing was written. */
export class ProjectionError extends Error {
  override name = "ProjectionError";
}

export type Read<T> = T | null | undefined;

export function fieldOf(source: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

export function objectOf(source: JsonObject, key: string): Read<JsonObject> {
  const value = fieldOf(source, key);
  if (value === undefined || value === null) return value;
  return isObject(value) ? value : undefined;
}

export function arrayOf(source: JsonObject, key: string): Read<Json[]> {
  const value = fieldOf(source, key);
  if (value === undefined || value === null) return value;
  return Array.isArray(value) ? value : undefined;
}

/** The objects of an array field (anything else in it is skipped). */
export function objectsOf(source: JsonObject, key: string): JsonObject[] {
  return (arrayOf(source, key) ?? []).filter(isObject);
}

export function textOf(source: JsonObject, key: string): Read<string> {
  const value = fieldOf(source, key);
  if (value === undefined || value === null) return value;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** An enum-like value in the Admin GraphQL spelling: REST's "in_transit" is stored as "IN_TRANSIT". */
export function enumOf(source: JsonObject, key: string): Read<string> {
  const value = textOf(source, key);
  return typeof value === "string" ? value.trim().toUpperCase() : value;
}

export function dateOf(source: JsonObject, key: string): Read<Date> {
  const value = textOf(source, key);
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function intOf(source: JsonObject, key: string): Read<number> {
  const value = fieldOf(source, key);
  if (value === undefined || value === null) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Money as a decimal string. Shopify sends strings ("10.50"); a bare JSON
 * number is accepted (its shortest text form is the decimal Shopify wrote).
 */
export function moneyOf(source: JsonObject, key: string): Read<string> {
  const value = fieldOf(source, key);
  if (value === undefined || value === null) return value;
  if (typeof value === "string" && isDecimal(value)) return value.trim();
  // A number whose shortest text is not a plain decimal (1e+21, 1e-7) reads as absent too.
  if (typeof value === "number" && Number.isFinite(value) && isDecimal(String(value))) return String(value);
  return undefined;
}

/** JSON text for a JSON-text column (addresses, holds, line items). */
export function jsonTextOf(value: Json | undefined): Read<string> {
  if (value === undefined || value === null) return value;
  return JSON.stringify(value);
}

/** The address fields Kizuna keeps, in one fixed order, whatever else the payload carries. */
const ADDRESS_KEYS = [
  "first_name",
  "last_name",
  "name",
  "company",
  "address1",
  "address2",
  "city",
  "province",
  "province_code",
  "zip",
  "country",
  "country_code",
  "phone",
] as const;

/**
 * An address as JSON text in one canonical shape, so the same address reads
 * the same from a webhook and from the Admin API backfill.
 */
export function addressTextOf(value: Json | undefined): Read<string> {
  if (value === undefined || value === null) return value;
  if (!isObject(value)) return undefined;
  const address: Record<string, Read<string>> = {};
  for (const key of ADDRESS_KEYS) address[key] = textOf(value, key) ?? null;
  return JSON.stringify(address);
}

/**
 * A record's own id. The digits of `admin_graphql_api_id` win over `id`:
 * a numeric `id` may have lost precision somewhere upstream, the GID never does.
 */
export function ownIdOf(record: JsonObject): string | null {
  const gid = fieldOf(record, "admin_graphql_api_id");
  const fromGid = typeof gid === "string" && gid.startsWith("gid://") ? idOf(gid.split("?")[0]) : null;
  return fromGid ?? idOf(fieldOf(record, "id"));
}

/** The id a value refers to: `123`, `"123"`, a GID, or `{ id, admin_graphql_api_id }`. */
export function refIdOf(value: Json | undefined): string | null {
  return isObject(value) ? ownIdOf(value) : idOf(value);
}

/** The id another record is referred to by, e.g. `order_id: 123` or `order: { id, admin_graphql_api_id }`. */
export function idAt(source: JsonObject, key: string): string | null {
  return refIdOf(fieldOf(source, key));
}

/** A query parameter of a GID, e.g. `inventory_item_id` of `gid://shopify/InventoryLevel/1?inventory_item_id=2`. */
export function gidParam(gid: Read<string>, name: string): string | null {
  if (!gid?.startsWith("gid://")) return null;
  const query = gid.split("?")[1];
  return query ? idOf(new URLSearchParams(query).get(name) ?? undefined) : null;
}

export function requireId(id: string | null, what: string): string {
  if (id === null) throw new ProjectionError(`payload has no ${what}`);
  return id;
}

export function requireValue<T>(value: Read<T>, what: string): T {
  if (value === undefined || value === null) throw new ProjectionError(`payload has no ${what}`);
  return value;
}

export function requireObject(value: Json | undefined, what: string): JsonObject {
  if (!isObject(value)) throw new ProjectionError(`payload has no ${what} object`);
  return value;
}

/**
 * The version of a record for out-of-order checks: Shopify's `updated_at`,
 * or, for topics without one, when Shopify triggered the event.
 */
export function versionOf(record: JsonObject, triggeredAt: Date | null | undefined): Date | null {
  return dateOf(record, "updated_at") ?? triggeredAt ?? null;
}
