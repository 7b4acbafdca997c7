import { readFileSync } from "node:fs";

/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and says where the time went: self time
 * per function, self time per package or app file, and the inclusive time of named frames (a
 * function and everything it called). Sample times are V8's monotonic clock, which on Linux is the
 * clock of `process.hrtime` in any process: a window taken in the bench selects the measured run.
 */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  frame: string;
  where: string;
  ms: number;
}

export interface ProfileSummary {
  /** Sampled time, idle excluded, in ms. */
  busyMs: number;
  selfByFrame: FrameTime[];
  selfByModule: FrameTime[];
  inclusive: FrameTime[];
}

/** "node_modules/next/dist/…" → "next"; app files by their path in the repository; Node's own by "node:". */
export function moduleOf(url: string): string {
  if (url === "") return "(native / V8)";
  if (url.startsWith("node:")) return url.split("/")[0]!.replace(/^node:internal.*/, "node:internal");
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = path.slice(modules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  // Next bundles the app's own code into chunks under the dist dir; the chunk name is what is left.
  const chunk = /\/(\.next[^/]*)\/(.*)$/.exec(path);
  if (chunk) return `${chunk[1]}/${chunk[2]!.replace(/\/[^/]*$/, "/…")}`;
  return path.split("/").slice(-2).join("/");
}

const IDLE = new Set(["(idle)", "(program)"]);

/**
 * @param inclusiveOf - function names whose inclusive time is wanted (first match on each stack
 * counts once, so recursion does not double it)
 */
export function summariseProfile(
  file: string,
  { inclusiveOf = [] as readonly string[], top = 25, window }: { inclusiveOf?: readonly string[]; top?: number; window?: { fromUs: number; toUs: number } } = {},
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  let at = profile.startTime;
  for (const [index, id] of profile.samples.entries()) {
    // timeDeltas[i] is the time since the previous sample: it belongs to sample i.
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    selfMs.set(id, (selfMs.get(id) ?? 0) + delta / 1000);
  }
  const frameKey = (frame: CallFrame) => `${frame.functionName || "(anonymous)"}\n${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
  const byFrame = new Map<string, number>();
  const byModule = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) continue;
    busyMs += ms;
    byFrame.set(frameKey(node.callFrame), (byFrame.get(frameKey(node.callFrame)) ?? 0) + ms);
    const module = node.callFrame.functionName === "(garbage collector)" ? "(garbage collector)" : moduleOf(node.callFrame.url);
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
    if (inclusiveOf.length === 0) continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (inclusiveOf.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
    }
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    busyMs,
    selfByFrame: sorted(byFrame).map(([key, ms]) => {
      const [frame, where] = key.split("\n");
      return { frame: frame!, where: where!, ms };
    }),
    selfByModule: sorted(byModule).map(([module, ms]) => ({ frame: module, where: "", ms })),
    inclusive: inclusiveOf.map((name) => ({ frame: name, where: "", ms: inclusive.get(name) ?? 0 })),
  };
}
