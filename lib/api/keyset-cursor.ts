import { z } from "zod";
import { isQueryTime } from "./date-params";

/**
 * A keyset position in a list read newest first: the last row's time and id (ids break ties).
 * Stable under concurrent inserts, unlike an offset; opaque to clients (base64url of "<ISO time>|<id>").
 */
export interface KeysetCursor {
  at: Date;
  id: string;
}

export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** Any id a row can have: PostgreSQL text holds no NUL, and a NUL in a query parameter fails there. */
const CURSOR_ID = /^[^\u0000]{1,200}$/;

/**
 * The cursor a client sent back, or null when it is not one of ours: its time must be the
 * ISO form encodeKeysetCursor writes and one PostgreSQL can hold (a forged year 275760 would
 * otherwise reach the query and fail there), its id one a row can have.
 */
export function decodeKeysetCursor(value: string): KeysetCursor | null {
  const text = Buffer.from(value, "base64url").toString("utf8");
  const separator = text.indexOf("|");
  if (separator <= 0) return null;
  const time = text.slice(0, separator);
  const at = new Date(time);
  const id = text.slice(separator + 1);
  if (Number.isNaN(at.getTime()) || !isQueryTime(at) || at.toISOString() !== time || !CURSOR_ID.test(id)) return null;
  return { at, id };
}

/** A `cursor` query parameter, parsed: 422 at `query.cursor` when it is not one this API returned. */
export const keysetCursorParam = z
  .string()
  .min(1)
  .max(400)
  .transform((value, context) => {
    const cursor = decodeKeysetCursor(value);
    if (!cursor) context.addIssue({ code: "custom", message: "is not a cursor this API returned" });
    return cursor ?? z.NEVER;
  });
