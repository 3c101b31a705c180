import { describe, expect, it } from "vitest";
import { messageFor, shopperLocaleOf } from "../../app/restock/messages.ts";
import { toE164 } from "../../app/restock/phone.ts";
import { fixedWindowLimiter } from "../../app/restock/rate-limit.server.ts";
import { variantIdOf } from "../../app/restock/stock.server.ts";

describe("toE164", () => {
  it.each([
    ["090-1234-5678", "+819012345678"],
    ["０９０ー１２３４ー５６７８".replace(/ー/g, "-"), "+819012345678"],
    ["03 1234 5678", "+81312345678"],
    ["(080) 1234-5678", "+818012345678"],
    ["+81 90 1234 5678", "+819012345678"],
    ["+44 20 7946 0958", "+442079460958"],
    ["0044 20 7946 0958", "+442079460958"],
  ])("%s → %s", (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });
  it.each(["12ab", "1234", "90-1234-5678", "+0 123 456 789", "+1234567890123456", "tel:+81901234567"])(
    "rejects %s",
    (input) => {
      expect(toE164(input)).toBeNull();
    },
  );
});

describe("fixed window limiter", () => {
  it("allows the limit per window, then answers with the wait", () => {
    const limiter = fixedWindowLimiter(2, 60_000);
    const t = 60_000 * 1000 + 20_000;
    expect(limiter.hit("a", t).ok).toBe(true);
    expect(limiter.hit("a", t + 1).ok).toBe(true);
    const third = limiter.hit("a", t + 2);
    expect(third.ok).toBe(false);
    expect(third.retryAfterS).toBe(40);
    expect(limiter.hit("b", t).ok).toBe(true);
    expect(limiter.hit("a", t + 40_000).ok).toBe(true);
  });
  it("keeps memory bounded", () => {
    const limiter = fixedWindowLimiter(1, 60_000, 10);
    for (let i = 0; i < 100; i++) limiter.hit(`k${i}`, 0);
    expect(limiter.hit("k99", 0).ok).toBe(false);
  });
});

describe("shopper locale and ids", () => {
  it("picks ja or en from the body, then Accept-Language, else ja", () => {
    expect(shopperLocaleOf("en", "ja")).toBe("en");
    expect(shopperLocaleOf("fr", "en-US,en;q=0.8")).toBe("en");
    expect(shopperLocaleOf("", null)).toBe("ja");
    expect(messageFor("in_stock", "ja")).toContain("在庫");
  });
  it("reads numeric and GID variant ids", () => {
    expect(variantIdOf("2001")).toBe("2001");
    expect(variantIdOf("gid://shopify/ProductVariant/44012345678901234567")).toBe("44012345678901234567");
    expect(variantIdOf("gid://shopify/Product/1")).toBeNull();
    expect(variantIdOf("1 OR 1=1")).toBeNull();
  });
});
