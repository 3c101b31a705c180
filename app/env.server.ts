// The environment, validated once. Every module reads configuration from here,
// never from process.env directly, so a bad value fails at start with a message
// that names it.
import { z } from "zod";

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
      "read_customers,write_customers,read_orders,write_orders,read_fulfillments,write_fulfillments,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_inventory,write_inventory,read_products,read_returns,write_returns",
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
  // Overrides the Admin API origin (https://<shop>) — only the sandbox sets it.
  SHOPIFY_ADMIN_API_ORIGIN: z.string().url().optional(),
  // How long a worker may hold a job before another worker takes it over (ms).
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // From address of notices when the seller has set no sender email (default no-reply@<app host>).
  MAIL_FROM: z.preprocess(
    (value) => (value === "" ? undefined : value),
    z.string().email("must be an address such as notices@kizuna.example.com").optional(),
  ),
  // Local stand-ins for Shopify (sandbox/): admin host, App Bridge, Admin API. Only
  // for a local app URL, so a public deployment can never turn it on.
  SHOPIFY_SANDBOX: z.enum(["0", "1"], { message: "must be 1 (on) or 0 (off)" }).default("0"),
  // Where the sandbox listens, e.g. http://127.0.0.1:4000 (required when SHOPIFY_SANDBOX=1).
  SHOPIFY_SANDBOX_ORIGIN: z.string().url("must be a URL such as http://127.0.0.1:4000").optional(),
});

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLocalUrl(url: string): boolean {
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

// The sandbox receives the app's client secret (token exchange) and issues
// session tokens: it may only run with the app and the sandbox on this machine.
const appSchema = schema.superRefine((value, context) => {
  if (value.SHOPIFY_SANDBOX !== "1") return;
  if (!isLocalUrl(value.SHOPIFY_APP_URL)) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["SHOPIFY_SANDBOX"],
      message: `is 1, which needs a local SHOPIFY_APP_URL (localhost or 127.0.0.1), not ${value.SHOPIFY_APP_URL}: the sandbox never runs in a public deployment`,
    });
  }
  if (!value.SHOPIFY_SANDBOX_ORIGIN) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["SHOPIFY_SANDBOX_ORIGIN"],
      message: "is required when SHOPIFY_SANDBOX=1 (where the sandbox listens, e.g. http://127.0.0.1:4000)",
    });
  } else if (!isLocalUrl(value.SHOPIFY_SANDBOX_ORIGIN)) {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      path: ["SHOPIFY_SANDBOX_ORIGIN"],
      message: "must be a local URL (localhost or 127.0.0.1): the app sends its client secret there",
    });
  }
});

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = appSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")} ${issue.message}`);
  throw new EnvError(`Kizuna cannot start: the environment is not valid.\n${lines.join("\n")}\nSee .env.example.`);
}

const storageSchema = schema.pick({ DATABASE_URL: true, REDIS_URL: true, REDIS_PREFIX: true });
export type StorageEnv = z.infer<typeof storageSchema>;

/** Only what the ops CLI and migrations need (no Shopify credentials). */
export function storageEnv(source: Record<string, string | undefined> = process.env): StorageEnv {
  const result = storageSchema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("\n"));
}

let cached: Env | undefined;

/** The validated environment of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
