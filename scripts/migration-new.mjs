// Writes a new migration for both databases: the SQL that takes the schema of
// the previous migration to the current prisma/schema.prisma.
//   node scripts/migration-new.mjs <name>
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { postgresSchema } from "./prepare.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: node scripts/migration-new.mjs <snake_case_name>");
  process.exit(2);
}
const dir = join(root, "prisma/migrations");
mkdirSync(dir, { recursive: true });
const previous = readdirSync(dir)
  .filter((d) => /^\d{4}_/.test(d))
  .sort()
  .at(-1);
const number = String(previous ? Number(previous.slice(0, 4)) + 1 : 1).padStart(4, "0");
const target = join(dir, `${number}_${name}`);
const tmp = join(root, "prisma/generated");
mkdirSync(tmp, { recursive: true });
const prisma = join(root, "node_modules/prisma/build/index.js");

function diff(config, fromSchema, toSchema) {
  const from = fromSchema ? ["--from-schema-datamodel", fromSchema] : ["--from-empty"];
  return execFileSync(
    process.execPath,
    [prisma, "migrate", "diff", "--config", config, ...from, "--to-schema-datamodel", toSchema, "--script"],
    { encoding: "utf8", env: { ...process.env, PRISMA_CLI_SQLITE_URL: ":memory:" } },
  );
}

const current = join(root, "prisma/schema.prisma");
// Derive the PostgreSQL schema from the current source now: the generated
// copy may predate the edit this migration is for.
const currentPg = join(tmp, "current-postgresql.prisma");
writeFileSync(currentPg, postgresSchema(readFileSync(current, "utf8")));
const prevSnapshot = previous ? join(dir, previous, "schema.prisma") : undefined;
let prevPg;
if (prevSnapshot && existsSync(prevSnapshot)) {
  prevPg = join(tmp, "previous-postgresql.prisma");
  writeFileSync(prevPg, postgresSchema(readFileSync(prevSnapshot, "utf8")));
}
const sqlite = diff(join(root, "prisma/sqlite.config.ts"), prevSnapshot, current);
const postgresql = diff(join(root, "prisma/postgresql.config.ts"), prevPg, currentPg);
if (!/CREATE|ALTER|DROP/.test(sqlite)) {
  console.error("No schema change since the last migration.");
  process.exit(1);
}
mkdirSync(target);
writeFileSync(join(target, "sqlite.sql"), sqlite);
writeFileSync(join(target, "postgresql.sql"), postgresql);
copyFileSync(current, join(target, "schema.prisma"));
console.log(`wrote ${target}`);
