"use client";

import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { queryKeys } from "@/lib/query-keys";
import { isTerminal, type JobEvent, type JobEventData, type JobEventName, type JobStatus } from "./api/types";

type Listener = (event: JobEvent) => void;
export type ConnectionStatus = "connecting" | "open" | "reconnecting";

interface JobEventsContextValue {
  status: ConnectionStatus;
  subscribe(listener: Listener): () => void;
}

const JobEventsContext = createContext<JobEventsContextValue | null>(null);

const EVENT_NAMES: readonly JobEventName[] = ["job:progress", "job:complete", "job:failed"];
/** After the server refuses the stream (401, 503) the browser stops retrying; we try again ourselves. */
const MANUAL_RETRY_MS = 5_000;

/**
 * The app's single EventSource to /api/v1/sse. Events are folded into the TanStack Query cache
 * here, in one place, so every view of a job (progress panel, recent runs, queue counts) moves
 * together; components that need more can subscribe.
 */
export function JobEventsProvider({ allUsers = false, children }: { allUsers?: boolean; children: ReactNode }) {
  const queryClient = useQueryClient();
  const listeners = useRef(new Set<Listener>());
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [value] = useState<Omit<JobEventsContextValue, "status">>(() => ({
    subscribe(listener) {
      listeners.current.add(listener);
      return () => {
        listeners.current.delete(listener);
      };
    },
  }));

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let openedBefore = false;
    let lastEventId: string | null = null;

    const onEvent = (name: JobEventName) => (message: MessageEvent<string>) => {
      let data: JobEventData;
      try {
        data = JSON.parse(message.data) as JobEventData;
      } catch {
        return;
      }
      if (message.lastEventId) lastEventId = message.lastEventId;
      const event: JobEvent = { ...data, event: name, id: message.lastEventId };
      applyEventToCache(queryClient, event);
      for (const listener of listeners.current) listener(event);
    };

    const connect = () => {
      const url = new URL("/api/v1/sse", window.location.origin);
      if (allUsers) url.searchParams.set("all", "1");
      // A fresh EventSource forgets Last-Event-ID, so hand it over explicitly to get the replay.
      if (lastEventId) url.searchParams.set("lastEventId", lastEventId);
      const current = new EventSource(url, { withCredentials: true });
      source = current;
      current.onopen = () => {
        setStatus("open");
        // Whatever was missed while away (including events older than the replay window) is
        // re-read from the API rather than trusted to the stream.
        if (openedBefore) resync(queryClient);
        openedBefore = true;
      };
      current.onerror = () => {
        setStatus("reconnecting");
        if (current.readyState === EventSource.CLOSED) {
          current.close();
          clearTimeout(retryTimer);
          retryTimer = setTimeout(connect, MANUAL_RETRY_MS);
        }
      };
      for (const name of EVENT_NAMES) current.addEventListener(name, onEvent(name) as EventListener);
      // The server says events were trimmed while we were away: re-read job state from the API.
      current.addEventListener("resync", () => resync(queryClient));
    };

    connect();
    return () => {
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [allUsers, queryClient]);

  return <JobEventsContext.Provider value={{ ...value, status }}>{children}</JobEventsContext.Provider>;
}

export function useJobEventsStatus(): ConnectionStatus {
  return useContext(JobEventsContext)?.status ?? "connecting";
}

/** Calls `listener` for every job event while the component is mounted. */
export function useJobEvents(listener: Listener): void {
  const context = useContext(JobEventsContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  const subscribe = context?.subscribe;
  useEffect(() => subscribe?.((event) => latest.current(event)), [subscribe]);
}

function resync(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.all });
  void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
}

/** Applies one event to a job status as the API would report it after that event. */
export function applyEvent(status: JobStatus, event: JobEvent): JobStatus {
  const at = new Date(event.timestamp).toISOString();
  if (event.event === "job:complete") {
    // The event carries only a summary of the result; the job's status is refetched for the result itself.
    return { ...status, state: "completed", progress: 100, progressMessage: event.message, failedReason: null, finishedAt: at };
  }
  if (event.event === "job:failed") {
    return { ...status, state: "failed", progressMessage: event.message, failedReason: event.failedReason ?? event.message, attemptsMade: event.attemptsMade ?? status.attemptsMade, finishedAt: at };
  }
  // An old progress event (replayed after a reconnect) must not reopen a finished job; a newer
  // one after a retry should.
  if (isTerminal(status.state) && status.finishedAt && event.timestamp <= Date.parse(status.finishedAt)) return status;
  // The worker reports a failed attempt that will be retried as progress carrying failedReason.
  if (event.failedReason) {
    return { ...status, state: "delayed", progressMessage: event.message, failedReason: event.failedReason, attemptsMade: event.attemptsMade ?? status.attemptsMade, finishedAt: null };
  }
  return { ...status, state: "active", progress: event.progress, progressMessage: event.message, failedReason: null, finishedAt: null };
}

function applyEventToCache(queryClient: QueryClient, event: JobEvent) {
  queryClient.setQueryData<JobStatus>(queryKeys.jobs.status(event.type, event.jobId), (old) => (old ? applyEvent(old, event) : old));
  queryClient.setQueriesData<{ jobs: JobStatus[] }>({ queryKey: queryKeys.jobs.recentAll }, (old) =>
    old ? { jobs: old.jobs.map((job) => (job.id === event.jobId ? applyEvent(job, event) : job)) } : old,
  );
  // Without cancelRefetch a burst of events shares one request instead of cancelling each other.
  const invalidate = { cancelRefetch: false } as const;
  if (event.event !== "job:progress") {
    // Once per job, so these may cancel requests already in flight: one could predate the event
    // and, answering after it, would leave the run looking unfinished in its panel or the list.
    void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.status(event.type, event.jobId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.jobs.recentAll });
  }
  void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all }, invalidate);
}
