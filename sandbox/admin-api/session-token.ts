// Shopify session tokens: HS256 JWTs signed with the app's secret, aud = the
// app's API key, about a minute of life, checked with 10 s of clock tolerance
// (as @shopify/shopify-api does). The admin host stand-in signs them; the
// token exchange verifies them.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export interface SessionTokenClaims {
  /** https://<shop>/admin */
  iss: string;
  /** https://<shop> */
  dest: string;
  /** The app's API key. */
  aud: string;
  /** The staff member's user id. */
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  sig?: string;
}

const CLOCK_TOLERANCE_SECONDS = 10;

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

function signature(input: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(input).digest();
}

/** A compact HS256 JWS of `payload`. */
export function signJwt(payload: object, secret: string): string {
  const input = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${signature(input, secret).toString("base64url")}`;
}

export function signSessionToken(claims: SessionTokenClaims, secret: string): string {
  return signJwt(claims, secret);
}

export interface SessionTokenRequest {
  shop: string;
  apiKey: string;
  apiSecret: string;
  userId?: string;
  /** Seconds; Shopify's tokens live one minute. */
  lifetime?: number;
  now?: Date;
}

/** A session token like the one App Bridge's `shopify.idToken()` returns for `shop`. */
export function sessionTokenFor(request: SessionTokenRequest): string {
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  return signSessionToken(
    {
      iss: `https://${request.shop}/admin`,
      dest: `https://${request.shop}`,
      aud: request.apiKey,
      sub: request.userId ?? "902541635",
      exp: iat + (request.lifetime ?? 60),
      nbf: iat,
      iat,
      jti: randomUUID(),
      sid: randomUUID(),
    },
    request.apiSecret,
  );
}

export type VerifiedSessionToken =
  { ok: true; claims: SessionTokenClaims; shop: string } | { ok: false; reason: string };

/** Checks signature, algorithm, audience and lifetime; the shop is the host of `dest`. */
export function verifySessionToken(
  token: string,
  expected: { apiKey: string; apiSecret: string; now?: Date },
): VerifiedSessionToken {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "not a JWT" };
  const [header, payload, given] = parts as [string, string, string];
  const expectedSignature = signature(`${header}.${payload}`, expected.apiSecret);
  const givenSignature = Buffer.from(given, "base64url");
  if (givenSignature.length !== expectedSignature.length || !timingSafeEqual(givenSignature, expectedSignature)) {
    return { ok: false, reason: "signature verification failed" };
  }
  const head = parseJson(header);
  if (head?.alg !== "HS256") return { ok: false, reason: "unexpected algorithm" };
  const claims = parseJson(payload);
  if (!claims || !isClaims(claims)) return { ok: false, reason: "missing claims" };
  const now = Math.floor((expected.now ?? new Date()).getTime() / 1000);
  if (claims.exp + CLOCK_TOLERANCE_SECONDS < now) return { ok: false, reason: "token expired" };
  if (claims.nbf - CLOCK_TOLERANCE_SECONDS > now) return { ok: false, reason: "token not yet valid" };
  if (claims.aud !== expected.apiKey) return { ok: false, reason: "token was issued for another app" };
  const shop = hostOf(claims.dest);
  if (!shop) return { ok: false, reason: "dest is not a shop URL" };
  return { ok: true, claims, shop };
}

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isClaims(value: Record<string, unknown>): value is Record<string, unknown> & SessionTokenClaims {
  return (
    typeof value.dest === "string" &&
    typeof value.aud === "string" &&
    typeof value.exp === "number" &&
    typeof value.nbf === "number" &&
    typeof value.sub === "string"
  );
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}
