import { describe, expect, it } from "vitest";
import { sumDecimals } from "../../app/mirror/refunds.server.ts";
import {
  dateOf,
  enumOf,
  gidParam,
  idAt,
  moneyOf,
  ownIdOf,
  textOf,
  versionOf,
} from "../../app/mirror/read-payload.server.ts";
import { ProjectionError } from "../../app/mirror/project-event.server.ts";
import { parsePayload, type JsonObject } from "../../app/webhooks/payload.server.ts";

describe("sumDecimals", () => {
  it("adds decimal strings exactly", () => {
    expect(sumDecimals(["75.00", "10.00"])).toBe("85.00");
    expect(sumDecimals(["0.10", "0.20"])).toBe("0.30");
    expect(sumDecimals(["10.5", "0.25"])).toBe("10.75");
    expect(sumDecimals(["19.99", "19.99", "19.99"])).toBe("59.97");
  });
  it("keeps the largest scale and handles signs, whole numbers and nothing", () => {
    expect(sumDecimals(["1", "2.500"])).toBe("3.500");
    expect(sumDecimals(["-5.25", "2.00"])).toBe("-3.25");
    expect(sumDecimals(["0.05", "-0.10"])).toBe("-0.05");
    expect(sumDecimals([])).toBe("0");
  });
  it("stays exact beyond float precision", () => {
    expect(sumDecimals(["9007199254740993.01", "0.01"])).toBe("9007199254740993.02");
  });
  it("rejects what is not a decimal", () => {
    expect(() => sumDecimals(["1e3"])).toThrow(ProjectionError);
    expect(() => sumDecimals(["ten"])).toThrow(ProjectionError);
  });
});

describe("payload readers", () => {
  const payload = parsePayload(
    '{"id":820982911946154500,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","order":{"id":1,"admin_graphql_api_id":"gid://shopify/Order/2"},"status":"in_transit","price":"10.50","n":null,"when":"2021-12-31T19:00:00-05:00","bad":"soon"}',
  ) as JsonObject;

  it("prefers the GID's exact digits over a numeric id", () => {
    expect(ownIdOf(payload)).toBe("820982911946154508");
    expect(idAt(payload, "order")).toBe("2");
    expect(idAt(payload, "missing")).toBeNull();
  });
  it("tells an absent field (undefined) from a null one", () => {
    expect(textOf(payload, "n")).toBeNull();
    expect(textOf(payload, "missing")).toBeUndefined();
    expect(textOf(payload, "constructor")).toBeUndefined();
  });
  it("reads enums in the Admin GraphQL spelling, money as strings, dates as instants", () => {
    expect(enumOf(payload, "status")).toBe("IN_TRANSIT");
    expect(moneyOf(payload, "price")).toBe("10.50");
    expect(dateOf(payload, "when")?.toISOString()).toBe("2022-01-01T00:00:00.000Z");
    expect(dateOf(payload, "bad")).toBeUndefined();
  });
  it("versions by updated_at, else by when Shopify triggered the event", () => {
    const triggeredAt = new Date("2026-01-01T00:00:00Z");
    expect(versionOf({ updated_at: "2022-01-01T00:00:00Z" }, triggeredAt)?.toISOString()).toBe(
      "2022-01-01T00:00:00.000Z",
    );
    expect(versionOf({}, triggeredAt)).toBe(triggeredAt);
    expect(versionOf({}, undefined)).toBeNull();
  });
  it("reads a GID's query parameters", () => {
    expect(
      gidParam("gid://shopify/InventoryLevel/24826418?inventory_item_id=271878346596884015", "inventory_item_id"),
    ).toBe("271878346596884015");
    expect(gidParam("gid://shopify/InventoryLevel/24826418", "inventory_item_id")).toBeNull();
    expect(gidParam(null, "inventory_item_id")).toBeNull();
  });
});
