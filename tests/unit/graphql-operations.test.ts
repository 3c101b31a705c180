// Every Admin GraphQL operation the app sends must be valid against the real
// Admin schema of the pinned API version. Operations are discovered from
// app/graphql/*.ts, so a new module or constant is checked without editing
// this test.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { NoDeprecatedCustomRule, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema, validateOperation } from "../../app/graphql/admin-schema.server.ts";
import { ordersSinceFilter } from "../../app/graphql/orders.ts";

const API_VERSION = "2026-07";
const graphqlDir = fileURLToPath(new URL("../../app/graphql/", import.meta.url));

// Deprecated fields used knowingly, each with the reason. Anything else
// deprecated fails, so we move off a field before Shopify removes it.
const KNOWN_DEPRECATED_FIELDS: Record<string, string> = {
  // 2026-07 has no undeprecated SMS consent: the replacement,
  // defaultPhoneNumber.smsMarketingConsent, only exists from 2026-10.
  "CustomerPhoneNumber.marketingState": "replacement only in 2026-10",
  "CustomerPhoneNumber.marketingOptInLevel": "replacement only in 2026-10",
  "CustomerPhoneNumber.marketingUpdatedAt": "replacement only in 2026-10",
};

interface Operation {
  module: string;
  name: string;
  source: string;
}

/** Operation modules: every app/graphql/*.ts but the schema loader (*.server.ts). */
function operationModules(): string[] {
  return readdirSync(graphqlDir)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".server.ts") && !file.endsWith(".d.ts"))
    .sort();
}

async function discoverOperations(): Promise<Operation[]> {
  const operations: Operation[] = [];
  for (const file of operationModules()) {
    const module: Record<string, unknown> = await import(pathToFileURL(graphqlDir + file).href);
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "string" && /(Query|Mutation)$/.test(name))
        operations.push({ module: file, name, source: value });
    }
  }
  return operations;
}

function unexpectedDeprecations(source: string): string[] {
  const schema = loadAdminSchema(API_VERSION);
  return validate(schema, parse(source), [NoDeprecatedCustomRule])
    .map((error) => error.message)
    .filter(
      (message) =>
        !Object.keys(KNOWN_DEPRECATED_FIELDS).some((field) => message.includes(`field ${field} is deprecated`)),
    );
}

const operations = await discoverOperations();

describe(`Admin GraphQL operations against the ${API_VERSION} schema`, () => {
  it("finds operations, at least one in every module", () => {
    const files = operationModules();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(
        operations.some((op) => op.module === file),
        `${file} exports no *Query/*Mutation`,
      ).toBe(true);
  });

  for (const op of operations) {
    it(`${op.module} ${op.name} is valid`, () => {
      expect(op.source.trimStart().startsWith("#graphql")).toBe(true);
      expect(validateOperation(loadAdminSchema(API_VERSION), op.source)).toEqual([]);
      expect(unexpectedDeprecations(op.source)).toEqual([]);
    });
  }
});

describe("validateOperation", () => {
  it("reports a misspelled field by name", () => {
    const errors = validateOperation(loadAdminSchema(API_VERSION), "{ shop { nmae } }");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Cannot query field "nmae" on type "Shop"/);
  });

  it("reports syntax errors instead of throwing", () => {
    const errors = validateOperation(loadAdminSchema(API_VERSION), "query { shop { name }");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Syntax Error/);
  });

  it("knows the @idempotent directive", () => {
    const directive = loadAdminSchema(API_VERSION).getDirective("idempotent");
    expect(directive?.locations).toEqual(["FIELD"]);
    expect(String(directive?.args.find((arg) => arg.name === "key")?.type)).toBe("String!");
  });

  it("flags deprecated fields outside the known list", () => {
    expect(unexpectedDeprecations("{ shop { billingAddress { country } } }")).toEqual([
      expect.stringContaining("Shop.billingAddress is deprecated"),
    ]);
  });
});

describe("ordersSinceFilter", () => {
  it("filters on creation time N days back, in UTC", () => {
    expect(ordersSinceFilter(30, new Date("2026-11-23T10:00:00Z"))).toBe("created_at:>='2026-10-24T10:00:00.000Z'");
  });
});
