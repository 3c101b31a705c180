// `npm run build`: everything production runs, as plain JavaScript for
// `node` with production dependencies only (no tsx, no vite at run time).
//   build/server, build/client  the Remix app (vite)
//   build/web/index.js          the web process (server/index.ts); it takes
//                               the app's modules from build/server, so it
//                               must not bundle any of them itself
//   build/worker/index.js       the worker process (server/worker.ts)
//   build/cli/migrate.js, build/cli/ops.js   the operator commands
// Packages in node_modules stay imports (installed by `npm ci --omit=dev`);
// the app's own code, the generated Prisma clients included, is bundled.
// See docs/decisions/0007-production-build-and-configuration.md.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

// App modules the web entry may hold a copy of: stateless helpers only.
const WEB_MAY_BUNDLE = new Set(["app/project-root.server.ts"]);

export async function buildEntries() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      "web/index": "server/index.ts",
      "worker/index": "server/worker.ts",
      "cli/migrate": "scripts/migrate.ts",
      "cli/ops": "scripts/ops.ts",
    },
    outdir: "build",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  const web = result.metafile.outputs["build/web/index.js"];
  const appModules = Object.keys(web?.inputs ?? {}).filter(
    (input) => input.startsWith("app/") && !WEB_MAY_BUNDLE.has(input),
  );
  if (appModules.length) {
    throw new Error(
      `build: the web entry must take app modules from the Remix build, not bundle them: ${appModules.join(", ")}`,
    );
  }
}

function main() {
  const remix = require.resolve("@remix-run/dev/dist/cli.js");
  execFileSync(process.execPath, [remix, "vite:build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  return buildEntries().then(() =>
    console.log(`build: web, worker and cli entries in ${relative(process.cwd(), join(root, "build")) || "build"}/`),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
