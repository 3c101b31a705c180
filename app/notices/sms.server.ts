// The SMS channel: one small interface, one Twilio-compatible REST implementation.
import { env, smsSettings, type Env } from "../env.server.ts";

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

/** The SMS provider from the environment (SMS_* in env.server.ts), or null when SMS is off. */
export function smsProviderFromEnv(config: Env = env()): SmsProvider | null {
  const settings = smsSettings(config);
  return settings ? createTwilioSms(settings) : null;
}
