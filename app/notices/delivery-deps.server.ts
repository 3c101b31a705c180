// The real delivery dependencies for web and worker: SMTP from SMTP_URL, SMS
// from SMS_* (absent = SMS off), links and signatures from the app's env.
import { env } from "../env.server.ts";
import type { DeliveryDeps } from "./deliver-notice.server.ts";
import { createSmtpMailer, type Mailer } from "./mailer.server.ts";
import { smsProviderFromEnv } from "./sms.server.ts";

let mailer: Mailer | undefined;

export function sharedMailer(): Mailer {
  mailer ??= createSmtpMailer();
  return mailer;
}

export function deliveryDepsFromEnv(): DeliveryDeps {
  return {
    mailer: sharedMailer(),
    sms: smsProviderFromEnv(),
    now: () => new Date(),
    publicUrl: env().SHOPIFY_APP_URL,
    secret: env().SHOPIFY_API_SECRET,
    senderAddress: env().MAIL_FROM,
  };
}
