// Each shop's inbound address (inbox+<key>@<inbound domain>) and the
// per-conversation reply addresses (reply+<token>@…). Keys and tokens are
// random (unguessable: the address is what lets mail into a shop's inbox).
import { randomBytes } from "node:crypto";
import { isUniqueViolation } from "../database/errors.ts";
import type { Db } from "../db.server.ts";
import { inboundDomain } from "../env.server.ts";
import type { Tx } from "../mirror/write.server.ts";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** `bytes` random bytes as lower-case base32 (RFC 4648 alphabet, no padding): safe in an address's local part. */
export function randomBase32(bytes = 15): string {
  const data = randomBytes(bytes);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A new conversation's reply token. */
export const newReplyToken = () => randomBase32(15);

/** The shop's inbox settings row, made on first use with a random inbound key. */
export async function inboxSettings(db: Db | Tx, shop: string) {
  const found = await db.inboxSettings.findUnique({ where: { shop } });
  if (found) return found;
  try {
    return await db.inboxSettings.create({ data: { shop, inboundKey: randomBase32(10) } });
  } catch (error) {
    // Another request made it first.
    if (!isUniqueViolation(error)) throw error;
    return db.inboxSettings.findUniqueOrThrow({ where: { shop } });
  }
}

/** The shop's inbound address, e.g. inbox+k3v…@in.kizuna.example.com (the settings row is made on first use). */
export async function inboxAddress(db: Db, shop: string, domain: string = inboundDomain()): Promise<string> {
  const settings = await inboxSettings(db, shop);
  return `inbox+${settings.inboundKey}@${domain}`;
}

export function replyAddress(replyToken: string, domain: string = inboundDomain()): string {
  return `reply+${replyToken}@${domain}`;
}

export type InboundTarget = { kind: "inbox"; key: string } | { kind: "reply"; token: string };

/** What an address points at: inbox+<key>@… or reply+<token>@… (any domain: the key is the secret). */
export function inboundTargetOf(address: string): InboundTarget | null {
  const match = /^\s*<?(inbox|reply)\+([a-z2-7]{8,64})@[^\s@>]+>?\s*$/i.exec(address);
  if (!match) return null;
  const value = match[2]!.toLowerCase();
  return match[1]!.toLowerCase() === "inbox" ? { kind: "inbox", key: value } : { kind: "reply", token: value };
}

export interface InboundShop {
  shop: string;
  /** Set when the mail came to a conversation's reply address. */
  replyToken: string | null;
}

/** The shop an inbound address belongs to, or null when it is no address of ours. */
export async function shopOfAddress(db: Db, address: string): Promise<InboundShop | null> {
  const target = inboundTargetOf(address);
  if (!target) return null;
  // Raw reads: every inbound mail and every SMTP RCPT asks this (a model query costs several times more).
  if (target.kind === "inbox") {
    const rows = await db.$queryRaw<{ shop: string }[]>`
      SELECT "shop" FROM "InboxSettings" WHERE "inboundKey" = ${target.key}`;
    return rows[0] ? { shop: rows[0].shop, replyToken: null } : null;
  }
  const rows = await db.$queryRaw<{ shop: string }[]>`
    SELECT "shop" FROM "Conversation" WHERE "replyToken" = ${target.token}`;
  return rows[0] ? { shop: rows[0].shop, replyToken: target.token } : null;
}

/** The first of `addresses` that is one of ours (a reply address wins over the shop's inbox address). */
export async function shopOfRecipients(db: Db, addresses: readonly string[]): Promise<InboundShop | null> {
  let inbox: InboundShop | null = null;
  for (const address of new Set(addresses.map((a) => a.trim().toLowerCase()))) {
    const target = inboundTargetOf(address);
    if (!target || (target.kind === "inbox" && inbox)) continue;
    const found = await shopOfAddress(db, address);
    if (found?.replyToken) return found;
    inbox ??= found;
  }
  return inbox;
}
