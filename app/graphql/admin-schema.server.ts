// Builds the Shopify Admin GraphQL schema from the vendored introspection
// result (vendor/shopify-admin-schema, refreshed by
// scripts/refresh-admin-schema.mjs) so that tests — and the sandbox Admin API
// emulator — can check every operation the app sends against the real API
// without a network.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, parse, validate, GraphQLError, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { API_VERSION } from "../webhooks/topics.ts";

const cache = new Map<string, GraphQLSchema>();

/** The Admin schema of one API version; built once per version (it takes ~1 s). */
export function loadAdminSchema(version: string = API_VERSION): GraphQLSchema {
  let schema = cache.get(version);
  if (!schema) {
    schema = buildClientSchema(readIntrospection(version));
    cache.set(version, schema);
  }
  return schema;
}

/** Error messages for one operation: its syntax errors, else its validation errors (empty when valid). */
export function validateOperation(schema: GraphQLSchema, source: string): string[] {
  try {
    return validate(schema, parse(source)).map((error) => error.message);
  } catch (error) {
    if (error instanceof GraphQLError) return [error.message];
    throw error;
  }
}

function readIntrospection(version: string): IntrospectionQuery {
  const file = schemaFile(version);
  const json: unknown = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
  // dev-mcp ships `{ data: { __schema } }`; a plain introspection is `{ __schema }`.
  const root = isRecord(json) && isRecord(json.data) ? json.data : json;
  if (!isRecord(root) || !isRecord(root.__schema)) {
    throw new Error(`${file} is not a GraphQL introspection result (no __schema)`);
  }
  return root as unknown as IntrospectionQuery;
}

function schemaFile(version: string): string {
  if (!/^\d{4}-\d{2}$|^unstable$/.test(version)) throw new Error(`Invalid Admin API version "${version}"`);
  const name = `vendor/shopify-admin-schema/admin_${version}.json.gz`;
  // Relative to this file when run from source (tests, tsx); relative to the
  // working directory when bundled into build/ where that path no longer holds.
  const candidates = [fileURLToPath(new URL(`../../${name}`, import.meta.url)), join(process.cwd(), name)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`No Admin schema for ${version}: run \`node scripts/refresh-admin-schema.mjs ${version}\``);
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
