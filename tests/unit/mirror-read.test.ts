import { describe, expect, it } from "vitest";
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
import { parsePayload, type JsonObject } from "../../app/webhooks/payload.server.ts";

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
