import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throw-away Redis Cluster of three masters (no replicas) on local ports, for tests that prove
 * the app runs on a cluster. Each node keeps its state in a temporary directory that is removed on
 * stop; nothing is persisted. Ports must leave room for the cluster bus (port + 10000 ≤ 65535).
 */
export interface RedisClusterHandle {
  /** "host:port" of each node, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

/** The pids and directory of the last cluster on these ports, so a run killed half-way does not block the ports for the next. */
async function killLeftovers(stateFile: string): Promise<void> {
  if (!existsSync(stateFile)) return;
  const { pids, dir } = JSON.parse(readFileSync(stateFile, "utf8")) as { pids: number[]; dir: string };
  for (const pid of pids) {
    try {
      // Only a redis-server: the pid may have been reused since.
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("redis-server")) process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await until("the previous run's nodes gone", () => pids.every((pid) => !existsSync(`/proc/${pid}`)), 10_000);
  rmSync(dir, { recursive: true, force: true });
  rmSync(stateFile, { force: true });
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

function cli(port: number, ...args: string[]): string {
  const result = spawnSync("redis-cli", ["-h", HOST, "-p", String(port), ...args], { encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(" ")} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startRedisCluster(ports: readonly number[]): Promise<RedisClusterHandle> {
  if (ports.some((port) => port + 10_000 > 65_535)) throw new Error(`Redis Cluster ports ${ports.join(", ")}: the bus port (port + 10000) must stay below 65536`);
  const stateFile = join(tmpdir(), `capliquify-redis-cluster-${ports.join("-")}.json`);
  await killLeftovers(stateFile);
  for (const port of ports) {
    if (await portInUse(port)) throw new Error(`Redis Cluster: port ${port} is already in use`);
  }

  const dir = mkdtempSync(join(tmpdir(), "capliquify-redis-cluster-"));
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killNow);
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(children.map(exited));
    rmSync(dir, { recursive: true, force: true });
    rmSync(stateFile, { force: true });
  };
  // A test process that dies without running its teardown still takes the nodes with it.
  const killNow = () => children.forEach((child) => child.kill("SIGKILL"));
  process.on("exit", killNow);

  try {
    for (const port of ports) {
      const child = spawn(
        "redis-server",
        ["--port", String(port), "--bind", HOST, "--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`), "--dir", dir, "--save", "", "--appendonly", "no", "--cluster-node-timeout", "5000", "--logfile", join(dir, `redis-${port}.log`)],
        { stdio: "ignore" },
      );
      children.push(child);
    }
    writeFileSync(stateFile, JSON.stringify({ pids: children.map((child) => child.pid), dir }));
    await until("every node answering", async () => (await Promise.all(ports.map(portInUse))).every(Boolean), 15_000);
    cli(ports[0]!, "--cluster", "create", ...ports.map((port) => `${HOST}:${port}`), "--cluster-replicas", "0", "--cluster-yes");
    // `--cluster create` returns once the slots are assigned; the nodes agree a little later.
    await until("cluster_state:ok on every node", () => ports.every((port) => cli(port, "cluster", "info").includes("cluster_state:ok")), 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => `${HOST}:${port}`), stop };
}

/** The test cluster's ports: TEST_REDIS_CLUSTER_PORTS (comma-separated) or 47001-47003 (buses 57001-57003). */
export function clusterPorts(): number[] {
  return (process.env.TEST_REDIS_CLUSTER_PORTS ?? "47001,47002,47003").split(",").map((port) => Number(port.trim()));
}

/** REDIS_CLUSTER_NODES for the test cluster. */
export function clusterNodesEnv(): string {
  return clusterPorts().map((port) => `${HOST}:${port}`).join(",");
}
