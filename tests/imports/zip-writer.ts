import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { crc32, createDeflateRaw } from "node:zlib";

/** A part of a hand-made zip: its bytes, or a run of zeros made on the fly (to inflate to far more than it weighs). */
export type ZipPart = { name: string; text?: string; zeros?: number; declaredSize?: number };

async function deflatePart(part: ZipPart): Promise<{ data: Buffer; crc: number; size: number }> {
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => chunks.push(chunk));
  let crc = 0;
  let size = 0;
  const write = async (buffer: Buffer) => {
    crc = crc32(buffer, crc);
    size += buffer.length;
    if (!deflate.write(buffer)) await once(deflate, "drain");
  };
  if (part.text !== undefined) await write(Buffer.from(part.text, "utf8"));
  if (part.zeros) {
    const block = Buffer.alloc(1024 * 1024);
    for (let left = part.zeros; left > 0; left -= block.length) await write(left >= block.length ? block : block.subarray(0, left));
  }
  deflate.end();
  await once(deflate, "end");
  return { data: Buffer.concat(chunks), crc, size };
}

/**
 * Writes a zip by hand, so tests can make what no honest writer makes: a part that inflates a
 * thousandfold, or one that declares a size smaller than it inflates to (`declaredSize`).
 */
export async function writeZip(filePath: string, parts: ZipPart[]): Promise<void> {
  const out = createWriteStream(filePath);
  const central: Buffer[] = [];
  let offset = 0;
  const put = async (buffer: Buffer) => {
    offset += buffer.length;
    if (!out.write(buffer)) await once(out, "drain");
  };
  for (const part of parts) {
    const { data, crc, size } = await deflatePart(part);
    const declared = part.declaredSize ?? size;
    const name = Buffer.from(part.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(data.length, 20);
    header.writeUInt32LE(declared, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    await put(local);
    await put(name);
    await put(data);
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await put(directory);
  await put(end);
  out.end();
  await once(out, "finish");
}

/** The smallest parts that make a zip an XLSX workbook with one sheet, for bombs to hide in. */
export const WORKBOOK_PARTS: ZipPart[] = [
  {
    name: "xl/workbook.xml",
    text: '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
  },
  {
    name: "xl/_rels/workbook.xml.rels",
    text: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  },
];
