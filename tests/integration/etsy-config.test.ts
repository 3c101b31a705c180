// Etsy's configuration: production refuses to start when Etsy is set up
// without the token key (or with half the credentials, or a plain-http API
// elsewhere than this machine); the endpoints are Etsy's own in production and
// the sandbox's stand-in otherwise; a token sealed with one key never opens
// with another, and a changed value fails instead of reaching Etsy.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../app/env.server.ts";
import { etsySettings } from "../../app/etsy/etsy-api.server.ts";
import { decryptToken, encryptToken, TokenCryptoError, tokenKey } from "../../app/etsy/token-crypto.server.ts";

const BASE = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://kizuna.example.com",
  SMTP_URL: "smtp://mail.example.com:587",
  NODE_ENV: "production",
};
const ETSY = { ETSY_API_KEY: "keystring", ETSY_SHARED_SECRET: "shared" };
const refusal = (source: Record<string, string>) => {
  try {
    parseEnv(source);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
};

describe("Etsy configuration", () => {
  it("production refuses to start with Etsy set up and no token key", () => {
    expect(refusal({ ...BASE, ...ETSY })).toMatch(/ETSY_TOKEN_KEY is required in production/);
    expect(refusal({ ...BASE, ...ETSY, ETSY_TOKEN_KEY: randomBytes(32).toString("base64") })).toBeNull();
    // Without Etsy, nothing is asked for.
    expect(refusal(BASE)).toBeNull();
    expect(refusal({ ...BASE, ...ETSY, ETSY_TOKEN_KEY: randomBytes(16).toString("base64") })).toMatch(
      /ETSY_TOKEN_KEY must be 32 bytes/,
    );
    expect(refusal({ ...BASE, ETSY_API_KEY: "keystring", ETSY_TOKEN_KEY: randomBytes(32).toString("base64") })).toMatch(
      /ETSY_SHARED_SECRET is required/,
    );
    expect(
      refusal({
        ...BASE,
        ...ETSY,
        ETSY_TOKEN_KEY: randomBytes(32).toString("base64"),
        ETSY_API_URL: "http://etsy.example.com/v3/application",
      }),
    ).toMatch(/ETSY_API_URL must be an https/);
  });

  it("production talks to Etsy; elsewhere the sandbox's stand-in; the key is sent as keystring:secret by the client", () => {
    const production = etsySettings(parseEnv({ ...BASE, ...ETSY, ETSY_TOKEN_KEY: randomBytes(32).toString("base64") }));
    expect(production).toEqual({
      apiUrl: "https://openapi.etsy.com/v3/application",
      tokenUrl: "https://api.etsy.com/v3/public/oauth/token",
      connectUrl: "https://www.etsy.com/oauth/connect",
      apiKey: "keystring",
      sharedSecret: "shared",
    });
    const sandbox = etsySettings(
      parseEnv({
        ...BASE,
        ...ETSY,
        NODE_ENV: "development",
        SHOPIFY_APP_URL: "http://127.0.0.1:3000",
        SHOPIFY_SANDBOX: "1",
        SHOPIFY_SANDBOX_ORIGIN: "http://127.0.0.1:4000",
      }),
    );
    expect(sandbox).toMatchObject({
      apiUrl: "http://127.0.0.1:4000/v3/application",
      tokenUrl: "http://127.0.0.1:4000/v3/public/oauth/token",
      connectUrl: "http://127.0.0.1:4000/oauth/connect",
    });
    // The demo runs the production build in sandbox mode: the stand-in, not Etsy.
    const demo = etsySettings(
      parseEnv({
        ...BASE,
        ...ETSY,
        ETSY_TOKEN_KEY: randomBytes(32).toString("base64"),
        SHOPIFY_APP_URL: "http://127.0.0.1:3000",
        SHOPIFY_SANDBOX: "1",
        SHOPIFY_SANDBOX_ORIGIN: "http://127.0.0.1:4000",
      }),
    );
    expect(demo?.apiUrl).toBe("http://127.0.0.1:4000/v3/application");
    expect(etsySettings(parseEnv(BASE))).toBeNull();
  });

  it("sealed tokens open only with their key and refuse a changed value", () => {
    const key = randomBytes(32);
    const sealed = encryptToken("12345.secret-token", key);
    expect(sealed).not.toContain("secret-token");
    expect(decryptToken(sealed, key)).toBe("12345.secret-token");
    expect(() => decryptToken(sealed, randomBytes(32))).toThrow(TokenCryptoError);
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[3]!, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptToken([...parts.slice(0, 3), flipped.toString("base64url")].join("."), key)).toThrow(
      TokenCryptoError,
    );
    // Production without a key never falls back to a derived one.
    expect(() => tokenKey({ NODE_ENV: "production", SHOPIFY_API_SECRET: "s", ETSY_TOKEN_KEY: undefined })).toThrow(
      TokenCryptoError,
    );
  });
});
