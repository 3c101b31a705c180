// The From address of a notice when the seller has not set a sender email.
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../app/env.server.ts";
import { defaultSenderAddress } from "../../app/notices/deliver-notice.server.ts";

const BASE = { SHOPIFY_API_KEY: "key", SHOPIFY_API_SECRET: "secret", SHOPIFY_APP_URL: "https://kizuna.example.com" };

describe("the default sender address", () => {
  it("is no-reply at the app's host", () => {
    expect(defaultSenderAddress("https://kizuna.example.com/app")).toBe("no-reply@kizuna.example.com");
    expect(defaultSenderAddress("http://127.0.0.1:3000")).toBe("no-reply@127.0.0.1");
  });

  it("gives a dotless local host a domain, so that the address is valid", () => {
    expect(defaultSenderAddress("http://localhost:3000")).toBe("no-reply@localhost.localdomain");
  });

  it("is MAIL_FROM when that is set", () => {
    expect(defaultSenderAddress("http://localhost:3000", "notices@kizuna.example.com")).toBe(
      "notices@kizuna.example.com",
    );
  });

  it("takes MAIL_FROM from the environment: empty means unset, a bad address stops the start", () => {
    expect(parseEnv({ ...BASE, MAIL_FROM: "notices@kizuna.example.com" }).MAIL_FROM).toBe("notices@kizuna.example.com");
    expect(parseEnv({ ...BASE, MAIL_FROM: "" }).MAIL_FROM).toBeUndefined();
    expect(() => parseEnv({ ...BASE, MAIL_FROM: "not an address" })).toThrow(/MAIL_FROM must be an address/);
  });
});
