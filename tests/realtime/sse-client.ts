import { vi } from "vitest";
import * as sse from "@/app/api/v1/sse/route";

/** One parsed text/event-stream frame. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: any;
  comments: string[];
  retry?: number;
}

/** Parses complete frames (blank-line separated) per the EventSource rules we rely on. */
export function parseFrames(text: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  const parts = text.split("\n\n");
  const rest = parts.pop() ?? "";
  for (const part of parts) {
    const frame: SseFrame = { comments: [] };
    const data: string[] = [];
    for (const line of part.split("\n")) {
      if (line.startsWith(":")) frame.comments.push(line.slice(1).trim());
      else if (line.startsWith("id: ")) frame.id = line.slice(4);
      else if (line.startsWith("event: ")) frame.event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith("retry: ")) frame.retry = Number(line.slice(7));
    }
    if (data.length > 0) frame.data = JSON.parse(data.join("\n"));
    frames.push(frame);
  }
  return { frames, rest };
}

export interface OpenStream {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  /** Frames that carry an event (not comments only). */
  readonly events: (SseFrame & { id: string; event: string })[];
  readonly heartbeats: number;
  readonly connected: boolean;
  /** Resolves once `predicate` holds for the frames read so far. */
  until(predicate: (stream: OpenStream) => boolean, timeout?: number): Promise<void>;
  close(): Promise<void>;
  /** True once the server ended the body. */
  readonly ended: boolean;
}

/**
 * Opens GET /api/v1/sse through the route handler, as Next would with a browser's request, and
 * reads the body in the background until closed.
 */
export async function openStream(options: { apiKey?: string; cookie?: string; query?: string; lastEventId?: string }): Promise<OpenStream> {
  const abort = new AbortController();
  const headers = new Headers({ host: "localhost:3000", accept: "text/event-stream" });
  if (options.apiKey) headers.set("authorization", `Bearer ${options.apiKey}`);
  if (options.cookie) headers.set("cookie", options.cookie);
  if (options.lastEventId) headers.set("last-event-id", options.lastEventId);
  const request = new Request(`http://localhost:3000/api/v1/sse${options.query ?? ""}`, { headers, signal: abort.signal });
  const response = await sse.GET(request, { params: Promise.resolve({}) });

  const frames: SseFrame[] = [];
  let ended = false;
  let pump: Promise<void> = Promise.resolve();
  let cancel = async () => {};
  if (response.body && response.headers.get("content-type")?.startsWith("text/event-stream")) {
    const reader = response.body.getReader();
    cancel = () => reader.cancel().catch(() => {});
    const decoder = new TextDecoder();
    let buffer = "";
    pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parsed = parseFrames(buffer);
          buffer = parsed.rest;
          frames.push(...parsed.frames);
        }
      } catch {
        // aborted
      } finally {
        ended = true;
      }
    })();
  }

  const stream: OpenStream = {
    status: response.status,
    headers: response.headers,
    frames,
    get events() {
      return frames.filter((frame): frame is SseFrame & { id: string; event: string } => Boolean(frame.event && frame.id));
    },
    get heartbeats() {
      return frames.filter((frame) => frame.comments.some((comment) => comment.startsWith("heartbeat"))).length;
    },
    get connected() {
      return frames.some((frame) => frame.comments.includes("connected"));
    },
    get ended() {
      return ended;
    },
    async until(predicate, timeout = 5_000) {
      await vi.waitFor(
        () => {
          if (!predicate(stream)) throw new Error(`condition not met; frames so far: ${JSON.stringify(frames.slice(-5))}`);
        },
        { timeout, interval: 10 },
      );
    },
    /** Aborts the request as a leaving browser does; the server must end the body by itself. */
    async close() {
      abort.abort();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), 2_000)));
      const outcome = await Promise.race([pump.then(() => "ended" as const), gaveUp]);
      clearTimeout(timer);
      if (outcome === "timeout") {
        await cancel();
        throw new Error("the server did not end the event stream after the request was aborted");
      }
    },
  };
  return stream;
}
