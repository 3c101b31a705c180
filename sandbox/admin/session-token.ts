// Session tokens as Shopify's admin issues them to embedded apps, in the admin
// host's terms (a SandboxConfig); the JWT work itself is shared with the token
// exchange in sandbox/admin-api/session-token.ts.
import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxConfig } from "../http.ts";
import { signJwt, verifySessionToken as verifyToken, type SessionTokenClaims } from "../admin-api/session-token.ts";

export { signJwt, type SessionTokenClaims };

export interface SessionTokenOptions {
  shop: string;
  /** Issue time in milliseconds (default now); a time in the past gives an expired token. */
  now?: number;
  /** Default 60, as Shopify's. */
  ttlSeconds?: number;
  /** The staff member's user id (default "1"). */
  sub?: string;
  /** The admin login session (default a random one per token). */
  sid?: string;
}

export function sessionTokenClaims(config: SandboxConfig, options: SessionTokenOptions): SessionTokenClaims {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  return {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: config.apiKey,
    sub: options.sub ?? "1",
    exp: iat + (options.ttlSeconds ?? 60),
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: options.sid ?? randomBytes(16).toString("hex"),
  };
}

/** A session token for `shop`, signed with `config.apiSecret` (pass another secret to forge one). */
export function issueSessionToken(config: SandboxConfig, options: SessionTokenOptions): string {
  return signJwt(sessionTokenClaims(config, options), config.apiSecret);
}

/** A myshopify domain as Shopify writes them (what the admin accepts as `shop`). */
export function isShopDomain(value: string): boolean {
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(value);
}

/**
 * The claims of a session token signed with `config.apiSecret` for `config.apiKey`
 * that is valid at `now` (10 s clock tolerance, as the library's check), or null.
 */
export function verifySessionToken(config: SandboxConfig, token: string, now = Date.now()): SessionTokenClaims | null {
  const verified = verifyToken(token, { apiKey: config.apiKey, apiSecret: config.apiSecret, now: new Date(now) });
  return verified.ok ? verified.claims : null;
}
