// The Shopify API version is one constant (API_VERSION in app/webhooks/topics.ts):
// shopify.app.toml pins the same, the vendored Admin schema is of that version,
// and no other source file spells a version of its own.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../../app/graphql/admin-schema.server.ts";
import { AdminApi } from "../../app/shopify/admin-api.server.ts";
import { API_VERSION } from "../../app/webhooks/topics.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const CONSTANT = "app/webhooks/topics.ts";

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : [];
  });
}

describe("the Shopify API version", () => {
  it("is the one shopify.app.toml pins", () => {
    const toml = readFileSync(join(ROOT, "shopify.app.toml"), "utf8");
    expect(/^api_version\s*=\s*"([^"]+)"/m.exec(toml)?.[1]).toBe(API_VERSION);
  });

  it("is the version of the vendored Admin schema and the Admin client's default", () => {
    expect(existsSync(join(ROOT, `vendor/shopify-admin-schema/admin_${API_VERSION}.json.gz`))).toBe(true);
    expect(loadAdminSchema()).toBe(loadAdminSchema(API_VERSION));
    const client = new AdminApi({ shop: "version.myshopify.com", accessToken: "t", origin: "http://127.0.0.1:1" });
    expect(client.apiVersion).toBe(API_VERSION);
  });

  it("is written nowhere else in app/, sandbox/, scripts/, server/ or bench/", () => {
    const copies: string[] = [];
    for (const file of ["app", "sandbox", "scripts", "server", "bench"].flatMap(sources)) {
      if (relative(".", file) === CONSTANT) continue;
      const text = readFileSync(join(ROOT, file), "utf8");
      // A quoted version ("2026-07") or a member of the library's enum (ApiVersion.July26).
      for (const match of text.matchAll(/["'`]20\d\d-(?:01|04|07|10)["'`]|\bApiVersion\.\w+/g))
        copies.push(`${file}: ${match[0]}`);
    }
    expect(copies).toEqual([]);
  });
});
