import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";

/** A file stream whose writes wait for the disk when its buffer is full. */
export interface FileOutput {
  stream: WriteStream;
  write(chunk: string | Buffer): Promise<void>;
  /** Waits for the buffer to empty, for producers that write to the stream themselves. */
  drained(): Promise<void>;
  end(): Promise<void>;
  destroy(): Promise<void>;
}

export async function openFile(path: string): Promise<FileOutput> {
  const stream = createWriteStream(path, { flags: "w" });
  await once(stream, "open");
  const drained = async () => {
    if (stream.writableNeedDrain) await once(stream, "drain");
  };
  return {
    stream,
    drained,
    async write(chunk) {
      if (!stream.write(chunk)) await once(stream, "drain");
    },
    async end() {
      stream.end();
      await once(stream, "finish");
      if (!stream.closed) await once(stream, "close");
    },
    async destroy() {
      if (stream.destroyed) return;
      stream.destroy();
      await once(stream, "close");
    },
  };
}
