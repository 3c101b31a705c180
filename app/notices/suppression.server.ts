// Suppressions: addresses that must not get (some) notices. `email` / `sms`
// blocks every notice on that channel (bounce, STOP); `email:marketing` /
// `sms:marketing` blocks only non-transactional kinds (an unsubscribe link).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../db.server.ts";
import { optOutOfRestock } from "../restock/opt-out.server.ts";
import type { NoticeChannel } from "./kinds.ts";

export type KindClass = "all" | "marketing";

export function normalizeAddress(channel: NoticeChannel, address: string): string {
  return channel === "email" ? address.trim().toLowerCase() : address.replace(/[\s()-]/g, "");
}

function suppressionChannel(channel: NoticeChannel, kindClass: KindClass): string {
  return kindClass === "all" ? channel : `${channel}:marketing`;
}

/** The reason a notice to this address is suppressed, or null. */
export async function findSuppression(
  db: Db,
  shop: string,
  channel: NoticeChannel,
  address: string,
  transactional: boolean,
): Promise<string | null> {
  const channels = transactional ? [channel] : [channel, `${channel}:marketing`];
  const row = await db.suppression.findFirst({
    where: { shop, address: normalizeAddress(channel, address), channel: { in: channels } },
  });
  return row ? row.reason : null;
}

export async function suppress(
  db: Db,
  shop: string,
  channel: NoticeChannel,
  address: string,
  kindClass: KindClass,
  reason: string,
): Promise<void> {
  const key = { shop, channel: suppressionChannel(channel, kindClass), address: normalizeAddress(channel, address) };
  await db.suppression.upsert({ where: { shop_channel_address: key }, create: { ...key, reason }, update: {} });
  await optOutOfRestock(db, shop, channel, key.address, new Date());
}

export async function unsuppress(
  db: Db,
  shop: string,
  channel: NoticeChannel,
  address: string,
  kindClass: KindClass,
): Promise<void> {
  await db.suppression.deleteMany({
    where: { shop, channel: suppressionChannel(channel, kindClass), address: normalizeAddress(channel, address) },
  });
}

// ---- Signed unsubscribe tokens ----

export interface UnsubscribeClaim {
  shop: string;
  channel: NoticeChannel;
  address: string;
  kindClass: KindClass;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`kizuna-unsubscribe.${payload}`).digest();
}

export function signUnsubscribeToken(secret: string, claim: UnsubscribeClaim): string {
  const payload = base64url(
    JSON.stringify([claim.shop, claim.channel, normalizeAddress(claim.channel, claim.address), claim.kindClass]),
  );
  return `${payload}.${base64url(mac(secret, payload))}`;
}

/** The claim of a genuine token, or null for anything forged, altered or malformed. */
export function verifyUnsubscribeToken(secret: string, token: string): UnsubscribeClaim | null {
  const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) return null;
  const [, payload = "", signature = ""] = match;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 4) return null;
    const [shop, channel, address, kindClass] = value as unknown[];
    if (typeof shop !== "string" || typeof address !== "string") return null;
    if (channel !== "email" && channel !== "sms") return null;
    if (kindClass !== "all" && kindClass !== "marketing") return null;
    return { shop, channel, address, kindClass };
  } catch {
    return null;
  }
}

/** `locale`: the language of the mail, which the page then speaks (not signed: it only chooses words). */
export function unsubscribeUrl(publicUrl: string, secret: string, claim: UnsubscribeClaim, locale?: string): string {
  const url = new URL("/notices/unsubscribe", publicUrl);
  url.searchParams.set("token", signUnsubscribeToken(secret, claim));
  if (locale === "ja" || locale === "en") url.searchParams.set("lang", locale);
  return url.toString();
}

export type UnsubscribeResult = { ok: true; claim: UnsubscribeClaim } | { ok: false; message: string };

/** RFC 8058 one-click and the confirm page's button: a valid token adds the suppression (idempotent). */
export async function unsubscribeWithToken(db: Db, secret: string, token: string): Promise<UnsubscribeResult> {
  const claim = verifyUnsubscribeToken(secret, token);
  if (!claim) return { ok: false, message: "This unsubscribe link is not valid. Please use the link from the email." };
  await suppress(db, claim.shop, claim.channel, claim.address, claim.kindClass, "unsubscribed");
  return { ok: true, claim };
}

// ---- Signed "yes, mail me again" links (a storefront signup after an unsubscribe) ----
//
// A signup form takes any typed address, so a signup alone never lifts an
// unsubscribe: the signup's confirmation mail carries this link, and only the
// person who reads that address can use it. The MAC has its own purpose
// string, so an unsubscribe token can never pass as a confirmation (or back).

export interface ResubscribeClaim {
  shop: string;
  address: string;
}

function resubscribeMac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`kizuna-resubscribe.${payload}`).digest();
}

export function signResubscribeToken(secret: string, claim: ResubscribeClaim): string {
  const payload = base64url(JSON.stringify([claim.shop, normalizeAddress("email", claim.address)]));
  return `${payload}.${base64url(resubscribeMac(secret, payload))}`;
}

/** The claim of a genuine confirmation token, or null for anything forged, altered or malformed. */
export function verifyResubscribeToken(secret: string, token: string): ResubscribeClaim | null {
  const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
  if (!match) return null;
  const [, payload = "", signature = ""] = match;
  const expected = resubscribeMac(secret, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [shop, address] = value as unknown[];
    if (typeof shop !== "string" || typeof address !== "string") return null;
    return { shop, address };
  } catch {
    return null;
  }
}

export function resubscribeUrl(publicUrl: string, secret: string, claim: ResubscribeClaim): string {
  const url = new URL("/notices/confirm", publicUrl);
  url.searchParams.set("token", signResubscribeToken(secret, claim));
  return url.toString();
}

/** The confirm page's button: a valid token lifts the address's marketing unsubscribe (idempotent). */
export async function resubscribeWithToken(db: Db, secret: string, token: string): Promise<ResubscribeClaim | null> {
  const claim = verifyResubscribeToken(secret, token);
  if (!claim) return null;
  await unsuppress(db, claim.shop, "email", claim.address, "marketing");
  return claim;
}
