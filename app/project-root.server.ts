// The project's root folder (where package.json, prisma/ and build/ live),
// found from a module's own folder. Modules run from app/ (tsx, tests) and
// from bundles in build/server or build/worker, so a fixed "../.." is wrong
// in one of them; the current directory is whatever the caller started in.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);
