// The real delivery dependencies for web and worker: SMTP from SMTP_URL, SMS
// from SMS_* (absent = SMS off), links and signatures — all from env.server.ts.
import { env } from "../env.server.ts";
import type { DeliveryDeps } from "./deliver-notice.server.ts";
import { createSmtpMailer, type Mailer } from "./mailer.server.ts";
import { smsProviderFromEnv } from "./sms.server.ts";

let mailer: Mailer | undefined;

export function sharedMailer(): Mailer {
  mailer ??= createSmtpMailer(env().SMTP_URL);
  return mailer;
}

export function deliveryDepsFromEnv(): DeliveryDeps {
  const config = env();
  return {
    mailer: sharedMailer(),
    sms: smsProviderFromEnv(config),
    now: () => new Date(),
    publicUrl: config.SHOPIFY_APP_URL,
    secret: config.SHOPIFY_API_SECRET,
    senderAddress: config.MAIL_FROM,
    inboundDomain: config.INBOUND_DOMAIN,
  };
}
