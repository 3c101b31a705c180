// shop/redact must delete the shop's rows from every table. Its list of
// tables is checked here against the data model itself, so a model added to
// prisma/schema.prisma without a `shop` column, or left out of the list, fails.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SHOP_OWNED_MODELS } from "../../app/compliance/redact-shop.server.ts";

/** Model name → its field names, read from the schema source. */
function schemaModels(): Map<string, string[]> {
  const schema = readFileSync(resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  const models = new Map<string, string[]>();
  for (const [, name, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const fields = body!
      .split("\n")
      .map((line) => line.replace(/\/\/.*$/, "").trim())
      .filter((line) => line !== "" && !line.startsWith("@@"))
      .map((line) => line.split(/\s+/)[0]!);
    models.set(name!, fields);
  }
  return models;
}

describe("shop/redact's list of shop-owned tables", () => {
  const models = schemaModels();

  it("reads the models from the schema", () => {
    expect(models.size).toBeGreaterThan(10);
    expect(models.get("Order")).toContain("shop");
  });

  it("names every model of the schema, and nothing else", () => {
    expect(Object.keys(SHOP_OWNED_MODELS).sort()).toEqual([...models.keys()].sort());
  });

  it("deletes by a column each model really has", () => {
    for (const [model, owned] of Object.entries(SHOP_OWNED_MODELS)) {
      expect(models.get(model), model).toContain(owned.column);
    }
  });

  it("finds a `shop` column on every model but Shop itself", () => {
    const withoutShop = [...models].filter(([, fields]) => !fields.includes("shop")).map(([name]) => name);
    expect(withoutShop).toEqual(["Shop"]);
    expect(SHOP_OWNED_MODELS.Shop.column).toBe("domain");
  });
});
