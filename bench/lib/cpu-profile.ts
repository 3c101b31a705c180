// Summarises a V8 .cpuprofile (from `node --cpu-prof`) into "where the time
// goes": self and inclusive time by package / app file, and inclusive time of
// the app's own functions. Inclusive time counts a sample once per group on
// its stack, so nested calls are not double-counted.
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time, idle excluded. */
  busyMs: number;
  idleMs: number;
  selfByGroup: Share[];
  selfByFunction: Share[];
  inclusiveByGroup: Share[];
  inclusiveAppFunctions: Share[];
}

const IDLE = "(idle)";

/** Which package, app file or runtime part a frame belongs to. */
export function groupOf(frame: CallFrame, root: string): string {
  const { url, functionName } = frame;
  if (url === "") return functionName.startsWith("(") ? functionName : `(native) ${functionName || "anonymous"}`;
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("/node_modules/");
  if (modules !== -1) {
    const parts = path.slice(modules + "/node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

function isAppCode(frame: CallFrame, root: string): boolean {
  const path = frame.url.replace(/^file:\/\//, "");
  return path.startsWith(`${root}/`) && !path.includes("/node_modules/") && !path.includes("/generated/");
}

function top(map: Map<string, number>, busyMs: number, count: number): Share[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), percent: Math.round((ms / busyMs) * 1000) / 10 }));
}

const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);

export function summariseProfile(file: string, root: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const selfFunctions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const appFunctions = new Map<string, number>();
  let busyMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === IDLE) {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    add(self, groupOf(node.callFrame, root), ms);
    add(selfFunctions, `${node.callFrame.functionName || "(anonymous)"}  [${groupOf(node.callFrame, root)}]`, ms);
    const groups = new Set<string>();
    const functions = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || frame.functionName === "(root)") continue;
      groups.add(groupOf(frame, root));
      // No line numbers: tsx-compiled frames all report line 1.
      if (isAppCode(frame, root)) functions.add(`${frame.functionName || "(anonymous)"} ${groupOf(frame, root)}`);
    }
    for (const group of groups) add(inclusive, group, ms);
    for (const fn of functions) add(appFunctions, fn, ms);
  });
  return {
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleMs),
    selfByGroup: top(self, busyMs, count),
    selfByFunction: top(selfFunctions, busyMs, count),
    inclusiveByGroup: top(inclusive, busyMs, count),
    inclusiveAppFunctions: top(appFunctions, busyMs, count),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const rows = (title: string, shares: Share[]) =>
    [
      `    ${title}`,
      ...shares.map(
        (share) => `      ${share.percent.toFixed(1).padStart(5)}%  ${String(share.ms).padStart(7)} ms  ${share.name}`,
      ),
    ].join("\n");
  return [
    `    sampled busy ${summary.busyMs} ms, idle ${summary.idleMs} ms (whole process life: start-up and warm-up included)`,
    rows("self time by package / file:", summary.selfByGroup),
    rows("self time by function:", summary.selfByFunction),
    rows("inclusive time by package / file:", summary.inclusiveByGroup),
    rows("inclusive time of the app's own functions:", summary.inclusiveAppFunctions),
  ].join("\n");
}
