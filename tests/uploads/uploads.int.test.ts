import { readdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as uploads from "@/app/api/v1/uploads/route";
import * as uploadById from "@/app/api/v1/uploads/[id]/route";
import * as uploadPreview from "@/app/api/v1/uploads/[id]/preview/route";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { organizationUploadDir, resolveUploadedFile } from "@/lib/uploads/uploaded-file";
import { deleteExpiredUploads, uploadFilePath } from "@/lib/uploads/upload-store";
import { createTestOrganization, createTestUser, type TestUser } from "../helpers/fixtures";
import { WORKBOOK_PARTS, writeZip } from "../imports/zip-writer";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/imports");
const BOUNDARY = "----capliquify-test-boundary";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A multipart body as a stream of parts: the file's bytes come from `content`, chunk by chunk. */
function multipart(fileName: string, content: AsyncIterable<Uint8Array> | Uint8Array, field = "file"): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const head = new TextEncoder().encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = new TextEncoder().encode(`\r\n--${BOUNDARY}--\r\n`);
  async function* parts() {
    yield head;
    if (content instanceof Uint8Array) yield content;
    else yield* content;
    yield tail;
  }
  const iterator = parts();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else {
        pulled += value.byteLength;
        controller.enqueue(value);
      }
    },
  });
  return { body, pulled: () => pulled };
}

async function send(handler: Handler, user: TestUser, options: { path: string; params?: Record<string, string>; body?: ReadableStream<Uint8Array>; headers?: Record<string, string> }) {
  const request = new Request(`http://localhost:3000${options.path}`, {
    method: options.body ? "POST" : "GET",
    headers: { host: "localhost:3000", authorization: `Bearer ${user.apiKey}`, ...(options.body ? { "content-type": `multipart/form-data; boundary=${BOUNDARY}` } : {}), ...options.headers },
    body: options.body,
    duplex: "half",
  } as RequestInit);
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const upload = async (user: TestUser, fileName: string, bytes: Uint8Array) => send(uploads.POST, user, { path: "/api/v1/uploads", body: multipart(fileName, bytes).body });

let planner: TestUser;
let colleague: TestUser;
let stranger: TestUser;
let admin: TestUser;

/** Files in the organisation's upload folder, temporary ones included: a refused upload leaves none. */
const filesOf = async (user: TestUser) => readdir(organizationUploadDir(user.organizationId)).catch(() => [] as string[]);

beforeAll(async () => {
  const mine = await createTestOrganization("Uploads A");
  const theirs = await createTestOrganization("Uploads B");
  planner = await createTestUser("PLANNER", { organizationId: mine.id });
  colleague = await createTestUser("PLANNER", { organizationId: mine.id });
  stranger = await createTestUser("PLANNER", { organizationId: theirs.id });
  admin = await createTestUser("ADMIN", { organizationId: theirs.id });
});

afterAll(async () => {
  await db().upload.deleteMany({ where: { ownerId: { in: [planner.id, colleague.id, stranger.id, admin.id] } } });
});

describe("POST /api/v1/uploads", () => {
  it("stores a workbook under a name of the server's own and answers what it detected", async () => {
    const bytes = await readFile(path.join(FIXTURES, "products-two-sheets.xlsx"));
    const { status, json } = await upload(planner, "../../etc/passwd.csv", bytes);
    expect(status).toBe(201);
    // Only the last part of the client's name is kept, and only for display.
    expect(json).toMatchObject({
      name: "passwd.csv",
      size: bytes.length,
      detected: { format: "xlsx", encoding: null, delimiter: null, sheets: ["Products", "Stock & counts"], headers: expect.arrayContaining(["SKU", "Barcode"]) },
    });
    // The client's name is never a path: the file is "<uuid>.xlsx" in the organisation's folder.
    expect(json.filePath).toMatch(/^[0-9a-f-]{36}\.xlsx$/);
    const stored = await resolveUploadedFile(json.filePath, { organizationId: planner.organizationId });
    expect(stored).not.toBeNull();
    expect((await readFile(stored!)).equals(bytes)).toBe(true);
    // Kept as long as the import queue keeps a failed run: 30 days.
    const row = await db().upload.findUniqueOrThrow({ where: { id: json.uploadId } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(30 * 86_400_000);
    expect(row).toMatchObject({ organizationId: planner.organizationId, ownerId: planner.id, path: `${planner.organizationId}/${json.filePath}` });

    const again = await send(uploadById.GET, planner, { path: `/api/v1/uploads/${json.uploadId}`, params: { id: json.uploadId } });
    expect(again).toEqual({ status: 200, json });
  });

  it("detects a Windows-1252 CSV and previews its rows as the spreadsheet numbers them", async () => {
    const { status, json } = await upload(planner, "stock.csv", await readFile(path.join(FIXTURES, "windows-1252.csv")));
    expect(status).toBe(201);
    expect(json.detected).toEqual({ format: "csv", encoding: "windows-1252", delimiter: ",", sheets: [], headers: ["SKU", "Name", "City"] });
    const preview = await send(uploadPreview.GET, planner, { path: `/api/v1/uploads/${json.uploadId}/preview?rows=1`, params: { id: json.uploadId } });
    expect(preview).toEqual({ status: 200, json: { sheet: null, headers: ["SKU", "Name", "City"], rows: [{ row: 2, values: { SKU: "00123", Name: "Café crème", City: "Zürich" } }] } });
    const sheet = await send(uploadPreview.GET, planner, { path: `/api/v1/uploads/${json.uploadId}/preview?sheet=Products`, params: { id: json.uploadId } });
    expect(sheet.status).toBe(422);
    expect(sheet.json.error.message).toContain("a CSV or TSV upload has no sheets");
  });

  it("previews a chosen sheet of a workbook with that sheet's headers", async () => {
    const { json } = await upload(planner, "book.xlsx", await readFile(path.join(FIXTURES, "products-two-sheets.xlsx")));
    const preview = await send(uploadPreview.GET, planner, { path: `/api/v1/uploads/${json.uploadId}/preview?sheet=${encodeURIComponent("Stock & counts")}`, params: { id: json.uploadId } });
    expect(preview.json).toEqual({ sheet: "Stock & counts", headers: ["SKU", "Warehouse", "On hand"], rows: [{ row: 2, values: { SKU: "00123", Warehouse: "WH-01", "On hand": "150" } }] });
    const unknown = await send(uploadPreview.GET, planner, { path: `/api/v1/uploads/${json.uploadId}/preview?sheet=Nope`, params: { id: json.uploadId } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.message).toContain('no sheet "Nope"');
  });

  it("refuses a 200 MB file past the limit with 413, stops reading at the limit and keeps nothing", async () => {
    const before = await filesOf(planner);
    const chunk = new Uint8Array(1024 * 1024).fill(0x61);
    const total = 200 * 1024 * 1024;
    async function* twoHundredMegabytes() {
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    }
    const { body, pulled } = multipart("huge.csv", twoHundredMegabytes());
    const { status, json } = await send(uploads.POST, planner, { path: "/api/v1/uploads", body });
    expect(status).toBe(413);
    expect(json.error.message).toBe(`The file is larger than the ${env().UPLOAD_MAX_BYTES / 1_048_576} MiB upload limit (UPLOAD_MAX_BYTES)`);
    // Read up to the limit (100 MiB) and a little buffering past it, never the whole 200 MB.
    expect(pulled()).toBeGreaterThan(env().UPLOAD_MAX_BYTES);
    expect(pulled()).toBeLessThan(env().UPLOAD_MAX_BYTES + 8 * 1024 * 1024);
    expect(await filesOf(planner)).toEqual(before);
  }, 120_000);

  it("refuses an announced oversize body before reading it", async () => {
    const { body, pulled } = multipart("big.csv", new Uint8Array(10));
    const { status } = await send(uploads.POST, planner, { path: "/api/v1/uploads", body, headers: { "content-length": String(env().UPLOAD_MAX_BYTES * 2) } });
    expect(status).toBe(413);
    // At most the first chunk the Request took when it was made (the part's headers), not the file.
    expect(pulled()).toBeLessThan(1024);
  });

  it.each([
    ["a binary disguised as CSV", "binary-disguised.csv", /^Unsupported file: the file is not text \(byte \d+ is a control character/],
    ["a truncated workbook", "truncated.xlsx", /^Unsupported file: the XLSX file is truncated or damaged/],
  ])("refuses %s with 415 saying what is wrong, and keeps nothing", async (_what, fixture, message) => {
    const before = await filesOf(planner);
    const { status, json } = await upload(planner, fixture, await readFile(path.join(FIXTURES, fixture)));
    expect(status).toBe(415);
    expect(json.error).toMatchObject({ code: "unsupported-media-type", message: expect.stringMatching(message) });
    expect(await filesOf(planner)).toEqual(before);
  });

  it("refuses a zip bomb with 415", async () => {
    const bomb = path.join(organizationUploadDir(planner.organizationId), "..", `bomb-${planner.id}.xlsx`);
    await writeZip(bomb, [...WORKBOOK_PARTS, { name: "xl/worksheets/sheet1.xml", zeros: 64 * 1024 ** 2 }]);
    const before = await filesOf(planner);
    const { status, json } = await upload(planner, "bomb.xlsx", await readFile(bomb));
    await rm(bomb);
    expect(status).toBe(415);
    expect(json.error.message).toMatch(/zip bomb: its part xl\/worksheets\/sheet1.xml inflates \d+ times/);
    expect(await filesOf(planner)).toEqual(before);
  });

  it("asks for multipart with a field named file", async () => {
    const json = await send(uploads.POST, planner, { path: "/api/v1/uploads", body: multipart("a.csv", new Uint8Array(3)).body, headers: { "content-type": "application/json" } });
    expect(json.status).toBe(415);
    expect(json.json.error.message).toBe('Send the file as multipart/form-data, in a field named "file"');
    const wrongField = await send(uploads.POST, planner, { path: "/api/v1/uploads", body: multipart("a.csv", new TextEncoder().encode("a,b\n1,2\n"), "document").body });
    expect(wrongField.status).toBe(422);
    expect(wrongField.json.error.message).toBe('The multipart body has no field "file"');
  });
});

describe("who sees an upload", () => {
  it("its owner and admins; a colleague, another organisation's planner and everyone after expiry get 404", async () => {
    const { json } = await upload(planner, "mine.csv", new TextEncoder().encode("SKU,Qty\n001,5\n"));
    const id = json.uploadId;
    for (const [handler, suffix] of [[uploadById.GET, ""], [uploadPreview.GET, "/preview"]] as const) {
      const as = (user: TestUser) => send(handler, user, { path: `/api/v1/uploads/${id}${suffix}`, params: { id } });
      expect((await as(planner)).status).toBe(200);
      expect((await as(admin)).status).toBe(200);
      expect((await as(colleague)).status).toBe(404);
      const theirs = await as(stranger);
      expect(theirs.status).toBe(404);
      expect(JSON.stringify(theirs.json)).not.toContain("mine.csv");
    }
  });
});

describe("the cleanup", () => {
  it("deletes expired uploads, file and row, and leaves the others", async () => {
    const old = (await upload(planner, "old.csv", new TextEncoder().encode("SKU\n1\n"))).json;
    const fresh = (await upload(planner, "fresh.csv", new TextEncoder().encode("SKU\n2\n"))).json;
    const oldRow = await db().upload.findUniqueOrThrow({ where: { id: old.uploadId } });
    const deleted = await deleteExpiredUploads({ now: new Date(oldRow.expiresAt.getTime() + 1), batch: 1 });
    // Every upload of this file made before "old" expired too; "fresh" was made after it.
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await db().upload.findUnique({ where: { id: old.uploadId } })).toBeNull();
    await expect(stat(uploadFilePath(oldRow.path))).rejects.toThrow(/ENOENT/);
    const gone = await send(uploadById.GET, planner, { path: `/api/v1/uploads/${old.uploadId}`, params: { id: old.uploadId } });
    expect(gone.status).toBe(404);
    const freshRow = await db().upload.findUniqueOrThrow({ where: { id: fresh.uploadId } });
    expect((await stat(uploadFilePath(freshRow.path))).isFile()).toBe(true);
  });
});
