import pino, { type Logger } from "pino";
import { env } from "./env";

const globalLogger = globalThis as unknown as { __capliquifyLogger?: Logger };

/** Structured JSON logs to stdout, and to LOG_FILE as well when it is set. */
export function logger(): Logger {
  if (!globalLogger.__capliquifyLogger) {
    const { LOG_LEVEL, LOG_FILE } = env();
    const streams: pino.StreamEntry[] = [{ stream: process.stdout }];
    if (LOG_FILE) streams.push({ stream: pino.destination({ dest: LOG_FILE, mkdir: true, sync: false }) });
    globalLogger.__capliquifyLogger = pino({ level: LOG_LEVEL, base: { pid: process.pid } }, pino.multistream(streams));
  }
  return globalLogger.__capliquifyLogger;
}
