// Runs after `npm ci` (postinstall): derives the PostgreSQL schema from the
// one source schema and generates both Prisma clients. Offline-safe: Prisma
// 6.19 with engineType "client" needs no engine download.
// See docs/decisions/0002-two-databases-one-schema.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "prisma/schema.prisma");
const pgSchema = join(root, "prisma/generated/postgresql.prisma");

export function postgresSchema(text) {
  return text
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('url      = "file:./unused.db"', 'url      = "postgresql://unused@localhost/unused"')
    .replace('output     = "../app/generated/prisma-sqlite"', 'output     = "../../app/generated/prisma-pg"');
}

/**
 * `@shopify/shopify-app-session-storage-prisma` imports `Prisma` from
 * `@prisma/client` for its error classes. Kizuna's clients are generated into
 * app/generated, and @prisma/client's own postinstall (denied: it downloads
 * engines) would have written this default entry, so we write it: the
 * runtime's error classes — the very ones our clients throw — and a
 * PrismaClient that says where the real clients are.
 */
export function writeDefaultClientEntry(rootDir = root) {
  const dir = join(rootDir, "node_modules/.prisma/client");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "default.js"),
    `"use strict";
// Written by scripts/prepare.mjs (see there).
const runtime = require("@prisma/client/runtime/client");
const Prisma = {
  PrismaClientKnownRequestError: runtime.PrismaClientKnownRequestError,
  PrismaClientUnknownRequestError: runtime.PrismaClientUnknownRequestError,
  PrismaClientValidationError: runtime.PrismaClientValidationError,
  PrismaClientInitializationError: runtime.PrismaClientInitializationError,
  PrismaClientRustPanicError: runtime.PrismaClientRustPanicError,
};
class PrismaClient {
  constructor() {
    throw new Error("Kizuna's Prisma clients are generated into app/generated: use app/db.server.ts");
  }
}
module.exports = { Prisma, PrismaClient, default: { Prisma } };
`,
  );
  const types = join(rootDir, "node_modules/@prisma/client/scripts/default-index.d.ts");
  if (existsSync(types)) writeFileSync(join(dir, "default.d.ts"), readFileSync(types, "utf8"));
}

function main() {
  // A production image ships build/ without the schema (the build bundles the
  // generated clients), so there is nothing to generate; the session storage
  // still loads @prisma/client's default entry.
  if (!existsSync(source) || !existsSync(join(root, "node_modules/prisma"))) {
    if (existsSync(join(root, "node_modules/@prisma/client"))) writeDefaultClientEntry();
    console.log("prepare: no schema or no prisma CLI here: the Prisma clients come with the build");
    return;
  }
  const text = readFileSync(source, "utf8");
  const pg = postgresSchema(text);
  if (pg === text || !pg.includes("prisma-pg")) throw new Error("prepare: could not derive the PostgreSQL schema");
  mkdirSync(dirname(pgSchema), { recursive: true });
  writeFileSync(pgSchema, "// Generated from prisma/schema.prisma by scripts/prepare.mjs. Do not edit.\n" + pg);
  const prisma = join(root, "node_modules/prisma/build/index.js");
  for (const config of ["prisma/sqlite.config.ts", "prisma/postgresql.config.ts"]) {
    try {
      execFileSync(process.execPath, [prisma, "generate", "--config", join(root, config)], {
        stdio: "pipe",
        env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      });
    } catch (error) {
      // Prisma's chatter is only worth showing when it failed.
      process.stderr.write(String(error.stderr ?? "") + String(error.stdout ?? ""));
      throw new Error(`prepare: prisma generate failed for ${config}`);
    }
  }
  writeDefaultClientEntry();
  console.log("prepare: Prisma clients generated (SQLite and PostgreSQL)");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
