import { keysetCursorParam } from "@/lib/api/keyset-cursor";
import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { listNotifications } from "@/lib/inbox/inbox";

export const dynamic = "force-dynamic";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** nextCursor of the previous page. */
  cursor: keysetCursorParam.optional(),
  /** 1: only unread ones. */
  unread: z.enum(["0", "1"]).optional(),
});

// GET /api/v1/notifications — the caller's notifications, newest first, with the unread count (signed in)
export const GET = apiRoute({ auth: "user", query, doc: { summary: "The caller's notifications, newest first, with the unread count" } }, async ({ query, principal }) => {
  return listNotifications(principal.id, { limit: query.limit, after: query.cursor, unreadOnly: query.unread === "1" });
});
