import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";

/**
 * Where the CPU goes during a measured window, from /proc (Linux only; elsewhere the figures are
 * simply missing). The machine is shared with other engineers' builds and tests, so the bench
 * reports the whole machine's busy time next to what its own processes used.
 */
let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface ProcStat {
  comm: string;
  pgrp: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

function readProcStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may contain spaces; fields after it are space separated.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
    const pgrp = Number(fields[2]);
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
    return { comm, pgrp, cpuMs };
  } catch {
    return undefined;
  }
}

/**
 * Waits until process `pid` uses less than `share` of a core over half a second, or `maxMs` passes:
 * `next start` keeps loading every route's module in the background after it answers its first
 * request, which would otherwise land in the first measured window.
 */
export async function waitUntilIdle(pid: number, { share = 0.05, maxMs = 30_000 } = {}): Promise<void> {
  const deadline = Date.now() + maxMs;
  let before = readProcStat(pid)?.cpuMs;
  while (before !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = readProcStat(pid)?.cpuMs;
    if (after === undefined || after - before < 500 * share) return;
    before = after;
  }
}

function allPids(): number[] {
  try {
    return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
}

/** A group of processes whose CPU time the bench attributes: by command name or process group. */
export interface CpuGroup {
  label: string;
  match: (pid: number, stat: ProcStat) => boolean;
}

export const byComm = (label: string, comm: string): CpuGroup => ({ label, match: (_pid, stat) => stat.comm === comm });
export const byProcessGroups = (label: string, groups: () => number[]): CpuGroup => ({
  label,
  match: (_pid, stat) => groups().includes(stat.pgrp),
});
export const byPid = (label: string, pid: number): CpuGroup => ({ label, match: (candidate) => candidate === pid });
export const byPids = (label: string, pids: () => ReadonlySet<number>): CpuGroup => ({ label, match: (candidate) => pids().has(candidate) });

export interface CpuSnapshot {
  at: number;
  machineBusyMs: number;
  machineTotalMs: number;
  perPid: Map<number, { group: string; cpuMs: number }>;
}

function machineTimes(): { busyMs: number; totalMs: number } {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
    const scale = 1000 / ticksPerSecond();
    return { busyMs: (total - idle) * scale, totalMs: total * scale };
  } catch {
    return { busyMs: Number.NaN, totalMs: Number.NaN };
  }
}

export function cpuSnapshot(groups: CpuGroup[]): CpuSnapshot {
  const perPid = new Map<number, { group: string; cpuMs: number }>();
  for (const pid of allPids()) {
    const stat = readProcStat(pid);
    if (!stat) continue;
    const group = groups.find((candidate) => candidate.match(pid, stat));
    if (group) perPid.set(pid, { group: group.label, cpuMs: stat.cpuMs });
  }
  const { busyMs, totalMs } = machineTimes();
  return { at: performance.now(), machineBusyMs: busyMs, machineTotalMs: totalMs, perPid };
}

export interface CpuUsage {
  wallMs: number;
  /** Busy share of all cores, 0..1. */
  machineBusy: number;
  /** CPU ms per group over the window (processes that exited inside the window are missed). */
  groups: Record<string, number>;
  /** Busy CPU ms not attributed to any group: other engineers' work, the kernel, this bench's helpers. */
  otherMs: number;
}

export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot, groups: CpuGroup[]): CpuUsage {
  const totals: Record<string, number> = Object.fromEntries(groups.map((group) => [group.label, 0]));
  for (const [pid, now] of after.perPid) {
    const then = before.perPid.get(pid);
    totals[now.group] = (totals[now.group] ?? 0) + Math.max(0, now.cpuMs - (then?.cpuMs ?? 0));
  }
  const busyMs = after.machineBusyMs - before.machineBusyMs;
  const attributed = Object.values(totals).reduce((sum, value) => sum + value, 0);
  return {
    wallMs: after.at - before.at,
    machineBusy: busyMs / (after.machineTotalMs - before.machineTotalMs),
    groups: totals,
    otherMs: Math.max(0, busyMs - attributed),
  };
}

/** Process groups (pgid) of our detached children: the child and anything it forked. */
export function processGroupMembers(pgid: number): number[] {
  return allPids().filter((pid) => readProcStat(pid)?.pgrp === pgid);
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
}

export function uptimeLine(): string {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${loadAverage()}`;
  }
}

export function machineInfo(): Record<string, string> {
  const cpus = os.cpus();
  return {
    cores: `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown"}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB (${(os.freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    uptime: uptimeLine(),
  };
}
