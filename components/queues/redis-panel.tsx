"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import type { RedisHealth, RedisStats } from "../api/types";
import { formatDecimal, formatInteger, formatPercent } from "../format";
import { Badge, type BadgeTone } from "../ui/badge";
import { Card, CardHeader } from "../ui/card";
import { formatSpan } from "./queue-card";

type RedisAnswer = { health: RedisHealth; stats: RedisStats | null };

const TONE: Record<RedisHealth["status"], BadgeTone> = { excellent: "success", good: "success", degraded: "warning", down: "danger" };

/** Redis as the queues see it: latency, memory, load, hit rate and connections. */
export function RedisPanel() {
  const redis = useQuery({
    queryKey: queryKeys.redisHealth(),
    // A 503 carries the same shape (health down, no stats): that body is the answer, not an error.
    queryFn: async ({ signal }): Promise<RedisAnswer> => {
      const response = await fetch("/api/v1/health/redis", { signal, credentials: "same-origin", cache: "no-store" });
      if (!response.ok && response.status !== 503) throw new Error(`The server answered ${response.status}`);
      return (await response.json()) as RedisAnswer;
    },
    refetchInterval: 5_000,
    retry: false,
  });
  const data = redis.data;
  const stats = data?.stats;

  return (
    <Card aria-labelledby="redis-title" data-testid="redis-panel">
      <CardHeader
        titleId="redis-title"
        title="Redis"
        description={stats ? `Version ${stats.version}, up ${formatSpan(stats.uptimeSeconds * 1000)}` : "Queue store"}
        actions={data ? <Badge tone={TONE[data.health.status]}>{data.health.healthy ? data.health.status : "down"}</Badge> : null}
      />
      {redis.isError && !data ? (
        <p className="px-5 py-4 text-sm text-red-700 dark:text-red-400">Redis stats unavailable: {redis.error.message}</p>
      ) : !data ? (
        <div className="m-5 h-24 animate-pulse rounded-md bg-slate-200 dark:bg-slate-800" aria-busy aria-label="Loading Redis stats" />
      ) : !stats ? (
        <p className="px-5 py-4 text-sm text-red-700 dark:text-red-400">{data.health.error ?? "Redis is unreachable"}</p>
      ) : (
        <dl className="grid grid-cols-2 gap-px overflow-hidden rounded-b-xl bg-slate-200 sm:grid-cols-3 dark:bg-slate-800">
          <Stat label="Latency" value={data.health.latency === null ? "—" : `${formatDecimal(data.health.latency)} ms`} />
          <Stat label="Memory" value={stats.usedMemoryHuman || `${formatInteger(stats.usedMemory)} B`} />
          <Stat label="Ops / s" value={formatInteger(stats.instantaneousOpsPerSec)} />
          <Stat label="Hit rate" value={formatPercent(stats.hitRate)} />
          <Stat label="Connections" value={formatInteger(stats.connectedClients)} />
          <Stat label="Keys" value={formatInteger(stats.dbSize)} />
        </dl>
      )}
    </Card>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="bg-white px-5 py-3 dark:bg-slate-900">
      <dt className="text-xs text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="text-lg font-semibold text-slate-900 tabular-nums dark:text-white">{value}</dd>
    </div>
  );
}
