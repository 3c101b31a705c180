// Money as decimal strings (app/money/decimal.ts): the one copy that the
// mirror, restock attribution, notices and admin pages all use.
import { describe, expect, it } from "vitest";
import { moneyOf } from "../../app/mirror/read-payload.server.ts";
import { DecimalError, formatMoney, isDecimal, multiplyDecimal, sumDecimals } from "../../app/money/decimal.ts";

describe("sumDecimals", () => {
  it("adds exactly, never through a float", () => {
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["19.99", "19.99", "19.99"])).toBe("59.97");
    expect(sumDecimals(["9007199254740993.01", "0.01"])).toBe("9007199254740993.02");
  });
  it("keeps the largest scale among different scales", () => {
    expect(sumDecimals(["75.00", "10.5"])).toBe("85.50");
    expect(sumDecimals(["1", "2.500"])).toBe("3.500");
  });
  it("handles negative amounts and a zero result", () => {
    expect(sumDecimals(["-5.25", "2.00"])).toBe("-3.25");
    expect(sumDecimals(["0.05", "-0.10"])).toBe("-0.05");
    expect(sumDecimals(["-0.5", "0.5"])).toBe("0.0");
  });
  it("sums JPY, which has no decimals, as whole yen", () => {
    expect(sumDecimals(["4800", "1200", "3"])).toBe("6003");
    expect(sumDecimals([])).toBe("0");
  });
  it("refuses what is not a decimal", () => {
    for (const bad of ["1e3", "ten", "10.", ".5", "", "1,000"]) expect(() => sumDecimals([bad])).toThrow(DecimalError);
  });
});

describe("multiplyDecimal", () => {
  it("multiplies by a whole quantity at the amount's scale", () => {
    expect(multiplyDecimal("4800", 3)).toBe("14400");
    expect(multiplyDecimal("0.10", 3)).toBe("0.30");
    expect(multiplyDecimal("19.99", 7)).toBe("139.93");
    expect(multiplyDecimal("-2.50", 2)).toBe("-5.00");
    expect(() => multiplyDecimal("1e3", 1)).toThrow(DecimalError);
    expect(() => multiplyDecimal("1", 1.5)).toThrow(DecimalError);
  });
});

describe("formatMoney", () => {
  it("formats in the currency and language, every digit kept", () => {
    expect(formatMoney("4400", "JPY", "ja")).toBe("￥4,400");
    expect(formatMoney("3300", "JPY", "en")).toBe("¥3,300");
    expect(formatMoney("19.99", "USD", "en")).toBe("$19.99");
    expect(formatMoney("12345678901234567.89", "USD", "en")).toBe("$12,345,678,901,234,567.89");
  });
  it("shows what is not a decimal as it is (an admin page showed $NaN)", () => {
    expect(formatMoney("n/a", "USD", "en")).toBe("n/a");
    expect(formatMoney("1e3", "USD", "en")).toBe("1e3");
  });
});

describe("payload money", () => {
  it("reads decimal strings and plain numbers, and a number in exponent form as absent", () => {
    expect(isDecimal(" 10.50 ")).toBe(true);
    expect(moneyOf({ price: "10.50" }, "price")).toBe("10.50");
    expect(moneyOf({ price: 12.5 }, "price")).toBe("12.5");
    expect(moneyOf({ price: 1e21 }, "price")).toBeUndefined();
    expect(moneyOf({ price: "1e3" }, "price")).toBeUndefined();
  });
});
