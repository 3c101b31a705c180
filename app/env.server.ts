// The environment, validated once. Every module reads configuration from here,
// never from process.env directly, so a bad value fails at start with a message
// that names it. An empty value (`NAME=` in an env file) counts as unset.
import { z } from "zod";

/** Where the sandbox's mail sink listens: the SMTP default outside production only. */
export const SANDBOX_SMTP_URL = "smtp://127.0.0.1:2525";

const schema = z.object({
  SHOPIFY_API_KEY: z
    .string({ required_error: "is required (the app's client id from the Partner Dashboard)" })
    .min(1, "must not be empty"),
  SHOPIFY_API_SECRET: z
    .string({ required_error: "is required (the app's client secret; it signs webhooks and session tokens)" })
    .min(1, "must not be empty"),
  SHOPIFY_APP_URL: z
    .string({ required_error: "is required (the public https URL of this app)" })
    .url("must be a full URL such as https://kizuna.example.com"),
  SCOPES: z
    .string()
    .default(
      "read_customers,write_customers,read_orders,write_orders,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_inventory,write_inventory,read_products,read_returns,write_returns,read_locales",
    ),
  DATABASE_URL: z
    .string()
    .default("file:./data/kizuna.db")
    .refine(
      (v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v),
      "must be file:<path> (SQLite) or postgres://… (PostgreSQL)",
    ),
  REDIS_URL: z
    .string()
    .default("redis://127.0.0.1:6379")
    .refine((v) => /^rediss?:\/\//.test(v), "must be redis://host:port or rediss://…"),
  // Key prefix for every BullMQ key, so test runs and apps can share one Redis.
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "may hold letters, digits, _ . - only")
    .default("kizuna"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Overrides the Admin API origin (https://<shop>), where the shop's access
  // token is sent: only the sandbox's emulator, on this machine.
  SHOPIFY_ADMIN_API_ORIGIN: z.string().url("must be a URL such as http://127.0.0.1:4000").optional(),
  // How long a worker may hold a job before another worker takes it over (ms).
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Notices by email. Required in production: its default is the sandbox's mail sink.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, "must look like smtp://host:port or smtps://user:pass@host:465")
    .optional(),
  // Notices by SMS, through a Twilio-compatible API: all four or none (none = SMS off).
  SMS_API_URL: z.string().url("must be a URL such as https://api.twilio.com").optional(),
  SMS_ACCOUNT_SID: z.string().optional(),
  SMS_AUTH_TOKEN: z.string().optional(),
  SMS_FROM: z.string().optional(),
  // Reverse proxies in front of the app whose X-Forwarded-For entry is trusted
  // (0: the client is the socket's address).
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // From address of notices when the seller has set no sender email (default no-reply@<app host>).
  MAIL_FROM: z.string().email("must be an address such as notices@kizuna.example.com").optional(),
  // Local stand-ins for Shopify (sandbox/): admin host, App Bridge, Admin API. Only
  // for a local app URL, so a public deployment can never turn it on.
  SHOPIFY_SANDBOX: z.enum(["0", "1"], { message: "must be 1 (on) or 0 (off)" }).default("0"),
  // Where the sandbox listens, e.g. http://127.0.0.1:4000 (required when SHOPIFY_SANDBOX=1).
  SHOPIFY_SANDBOX_ORIGIN: z.string().url("must be a URL such as http://127.0.0.1:4000").optional(),
  // The inbox's inbound mail: the domain of the shops' addresses (inbox+<key>@, reply+<token>@;
  // set = notices carry the shop's inbound address as Reply-To), the bearer secret of
  // POST /inbound/email, and the port of the worker's SMTP receiver (unset = no receiver).
  INBOUND_DOMAIN: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i,
      "must be a domain such as in.example.com",
    )
    .optional(),
  INBOUND_EMAIL_SECRET: z.string().optional(),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // Etsy shops linked to Kizuna (app/etsy): the app's keystring and shared secret (both or none),
  // the key that encrypts Etsy tokens at rest (32 bytes, base64), and the API's base URL
  // (default Etsy's own in production, the sandbox's stand-in otherwise).
  ETSY_API_KEY: z.string().optional(),
  ETSY_SHARED_SECRET: z.string().optional(),
  ETSY_TOKEN_KEY: z
    .string()
    .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes in base64 (openssl rand -base64 32)")
    .optional(),
  ETSY_API_URL: z.string().url("must be a URL such as https://openapi.etsy.com/v3/application").optional(),
  // Signs the session cookie of the standalone inbox (Etsy-only sellers, app/standalone); unset =
  // SHOPIFY_API_SECRET. Production refuses one shorter than 32 characters.
  STANDALONE_SESSION_SECRET: z.string().optional(),
});

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

const SMS_KEYS = ["SMS_API_URL", "SMS_ACCOUNT_SID", "SMS_AUTH_TOKEN", "SMS_FROM"] as const;

// Values that only make sense with the sandbox (SHOPIFY_SANDBOX=1): refused
// without it, so a public deployment cannot send a shop's token or the app's
// secret to another host.
const SANDBOX_ONLY = ["SHOPIFY_SANDBOX_ORIGIN", "SHOPIFY_ADMIN_API_ORIGIN"] as const;

const appSchema = schema
  .superRefine((value, context) => {
    const issue = (path: string, message: string) =>
      context.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    const sandbox = value.SHOPIFY_SANDBOX === "1";
    if (
      value.NODE_ENV === "production" &&
      value.STANDALONE_SESSION_SECRET &&
      value.STANDALONE_SESSION_SECRET.length < 32
    )
      issue("STANDALONE_SESSION_SECRET", "must be at least 32 characters in production (openssl rand -base64 32)");
    if (!sandbox) {
      for (const key of SANDBOX_ONLY) {
        if (value[key]) issue(key, "is only for the sandbox (SHOPIFY_SANDBOX=1 with a local app URL): unset it");
      }
      if (value.NODE_ENV === "production" && !value.SMTP_URL) {
        issue(
          "SMTP_URL",
          "is required in production (the mail server notices are sent through, e.g. smtps://user:pass@smtp.example.com:465)",
        );
      }
    } else {
      // The sandbox receives the app's client secret (token exchange) and issues
      // session tokens: it may only run with the app and the sandbox on this machine.
      if (!isLocalUrl(value.SHOPIFY_APP_URL)) {
        issue(
          "SHOPIFY_SANDBOX",
          `is 1, which needs a local SHOPIFY_APP_URL (localhost or 127.0.0.1), not ${value.SHOPIFY_APP_URL}: the sandbox never runs in a public deployment`,
        );
      }
      if (!value.SHOPIFY_SANDBOX_ORIGIN) {
        issue(
          "SHOPIFY_SANDBOX_ORIGIN",
          "is required when SHOPIFY_SANDBOX=1 (where the sandbox listens, e.g. http://127.0.0.1:4000)",
        );
      } else if (!isLocalUrl(value.SHOPIFY_SANDBOX_ORIGIN)) {
        issue(
          "SHOPIFY_SANDBOX_ORIGIN",
          "must be a local URL (localhost or 127.0.0.1): the app sends its client secret there",
        );
      }
      if (value.SHOPIFY_ADMIN_API_ORIGIN && !isLocalUrl(value.SHOPIFY_ADMIN_API_ORIGIN)) {
        issue(
          "SHOPIFY_ADMIN_API_ORIGIN",
          "must be a local URL (localhost or 127.0.0.1): the shop's access token is sent there",
        );
      }
    }
    const inbound = Boolean(value.INBOUND_DOMAIN || value.INBOUND_SMTP_PORT || value.INBOUND_EMAIL_SECRET);
    if (value.NODE_ENV === "production" && inbound && (value.INBOUND_EMAIL_SECRET ?? "").length < 32) {
      issue(
        "INBOUND_EMAIL_SECRET",
        "must be at least 32 characters in production when inbound email is on (it lets a sender into every shop's inbox)",
      );
    }
    const sms = SMS_KEYS.filter((key) => value[key]);
    if (sms.length > 0 && sms.length < SMS_KEYS.length) {
      for (const key of SMS_KEYS.filter((key) => !value[key])) {
        issue(key, `is required when any SMS_* variable is set (set all four, or none to turn SMS off)`);
      }
    }
    if (Boolean(value.ETSY_API_KEY) !== Boolean(value.ETSY_SHARED_SECRET)) {
      issue(
        value.ETSY_API_KEY ? "ETSY_SHARED_SECRET" : "ETSY_API_KEY",
        "is required with the other (set both, or none)",
      );
    }
    if (value.ETSY_API_KEY && value.NODE_ENV === "production" && !value.ETSY_TOKEN_KEY) {
      issue("ETSY_TOKEN_KEY", "is required in production when Etsy is set up (Etsy tokens are encrypted with it)");
    }
    if (value.ETSY_API_URL && !value.ETSY_API_URL.startsWith("https://") && !isLocalUrl(value.ETSY_API_URL)) {
      issue("ETSY_API_URL", "must be an https:// URL (Etsy tokens are sent there), or a local one");
    }
    if (value.SMS_API_URL && !value.SMS_API_URL.startsWith("https://") && !isLocalUrl(value.SMS_API_URL)) {
      issue("SMS_API_URL", "must be an https:// URL (the SMS auth token is sent there), or a local one");
    }
  })
  .transform((value) => ({
    ...value,
    SMTP_URL: value.SMTP_URL ?? SANDBOX_SMTP_URL,
  }));

export type Env = z.output<typeof appSchema>;

export class EnvError extends Error {}

/** `NAME=` (as env files and .env.example write an unset value) is the same as no NAME. */
function withoutEmpty(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = appSchema.safeParse(withoutEmpty(source));
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")} ${issue.message}`);
  throw new EnvError(`Kizuna cannot start: the environment is not valid.\n${lines.join("\n")}\nSee .env.example.`);
}

const storageSchema = schema.pick({ DATABASE_URL: true, REDIS_URL: true, REDIS_PREFIX: true });
export type StorageEnv = z.infer<typeof storageSchema>;

/** Only what the ops CLI and migrations need (no Shopify credentials). */
export function storageEnv(source: Record<string, string | undefined> = process.env): StorageEnv {
  const result = storageSchema.safeParse(withoutEmpty(source));
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("\n"));
}

const inboundSchema = schema
  .pick({ INBOUND_DOMAIN: true })
  .extend({ SHOPIFY_APP_URL: z.string().url().default("http://localhost") });

/** Only the inbound domain (the ops CLI prints a shop's address without the app's credentials). */
export function inboundEnv(source: Record<string, string | undefined> = process.env): { domain: string } {
  const result = inboundSchema.safeParse(withoutEmpty(source));
  if (!result.success)
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("\n"));
  return { domain: inboundDomain(result.data) };
}

let cached: Env | undefined;

/** The validated environment of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The SMS provider's settings, or null when SMS is off (no SMS_* set; parseEnv refuses a partial set). */
export function smsSettings(config: Env = env()): {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
} | null {
  const { SMS_API_URL, SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM } = config;
  if (!SMS_API_URL || !SMS_ACCOUNT_SID || !SMS_AUTH_TOKEN || !SMS_FROM) return null;
  return { baseUrl: SMS_API_URL, accountSid: SMS_ACCOUNT_SID, authToken: SMS_AUTH_TOKEN, from: SMS_FROM };
}

/** The domain of inbound addresses: INBOUND_DOMAIN, else the app's host (a dotless local host gets .localdomain). */
export function inboundDomain(config: Pick<Env, "INBOUND_DOMAIN" | "SHOPIFY_APP_URL"> = env()): string {
  if (config.INBOUND_DOMAIN) return config.INBOUND_DOMAIN.toLowerCase();
  const host = new URL(config.SHOPIFY_APP_URL).hostname.replace(/^\[|\]$/g, "");
  return host.includes(".") && !/^[\d.]+$/.test(host) ? host : `${host.replace(/[^a-z0-9-]/gi, "-")}.localdomain`;
}

/** Where Admin API calls for a shop go: https://<shop> (undefined), or the sandbox's emulator in sandbox mode only. */
export function adminApiOrigin(config: Env = env()): string | undefined {
  if (config.SHOPIFY_SANDBOX !== "1" || !config.SHOPIFY_ADMIN_API_ORIGIN) return undefined;
  return isLocalUrl(config.SHOPIFY_ADMIN_API_ORIGIN) ? config.SHOPIFY_ADMIN_API_ORIGIN : undefined;
}
