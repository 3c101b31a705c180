// Starts the app's own entry points as real processes (node on the real
// entry, so the pid we hold is the process itself). The built entries
// (`npm run build`) run as production does, with plain node; a .ts entry
// (server/*.ts) runs under tsx.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

/** What `npm run start` and `npm run worker` run. */
export const WEB_ENTRY = "build/web/index.js";
export const WORKER_ENTRY = "build/worker/index.js";

/** `npm run build`: the Remix app and the entries above (scripts/build.mjs). */
export function buildCommand(): [string, string[]] {
  return [process.execPath, [resolve(ROOT, "scripts/build.mjs")]];
}

export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    SHOPIFY_API_KEY: "test-api-key",
    SHOPIFY_API_SECRET: "test-app-secret",
    SHOPIFY_APP_URL: "http://127.0.0.1:3000",
    // Production requires a mail server; these processes mail a local sink unless told otherwise.
    SMTP_URL: "smtp://127.0.0.1:2525",
    ...extra,
  };
}

export function startProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  onOutput?: (line: string) => void,
  nodeFlags: readonly string[] = [],
): ChildProcess {
  const args = [...nodeFlags, ...(entry.endsWith(".ts") ? ["--import", "tsx"] : []), resolve(ROOT, entry)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const forward = (chunk: Buffer) =>
    chunk
      .toString()
      .split("\n")
      .filter(Boolean)
      .forEach((line) => onOutput?.(line));
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  return child;
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once("exit", (code) => done(code)));
}
