// shopify.app.toml subscribes to exactly the topics the pipeline handles, at
// the pinned API version, and the environment is validated with clear messages.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { API_VERSION, COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS } from "../../app/webhooks/topics.ts";
import { adminApiOrigin, parseEnv, smsSettings } from "../../app/env.server.ts";

const ROOT = resolve(import.meta.dirname, "../..");

const toml = readFileSync(resolve(import.meta.dirname, "../../shopify.app.toml"), "utf8");

function listAfter(key: string): string[] {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*\\[([^\\]]*)\\]`, "m").exec(toml);
  return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!) : [];
}

describe("shopify.app.toml", () => {
  it("subscribes to every topic the pipeline handles, and only those", () => {
    expect(listAfter("topics").sort()).toEqual([...SUBSCRIBED_TOPICS].sort());
    expect(listAfter("compliance_topics").sort()).toEqual([...COMPLIANCE_TOPICS].sort());
  });
  it("pins the webhook API version the app uses", () => {
    expect(toml).toMatch(new RegExp(`api_version = "${API_VERSION}"`));
  });
  it("is embedded and declares an app proxy", () => {
    expect(toml).toMatch(/^embedded = true$/m);
    expect(toml).toMatch(/\[app_proxy\][^[]*subpath = "kizuna"/);
  });
});

describe("environment", () => {
  const valid = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret", SHOPIFY_APP_URL: "https://kizuna.example.com" };

  it("fills defaults for the embedded setup", () => {
    expect(parseEnv(valid)).toMatchObject({
      DATABASE_URL: "file:./data/kizuna.db",
      REDIS_URL: "redis://127.0.0.1:6379",
      PORT: 3000,
    });
  });
  it("names every missing or bad value", () => {
    expect(() => parseEnv({ SHOPIFY_APP_URL: "not a url", PORT: "99999", DATABASE_URL: "mysql://x" })).toThrow(
      /SHOPIFY_API_KEY is required[\s\S]*SHOPIFY_API_SECRET is required[\s\S]*SHOPIFY_APP_URL must be a full URL[\s\S]*DATABASE_URL must be file:[\s\S]*PORT/,
    );
  });
  it("accepts PostgreSQL URLs", () => {
    expect(parseEnv({ ...valid, DATABASE_URL: "postgresql://u@h:5432/db" }).DATABASE_URL).toBe(
      "postgresql://u@h:5432/db",
    );
  });

  const sandbox = {
    ...valid,
    SHOPIFY_APP_URL: "http://127.0.0.1:3000",
    SHOPIFY_SANDBOX: "1",
    SHOPIFY_SANDBOX_ORIGIN: "http://127.0.0.1:4000",
  };

  it("refuses SHOPIFY_ADMIN_API_ORIGIN outside the sandbox: the shop's access token would be sent there", () => {
    expect(() => parseEnv({ ...valid, SHOPIFY_ADMIN_API_ORIGIN: "https://collector.example.net" })).toThrow(
      /SHOPIFY_ADMIN_API_ORIGIN is only for the sandbox/,
    );
    // A local origin is no better without the sandbox (a public deployment would still send tokens to it).
    expect(() => parseEnv({ ...valid, SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000" })).toThrow(
      /SHOPIFY_ADMIN_API_ORIGIN is only for the sandbox/,
    );
  });
  it("refuses a non-local SHOPIFY_ADMIN_API_ORIGIN even in the sandbox, and uses a local one only there", () => {
    expect(() => parseEnv({ ...sandbox, SHOPIFY_ADMIN_API_ORIGIN: "https://collector.example.net" })).toThrow(
      /SHOPIFY_ADMIN_API_ORIGIN must be a local URL/,
    );
    const config = parseEnv({ ...sandbox, SHOPIFY_ADMIN_API_ORIGIN: "http://127.0.0.1:4000" });
    expect(adminApiOrigin(config)).toBe("http://127.0.0.1:4000");
    expect(adminApiOrigin(parseEnv(valid))).toBeUndefined();
  });
  it("refuses the other sandbox-only value outside the sandbox", () => {
    expect(() => parseEnv({ ...valid, SHOPIFY_SANDBOX_ORIGIN: "http://127.0.0.1:4000" })).toThrow(
      /SHOPIFY_SANDBOX_ORIGIN is only for the sandbox/,
    );
  });

  it("in production, refuses to start without SMTP_URL instead of mailing the sandbox's sink", () => {
    expect(() => parseEnv({ ...valid, NODE_ENV: "production" })).toThrow(/SMTP_URL is required in production/);
    expect(() => parseEnv({ ...valid, NODE_ENV: "production", SMTP_URL: "" })).toThrow(/SMTP_URL is required/);
    const smtp = "smtps://notices:secret@smtp.example.com:465";
    expect(parseEnv({ ...valid, NODE_ENV: "production", SMTP_URL: smtp }).SMTP_URL).toBe(smtp);
    // The sandbox (the demo, the browser tests) runs built code in production mode against its own sink.
    expect(parseEnv({ ...sandbox, NODE_ENV: "production" }).SMTP_URL).toBe("smtp://127.0.0.1:2525");
    // Development and tests keep the local sink as the default.
    expect(parseEnv(valid).SMTP_URL).toBe("smtp://127.0.0.1:2525");
  });
  it("checks SMTP_URL with the rest of the configuration", () => {
    expect(() => parseEnv({ ...valid, SMTP_URL: "http://mail" })).toThrow(/SMTP_URL must look like smtp:\/\/host/);
  });

  it("SMS is off without SMS_*, and a partial or unsafe SMS configuration is refused", () => {
    expect(smsSettings(parseEnv(valid))).toBeNull();
    expect(() => parseEnv({ ...valid, SMS_API_URL: "http://127.0.0.1:4000/sms" })).toThrow(
      /SMS_ACCOUNT_SID is required when any SMS_\* variable is set[\s\S]*SMS_AUTH_TOKEN[\s\S]*SMS_FROM/,
    );
    const sms = { SMS_ACCOUNT_SID: "AC1", SMS_AUTH_TOKEN: "token", SMS_FROM: "+15005550006" };
    expect(() => parseEnv({ ...valid, ...sms, SMS_API_URL: "http://sms.example.com" })).toThrow(
      /SMS_API_URL must be an https:\/\/ URL/,
    );
    expect(smsSettings(parseEnv({ ...valid, ...sms, SMS_API_URL: "https://api.twilio.com" }))).toEqual({
      baseUrl: "https://api.twilio.com",
      accountSid: "AC1",
      authToken: "token",
      from: "+15005550006",
    });
  });

  it("takes an empty value (NAME= in an env file) as unset", () => {
    const config = parseEnv({
      ...valid,
      SHOPIFY_SANDBOX_ORIGIN: "",
      SHOPIFY_ADMIN_API_ORIGIN: "",
      SCOPES: "",
      MAIL_FROM: "",
    });
    expect([config.SHOPIFY_SANDBOX_ORIGIN, config.SHOPIFY_ADMIN_API_ORIGIN, config.MAIL_FROM]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(config.SCOPES).toContain("read_orders");
  });

  it("trusts no proxy hop unless told (TRUSTED_PROXY_HOPS)", () => {
    expect(parseEnv(valid).TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ ...valid, TRUSTED_PROXY_HOPS: "2" }).TRUSTED_PROXY_HOPS).toBe(2);
    expect(() => parseEnv({ ...valid, TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});

/** KEY=value lines of an env file (comments and blank lines skipped). */
function envFile(path: string): Record<string, string> {
  const entries = readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

describe(".env.example", () => {
  const example = envFile(join(ROOT, ".env.example"));

  it("passes validation as shipped", () => {
    expect(() => parseEnv(example)).not.toThrow();
  });
  it("documents every variable env.server.ts reads", () => {
    const source = readFileSync(join(ROOT, "app/env.server.ts"), "utf8");
    const schema = source.slice(source.indexOf("const schema = z.object({"), source.indexOf("\n});"));
    const keys = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]);
    expect(keys.length).toBeGreaterThan(15);
    expect(Object.keys(example).sort()).toEqual([...keys].sort());
  });
});

/** Files under `dir` with one of the extensions, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|tsx|mjs|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes("/generated/"));
}

describe("configuration is read in one place", () => {
  it("no module in app/ or server/ but env.server.ts reads process.env", () => {
    const readers = [...sourceFiles(join(ROOT, "app")), ...sourceFiles(join(ROOT, "server"))]
      .filter((path) => !path.endsWith("app/env.server.ts"))
      .filter((path) => /process\.env\b/.test(readFileSync(path, "utf8")))
      .map((path) => path.slice(ROOT.length + 1));
    expect(readers).toEqual([]);
  });
});
