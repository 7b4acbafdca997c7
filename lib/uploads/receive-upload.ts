import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import { ApiError } from "../api/errors";
import type { Db } from "../db";
import { env } from "../env";
import { detectFile, UnsupportedFileError } from "../imports/source";
import { organizationUploadDir } from "./uploaded-file";
import { saveUpload, toUploadView, type UploadView } from "./upload-store";

/** Room for the multipart envelope (boundaries, part headers, a few small fields) around the file itself. */
const ENVELOPE_BYTES = 64 * 1024;

function formatLimit(bytes: number): string {
  return bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${bytes} bytes`;
}

/** The client's file name as shown to people: no control characters (PostgreSQL refuses NUL), bounded. */
function displayName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 255) || "upload";
}

type Received = { name: string; size: number };

/**
 * Streams the multipart field `file` to `target`, never holding more than a chunk in memory.
 * Past `maxBytes` it stops reading the request at once (the rest is never received) and throws
 * 413; the caller deletes the partial file.
 */
async function receiveFile(request: Request, target: string, maxBytes: number): Promise<Received> {
  const tooLarge = () => new ApiError("payload-too-large", `The file is larger than the ${formatLimit(maxBytes)} upload limit (UPLOAD_MAX_BYTES)`);
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new ApiError("unsupported-media-type", 'Send the file as multipart/form-data, in a field named "file"');
  }
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) throw tooLarge();
  if (!request.body) throw new ApiError("unprocessable-entity", 'The multipart body has no field "file"');

  const source = Readable.fromWeb(request.body as WebReadableStream);
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType }, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 64 * 1024, parts: 25 } });
  } catch (error) {
    throw new ApiError("bad-request", `The multipart body cannot be read: ${(error as Error).message}`);
  }
  let written: Promise<void> | null = null;
  let received: Received | null = null;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      source.unpipe(parser);
      source.destroy();
      reject(error);
    };
    parser.on("file", (field, stream, info) => {
      if (field !== "file" || written) {
        stream.resume();
        return;
      }
      const file = { name: info.filename || "upload", size: 0 };
      stream.on("data", (chunk: Buffer) => (file.size += chunk.length));
      stream.on("limit", () => fail(tooLarge()));
      written = pipeline(stream, createWriteStream(target, { flags: "wx" })).then(() => {
        received = file;
      });
      written.catch(fail);
    });
    parser.on("close", resolve);
    parser.on("error", (error) => fail(new ApiError("bad-request", `The multipart body cannot be read: ${(error as Error).message}`)));
    source.on("error", fail);
    source.pipe(parser);
  });
  await written;
  if (!received) throw new ApiError("unprocessable-entity", 'The multipart body has no field "file"');
  return received;
}

/**
 * POST /api/v1/uploads: the file is streamed to a temporary name in the organisation's upload
 * folder, recognised by its content, then renamed to a name of the server's own
 * ("<uuid>.<format>") and recorded. Anything refused is deleted before the answer goes out.
 */
export async function receiveUpload(
  request: Request,
  owner: { id: string; organizationId: string },
  { db, uploadDir = env().UPLOAD_DIR, maxBytes = env().UPLOAD_MAX_BYTES, now = () => new Date() }: { db?: Db; uploadDir?: string; maxBytes?: number; now?: () => Date } = {},
): Promise<UploadView> {
  const folder = organizationUploadDir(owner.organizationId, { uploadDir });
  await mkdir(folder, { recursive: true });
  const id = randomUUID();
  const partial = path.join(folder, `.${id}.part`);
  try {
    const { name, size } = await receiveFile(request, partial, maxBytes);
    const detected = await detectFile(partial).catch((error: unknown) => {
      if (error instanceof UnsupportedFileError) throw new ApiError("unsupported-media-type", `Unsupported file: ${error.message}`);
      throw error;
    });
    const fileName = `${id}.${detected.format}`;
    await rename(partial, path.join(folder, fileName));
    const storedPath = path.posix.join(path.basename(folder), fileName);
    try {
      const row = await saveUpload({ organizationId: owner.organizationId, ownerId: owner.id, name: displayName(name), size, path: storedPath, detected, createdAt: now() }, { db });
      return toUploadView(row);
    } catch (error) {
      await rm(path.join(folder, fileName), { force: true });
      throw error;
    }
  } finally {
    await rm(partial, { force: true });
  }
}
