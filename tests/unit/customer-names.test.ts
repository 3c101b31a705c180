// Customer names (app/customers/names.ts): one rule for the Delays and Orders
// pages and the notices' greeting. The Delays page used to show 健太 田中
// while the mail said 田中 健太様.
import { describe, expect, it } from "vitest";
import { customerName, greetingName } from "../../app/customers/names.ts";

describe("customerName", () => {
  it("puts the family name first for a Japanese customer", () => {
    expect(customerName("健太", "田中", "ja")).toBe("田中 健太");
    expect(customerName("Kenta", "Tanaka", "ja-JP")).toBe("Tanaka Kenta");
  });
  it("puts the family name first for a name written in Japanese, whatever the locale", () => {
    expect(customerName("健太", "田中", null)).toBe("田中 健太");
    expect(customerName("けんた", "たなか", "en")).toBe("たなか けんた");
  });
  it("puts the given name first otherwise", () => {
    expect(customerName("Emma", "Wilson", "en")).toBe("Emma Wilson");
    expect(customerName("Emma", "Wilson", null)).toBe("Emma Wilson");
    expect(customerName("Jan", "Novák", "java")).toBe("Jan Novák");
  });
  it("leaves out a blank part and has no name for none", () => {
    expect(customerName("  ", "田中", "ja")).toBe("田中");
    expect(customerName(" Emma ", null, "en")).toBe("Emma");
    expect(customerName(null, null, "en")).toBeNull();
    expect(customerName("", " ", "ja")).toBeNull();
  });
});

describe("greetingName", () => {
  it("greets a Japanese notice with the full name, family name first (the template adds 様)", () => {
    expect(greetingName("健太", "田中", "ja")).toBe("田中 健太");
    expect(greetingName(null, "田中", "ja")).toBe("田中");
  });
  it("greets an English notice by the given name", () => {
    expect(greetingName("Emma", "Wilson", "en")).toBe("Emma");
    expect(greetingName(null, "Wilson", "en")).toBeNull();
  });
  it("agrees with the name the admin pages show for a Japanese customer", () => {
    expect(greetingName("健太", "田中", "ja")).toBe(customerName("健太", "田中", "ja"));
  });
});
