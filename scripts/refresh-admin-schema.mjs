// Refreshes the vendored Shopify Admin GraphQL schema (an introspection result)
// from the npm package @shopify/dev-mcp, without installing it: that package
// pulls ~300 dependencies, and we need one ~1 MB file out of its tarball.
//
// Usage: node scripts/refresh-admin-schema.mjs [version]
// (default: shopify.app.toml's api_version, which app/webhooks/topics.ts's API_VERSION matches)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = /^api_version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, "shopify.app.toml"), "utf8"))?.[1];
const version = process.argv[2] ?? pinned;

if (!version || !/^\d{4}-\d{2}$/.test(version)) {
  console.error(`refresh-admin-schema: version must look like 2026-07, got "${version}"`);
  process.exit(1);
}

const fileName = `admin_${version}.json.gz`;
const inTarball = `package/dist/data/${fileName}`;
const target = join(root, "vendor/shopify-admin-schema", fileName);

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function main() {
  const tmp = mkdtempSync(join(tmpdir(), "admin-schema-"));
  try {
    // npm pack downloads the tarball only; nothing is installed or added to package.json.
    run("npm", ["pack", "@shopify/dev-mcp", "--pack-destination", tmp, "--silent"], tmp);
    const tgz = readdirSync(tmp).find((name) => name.endsWith(".tgz"));
    if (!tgz) throw new Error("npm pack produced no tarball");
    try {
      run("tar", ["-xzf", join(tmp, tgz), "-C", tmp, inTarball], tmp);
    } catch {
      throw new Error(`${tgz} has no ${inTarball} (is ${version} a version dev-mcp ships?)`);
    }
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(tmp, inTarball), target);
    console.log(`refresh-admin-schema: wrote ${target} (${statSync(target).size} bytes) from ${tgz}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`refresh-admin-schema: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
