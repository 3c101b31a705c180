// Etsy tokens at rest: AES-256-GCM with ETSY_TOKEN_KEY (32 bytes, base64).
// A stored value is "v1.<iv>.<tag>.<ciphertext>" (base64url), so a database
// dump alone never holds a usable token, and a tampered value fails to open
// instead of being sent to Etsy. Production refuses to start without the key
// (app/env.server.ts); elsewhere a key derived from the app's secret stands in,
// so the demo and tests run with no extra set-up.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { env, type Env } from "../env.server.ts";

export class TokenCryptoError extends Error {
  override name = "TokenCryptoError";
}

const VERSION = "v1";

/** The 32-byte key from configuration (or, outside production, derived from the app's secret). */
export function tokenKey(config: Pick<Env, "ETSY_TOKEN_KEY" | "SHOPIFY_API_SECRET" | "NODE_ENV"> = env()): Buffer {
  if (config.ETSY_TOKEN_KEY) {
    const key = Buffer.from(config.ETSY_TOKEN_KEY, "base64");
    if (key.length !== 32) throw new TokenCryptoError("ETSY_TOKEN_KEY must be 32 bytes in base64");
    return key;
  }
  if (config.NODE_ENV === "production") throw new TokenCryptoError("ETSY_TOKEN_KEY is not set");
  return createHash("sha256").update(`kizuna-etsy-token-key:${config.SHOPIFY_API_SECRET}`).digest();
}

export function encryptToken(plain: string, key: Buffer = tokenKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), sealed.toString("base64url")].join(".");
}

export function decryptToken(stored: string, key: Buffer = tokenKey()): string {
  const [version, iv, tag, sealed] = stored.split(".");
  if (version !== VERSION || !iv || !tag || sealed === undefined)
    throw new TokenCryptoError("not an encrypted Etsy token");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    // Never say more: the message may reach a log.
    throw new TokenCryptoError("an Etsy token could not be opened (wrong ETSY_TOKEN_KEY, or the value was changed)");
  }
}
