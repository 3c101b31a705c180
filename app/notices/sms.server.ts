// The SMS channel: one small interface, one Twilio-compatible REST implementation.
import { z } from "zod";

export interface SmsMessage {
  to: string;
  body: string;
}

export interface SmsProvider {
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

export interface TwilioConfig {
  /** e.g. https://api.twilio.com, or the sandbox's http://127.0.0.1:4000/sms */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
}

export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
  ) {
    super(message);
    this.name = "SmsSendError";
  }
}

export function createTwilioSms(config: TwilioConfig): SmsProvider {
  const base = config.baseUrl.replace(/\/+$/, "");
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const auth = Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64");
  return {
    async send(message) {
      if (/[\r\n]/.test(message.to)) throw new Error("SMS recipient contains a line break.");
      const response = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Basic ${auth}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ To: message.to, From: config.from, Body: message.body }).toString(),
        signal: AbortSignal.timeout(15_000),
      });
      const answer = (await response.json().catch(() => ({}))) as { sid?: string; message?: string; code?: number };
      if (!response.ok || !answer.sid) {
        throw new SmsSendError(
          `SMS provider answered ${response.status}: ${answer.message ?? "no message"}`,
          response.status,
          answer.code ?? null,
        );
      }
      return { messageId: answer.sid };
    },
  };
}

const SmsEnv = z.object({
  SMS_API_URL: z
    .string({ required_error: "SMS_API_URL is required when any SMS_* variable is set" })
    .url("SMS_API_URL must be a URL such as https://api.twilio.com"),
  SMS_ACCOUNT_SID: z
    .string({ required_error: "SMS_ACCOUNT_SID is required when any SMS_* variable is set" })
    .min(1, "SMS_ACCOUNT_SID must not be empty"),
  SMS_AUTH_TOKEN: z
    .string({ required_error: "SMS_AUTH_TOKEN is required when any SMS_* variable is set" })
    .min(1, "SMS_AUTH_TOKEN must not be empty"),
  SMS_FROM: z
    .string({ required_error: "SMS_FROM is required when any SMS_* variable is set" })
    .min(1, "SMS_FROM must not be empty (a number like +15005550006 or a sender ID)"),
});

/** The Twilio config from SMS_API_URL/SMS_ACCOUNT_SID/SMS_AUTH_TOKEN/SMS_FROM, or null (SMS off) when none is set. */
export function smsConfigFromEnv(source: Record<string, string | undefined> = process.env): TwilioConfig | null {
  const keys = ["SMS_API_URL", "SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"] as const;
  if (keys.every((key) => !source[key])) return null;
  const parsed = SmsEnv.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Kizuna cannot send SMS: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  }
  return {
    baseUrl: parsed.data.SMS_API_URL,
    accountSid: parsed.data.SMS_ACCOUNT_SID,
    authToken: parsed.data.SMS_AUTH_TOKEN,
    from: parsed.data.SMS_FROM,
  };
}

export function smsProviderFromEnv(source: Record<string, string | undefined> = process.env): SmsProvider | null {
  const config = smsConfigFromEnv(source);
  return config ? createTwilioSms(config) : null;
}
