// Inbound SMS: STOP / 停止 opts a number out of every SMS from the shop; START
// opts it back in. The webhook is verified with X-Twilio-Signature.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../db.server.ts";
import { suppress, unsuppress } from "./suppression.server.ts";

const STOP_WORDS = [
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "OPTOUT",
  "REVOKE",
  "停止",
  "配信停止",
  "ストップ",
];
const START_WORDS = ["START", "UNSTOP", "YES", "開始", "再開"];

export type InboundSmsResult = { action: "stopped" | "started" | "ignored"; reply: string | null };

export async function handleInboundSms(
  db: Db,
  shop: string,
  message: { from: string; body: string },
): Promise<InboundSmsResult> {
  const word = message.body
    .normalize("NFKC")
    .trim()
    .replace(/[。.!！]+$/u, "")
    .toUpperCase();
  if (STOP_WORDS.includes(word)) {
    await suppress(db, shop, "sms", message.from, "all", "sms_stop");
    // Twilio answers its own English keywords; Japanese ones get our confirmation.
    const ja = /[^\x20-\x7e]/.test(message.body);
    return { action: "stopped", reply: ja ? "配信を停止しました。再開するには START と返信してください。" : null };
  }
  if (START_WORDS.includes(word)) {
    await unsuppress(db, shop, "sms", message.from, "all");
    return { action: "started", reply: null };
  }
  return { action: "ignored", reply: null };
}

/**
 * One SMS number can serve every shop: without a shop in the webhook URL, a STOP
 * applies to every shop that has texted this number.
 */
export async function handleInboundSmsForAllShops(
  db: Db,
  message: { from: string; body: string },
): Promise<InboundSmsResult & { shops: string[] }> {
  const rows = await db.notice.findMany({
    where: { channel: "sms", recipient: message.from },
    distinct: ["shop"],
    select: { shop: true },
  });
  const shops = rows.map((row) => row.shop);
  let result: InboundSmsResult = { action: "ignored", reply: null };
  for (const shop of shops) result = await handleInboundSms(db, shop, message);
  return { ...result, shops };
}

/** X-Twilio-Signature: base64 HMAC-SHA1 (auth token) of the URL then each POST param name+value, sorted by name. */
export function twilioSignatureOf(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) {
    for (const value of [...params.getAll(name)].sort()) data += name + value;
  }
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams,
  signature: string | null,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignatureOf(authToken, url, params));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Largest inbound SMS webhook body taken (Twilio's are a few KB). */
export const MAX_INBOUND_SMS_BYTES = 64 * 1024;

/**
 * The request body as text, or null when it is larger than `limit` bytes: a
 * Content-Length over the limit is refused before anything is read, and a
 * body without one (chunked) is read only up to the limit, then dropped.
 */
export async function readBodyWithin(request: Request, limit = MAX_INBOUND_SMS_BYTES): Promise<string | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(/^\d+$/.test(declared) && Number(declared) <= limit)) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}
