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

function main() {
  if (!existsSync(join(root, "node_modules/prisma"))) return; // production install without dev tools
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
  console.log("prepare: Prisma clients generated (SQLite and PostgreSQL)");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
