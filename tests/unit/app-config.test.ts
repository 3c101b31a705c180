// shopify.app.toml subscribes to exactly the topics the pipeline handles, at
// the pinned API version, and the environment is validated with clear messages.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { API_VERSION, COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS } from "../../app/webhooks/topics.ts";
import { parseEnv } from "../../app/env.server.ts";

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
});

describe("customer names", () => {
  it("puts the family name first for Japanese customers", async () => {
    const { customerName } = await import("../../app/orders/list-orders.server.ts");
    expect(customerName("花子", "佐藤", "ja")).toBe("佐藤 花子");
    expect(customerName("Emma", "Wilson", "en")).toBe("Emma Wilson");
    expect(customerName(null, null, "en")).toBeNull();
  });
});
