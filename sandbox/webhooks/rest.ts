// REST spelling of store values, as Shopify's webhook payloads write them:
// snake_case keys, lower-case enums, times in the shop's time zone with their
// offset, money as decimal strings with shop and presentment sets, and ids as
// exact JSON number literals (LosslessNumber), however many digits they have.
import { LosslessNumber, parse } from "lossless-json";
import { API_VERSION } from "../../app/webhooks/topics.ts";
import { addressName, type Address, type Decimal, type Id } from "../store/index.ts";
import { examplePayload } from "./example-payloads.ts";

export type RestValue = string | number | boolean | null | LosslessNumber | RestValue[] | RestObject;
export interface RestObject {
  [key: string]: RestValue;
}

const examples = new Map<string, string>();

/** Shopify's example payload for `topic`, parsed (numbers stay exact), as the template a payload starts from. */
export function template(topic: string, apiVersion: string = API_VERSION): RestObject {
  const key = `${apiVersion}/${topic}`;
  let text = examples.get(key);
  if (text === undefined) {
    text = examplePayload(topic, apiVersion);
    examples.set(key, text);
  }
  // Parsed afresh each time: every payload gets its own copy to fill in.
  const value: unknown = parse(text);
  return isRestObject(value) ? value : {};
}

/** The first object of an array in a template (e.g. one line item), as the template for each element. */
export function templateItem(source: RestObject, key: string): RestObject {
  const list = source[key];
  const first = Array.isArray(list) ? list[0] : undefined;
  return isRestObject(first) ? first : {};
}

export function templateObject(source: RestObject, key: string): RestObject {
  const value = source[key];
  return isRestObject(value) ? value : {};
}

function isRestObject(value: unknown): value is RestObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/** An id as a JSON number with every digit kept. */
export function restId(id: Id): LosslessNumber;
export function restId(id: Id | null): LosslessNumber | null;
export function restId(id: Id | null): LosslessNumber | null {
  return id === null ? null : new LosslessNumber(id);
}

export function lower(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

/** `2026-11-20T12:00:00+09:00`: the instant in the shop's time zone, as Shopify's REST payloads write it. */
export function restTime(date: Date | null, timeZone: string): string | null {
  if (!date) return null;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const field = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "00";
  const [year, month, day, hour, minute, second] = (["year", "month", "day", "hour", "minute", "second"] as const).map(
    field,
  );
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const offset = `${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0")}:${String(Math.abs(offsetMinutes) % 60).padStart(2, "0")}`;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${sign}${offset}`;
}

export function moneySet(amount: Decimal, currency: string): RestObject {
  const money = { amount, currency_code: currency };
  return { shop_money: money, presentment_money: { ...money } };
}

export function restAddress(address: Address | null): RestObject | null {
  if (!address) return null;
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: address.address2,
    company: address.company,
    latitude: null,
    longitude: null,
    name: addressName(address),
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}
