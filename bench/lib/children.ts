// Child processes for benchmarks: start an entry point the way scripts/lib's
// startProcess does (node on the real entry, so the pid is node itself) but
// with optional node flags (--cpu-prof is refused in NODE_OPTIONS), wait for a
// line it prints, stop it gracefully and read its CPU time from /proc.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import { ROOT, waitForExit } from "../../scripts/lib/processes.ts";

export interface Child {
  name: string;
  process: ChildProcess;
  /** Every line the child printed (stdout and stderr), for error messages. */
  lines: string[];
  /** Resolves with the first printed line matching `pattern`; rejects if the child exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** Flags for node itself, before the entry (e.g. --cpu-prof). */
  nodeArgs?: string[];
  echo?: (line: string) => void;
}

export function spawnChild(name: string, entry: string, { env, nodeArgs = [], echo }: SpawnOptions): Child {
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", resolve(ROOT, entry)], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // "close" comes after the child's output is fully read ("exit" may come before).
  let closed = false;
  child.once("close", () => (closed = true));
  const onLine = (line: string) => {
    lines.push(line);
    if (lines.length > 500) lines.shift();
    echo?.(line);
    for (const watch of watchers) watch(line);
  };
  // Lines may straddle chunks: keep the unfinished tail of each stream.
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.on("data", (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      parts.filter(Boolean).forEach(onLine);
    });
    stream.on("end", () => partial && onLine(partial));
  }

  function waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        watchers.delete(watch);
        child.off("close", onClose);
        settle();
      };
      const watch = (line: string) => {
        if (pattern.test(line)) done(() => resolve(line));
      };
      const onClose = () =>
        done(() =>
          reject(new Error(`${name} exited (code ${child.exitCode}) before printing ${pattern}:\n${tail(lines)}`)),
        );
      const timer = setTimeout(
        () => done(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${tail(lines)}`))),
        timeoutMs,
      );
      watchers.add(watch);
      child.once("close", onClose);
      for (const line of lines) if (pattern.test(line)) return done(() => resolve(line));
      if (closed) onClose();
    });
  }

  async function stop(graceMs = 20_000): Promise<number | null> {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const code = await waitForExit(child);
    clearTimeout(killer);
    return code;
  }

  return { name, process: child, lines, waitFor, stop };
}

function tail(lines: readonly string[], count = 30): string {
  return lines
    .slice(-count)
    .map((line) => `    ${line}`)
    .join("\n");
}

// Linux reports process CPU time in clock ticks; USER_HZ is 100 on every
// mainstream kernel build.
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (0 if it is gone). */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the ")" that ends the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface SystemCpu {
  busy: number;
  /** Idle while some process waited on disk (fsync): not CPU, but time a synchronous writer is blocked. */
  iowait: number;
  total: number;
}

/** Machine-wide CPU ticks (all cores) from /proc/stat. */
export function systemCpu(): SystemCpu {
  const first = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const values = first.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, iowait: values[4] ?? 0, total };
}

export { freePort } from "../../sandbox/http.ts";
