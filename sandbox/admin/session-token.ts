// Session tokens as Shopify's admin issues them to embedded apps: HS256 JWTs
// signed with the app's client secret, one minute of life.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { SandboxConfig } from "../http.ts";

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

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

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** A compact HS256 JWS of `payload`. */
export function signJwt(payload: object, secret: string): string {
  const signingInput = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac("sha256", secret).update(signingInput).digest("base64url");
  return `${signingInput}.${signature}`;
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
  const [header, payload, signature, ...extra] = token.split(".");
  if (!header || !payload || !signature || extra.length > 0) return null;
  const expected = createHmac("sha256", config.apiSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Partial<SessionTokenClaims>;
  try {
    if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "HS256") return null;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Partial<SessionTokenClaims>;
  } catch {
    return null;
  }
  const seconds = now / 1000;
  const tolerance = 10;
  if (typeof claims.exp !== "number" || claims.exp + tolerance < seconds) return null;
  if (typeof claims.nbf !== "number" || claims.nbf - tolerance > seconds) return null;
  if (claims.aud !== config.apiKey || typeof claims.dest !== "string") return null;
  return claims as SessionTokenClaims;
}
