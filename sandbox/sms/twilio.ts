// What the SMS sink copies from Twilio's Programmable Messaging API: request
// signing, error bodies, number formats and segment counting.
import { createHmac, randomBytes } from "node:crypto";

export const TWILIO_API_VERSION = "2010-04-01";

/**
 * X-Twilio-Signature: HMAC-SHA1 (auth token as key) of the full request URL
 * followed by every POST parameter as name + value, sorted by name; base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => {
      const value = params[name] ?? "";
      const values = Array.isArray(value) ? [...value].sort() : [value];
      return text + values.map((item) => name + item).join("");
    }, url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export interface TwilioError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioError {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** E.164: a plus, then 7 to 15 digits not starting with 0. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value);
}

/** A phone number, a short code, or an alphanumeric sender ID (1–11 characters with a letter). */
export function isValidSender(value: string): boolean {
  return isE164(value) || /^\d{5,6}$/.test(value) || /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(value);
}

export function isMessagingServiceSid(value: string): boolean {
  return /^MG[0-9a-f]{32}$/.test(value);
}

export function newSid(prefix: "SM" | "MM"): string {
  return prefix + randomBytes(16).toString("hex");
}

/** Twilio's dates: RFC 2822 in UTC, e.g. "Thu, 24 Aug 2023 05:01:45 +0000". */
export function twilioDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

// GSM 03.38: the basic set costs one septet, the extension set two.
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

/** How many SMS segments a body takes: 160/153 GSM-7 septets, else 70/67 UCS-2 units (Japanese is UCS-2). */
export function countSegments(body: string): number {
  let septets = 0;
  for (const char of body) {
    if (GSM_BASIC.includes(char)) septets += 1;
    else if (GSM_EXTENDED.includes(char)) septets += 2;
    else return ucs2Segments(body);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

function ucs2Segments(body: string): number {
  return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
}

/** Twilio's default opt-out handling: a whole-message keyword, any case. */
export function optOutType(body: string): "STOP" | "START" | "HELP" | null {
  const word = body.trim().toUpperCase();
  if (["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"].includes(word)) return "STOP";
  if (["START", "YES", "UNSTOP"].includes(word)) return "START";
  if (["HELP", "INFO"].includes(word)) return "HELP";
  return null;
}
