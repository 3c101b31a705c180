// What the inbound mail endpoints check before any mail is read: the bearer
// secret (compared in constant time) and the body's size (refused by
// Content-Length, or as soon as a chunked body passes the limit).
import { createHash, timingSafeEqual } from "node:crypto";

/** `Authorization: Bearer <secret>`, compared as hashes so neither length nor content leaks by timing. */
export function bearerMatches(header: string | null, secret: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  const given = createHash("sha256")
    .update(match?.[1] ?? "")
    .digest();
  const expected = createHash("sha256").update(secret).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

/** The request body's bytes, or null when it is larger than `limit`. */
export async function readBytesWithin(request: Request, limit: number): Promise<Buffer | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && !(/^\d+$/.test(declared) && Number(declared) <= limit)) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}
