import { describe, expect, it } from "vitest";
import { idOf, parsePayload, PayloadError } from "../../app/webhooks/payload.server.ts";

describe("parsePayload", () => {
  it("keeps 18-digit ids exact", () => {
    const body = parsePayload('{"id":820982911946154508,"n":3,"p":1.5}');
    expect(body).toEqual({ id: "820982911946154508", n: 3, p: 1.5 });
  });
  it("rejects text that is not JSON", () => {
    expect(() => parsePayload("{nope")).toThrow(PayloadError);
  });
  it("reads ids from numbers, strings and GIDs", () => {
    expect(idOf(42)).toBe("42");
    expect(idOf("gid://shopify/Order/820982911946154508")).toBe("820982911946154508");
    expect(idOf(null)).toBeNull();
  });
});
